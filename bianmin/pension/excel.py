"""The pensioner register as the workbook a social-insurance office hands out (领取待遇人员花名册): one sheet,
Chinese headings in the first row (found by name, in any order), one person a row.

Import checks every row first and reports each problem by row number, column and message; a file with
problems writes nothing unless the caller asks to skip the bad rows. It is idempotent on the identity number:
a row equal to the register changes nothing. A later last-certification date than the register's is a data
comparison done by the office: it is recorded as a certification (and resumes a suspended pension). Read in
openpyxl's read-only mode and written in batches, so 100,000 rows stay well inside 60 s and 300 MB."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.schemas import mask_phone
from bianmin.org.validators import LANDLINE, MOBILE, is_resident_id
from bianmin.pension import cycle, services, store
from bianmin.pension.choices import PensionerStatus
from bianmin.pension.models import Pensioner, PensionerQuerySet, Scheme
from bianmin.pension.presenters import mask_id, sees_personal

SHEET = "领取待遇人员"
BATCH = 2000
MAX_PROBLEMS = 200
YES, NO = "是", "否"

# (field, heading, required); the export adds the derived columns after these, which import ignores.
COLUMNS: list[tuple[str, str, bool]] = [
    ("name", "姓名", True),
    ("id_number", "公民身份号码", True),
    ("scheme", "险种类型", True),
    ("village", "村（社区）代码", True),
    ("phone", "联系电话", False),
    ("address", "居住地址", False),
    ("last_certified_on", "上次认证日期", False),
    ("needs_home_visit", "需上门认证", False),
]
DERIVED = ["村（社区）", "认证状态", "下次认证到期日", "暂停发放起始月"]
HEADING = {f: h for f, h, _r in COLUMNS}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.column:  # the file as a whole: no column to name
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class Row:
    number: int
    name: str
    id_number: str
    scheme: Scheme
    village: Unit
    phone: str
    address: str
    last_certified_on: date | None
    needs_home_visit: bool


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    certified: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False


Progress = Callable[[str, int, int], None]  # (stage, done, total rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


class Reader:
    """Turns the sheet's rows into checked `Row`s, collecting every problem."""

    def __init__(self, actor: User | None) -> None:
        self.schemes = {s.code: s for s in Scheme.objects.all()}
        places = Unit.objects.filter(kind__in=PLACE_KINDS)
        if actor is not None:
            places = places.restrict(actor, Permission.PENSION_MANAGE)
        self.villages = {u.code: u for u in places}
        self.seen: dict[str, int] = {}
        self.today = timezone.localdate()

    def parse(self, number: int, values: dict[str, Any], problems: list[Problem]) -> Row | None:
        before = len(problems)

        def bad(field_name: str, message: str) -> None:
            problems.append(Problem(number, HEADING[field_name], message))

        name = _text(values.get("name"))
        if not name:
            bad("name", _("Enter the name."))
        elif len(name) > 50:
            bad("name", _("At most 50 characters."))
        raw_id = values.get("id_number")
        id_number = _text(raw_id).upper()
        if isinstance(raw_id, (int, float)):
            bad("id_number", _("Store the identity number as text: Excel rounds long numbers."))
        elif not is_resident_id(id_number):
            bad("id_number", _("Not a valid resident identity number (18 characters)."))
        elif id_number in self.seen:
            bad("id_number", _("The same identity number is on row %(row)s.") % {"row": self.seen[id_number]})
        else:
            self.seen[id_number] = number
        scheme = self.schemes.get(_text(values.get("scheme")))
        if scheme is None:
            bad("scheme", _("Unknown scheme code; use one of %(codes)s.") % {"codes": "、".join(sorted(self.schemes))})
        village = self.villages.get(_text(values.get("village")))
        if village is None:
            bad("village", _("No village or community with this code in your scope."))
        phone = _text(values.get("phone"))
        if phone and not (MOBILE.match(phone) or LANDLINE.match(phone)):
            bad("phone", _("Enter a mainland mobile number (11 digits) or a landline such as 023-12345678."))
        address = _text(values.get("address"))
        if len(address) > 200:
            bad("address", _("At most 200 characters."))
        last: date | None = None
        try:
            last = _date(values.get("last_certified_on"))
        except ValueError:
            bad("last_certified_on", _("Write the date as 2025-03-01."))
        if last is not None and (last > self.today or last.year < 1990):
            bad("last_certified_on", _("The date must be between 1990 and today."))
        home = _text(values.get("needs_home_visit"))
        if home not in ("", YES, NO):
            bad("needs_home_visit", _("Write 是 or 否."))
        if len(problems) > before or scheme is None or village is None:
            return None
        return Row(number, name, id_number, scheme, village, phone, address, last, home == YES)


def read_rows(handle: IO[bytes] | str, actor: User | None, problems: list[Problem]) -> Iterator[Row | None]:
    """Every data row of the sheet, checked: a `Row`, or None where the row has problems (added to
    `problems`). Empty rows are skipped."""
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        problems.append(Problem(1, "", _("This is not an Excel workbook (.xlsx).")))
        return
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            problems.append(Problem(1, "", _("These columns are missing.")))
            return
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        headings = [_text(h) for h in header or ()]
        index = {f: headings.index(h) for f, h, _r in COLUMNS if h in headings}
        missing = [h for f, h, required in COLUMNS if required and f not in index]
        if missing:
            problems.append(Problem(1, "、".join(missing), _("These columns are missing.")))
            return
        reader = Reader(actor)
        for number, cells in enumerate(rows, start=2):
            if not any(c not in (None, "") for c in cells):
                continue
            values = {f: cells[i] if i < len(cells) else None for f, i in index.items()}
            yield reader.parse(number, values, problems)
    finally:
        book.close()


def import_register(
    handle: IO[bytes] | str, *, actor: User | None, skip_bad: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Check the whole file, then (if clean, or if told to skip bad rows) write it in one transaction."""
    result = ImportResult()
    good: list[Row] = []
    for row in read_rows(handle, actor, result.problems):
        result.rows += 1
        if row is not None:
            good.append(row)
        if progress and result.rows % BATCH == 0:
            progress("checking", result.rows, 0)
    good = _in_scope(good, actor, result.problems)
    bad_rows = len({p.row for p in result.problems})
    if result.problems and (not skip_bad or any(p.row == 1 for p in result.problems)):
        return result
    result.skipped = bad_rows
    with transaction.atomic():
        for start in range(0, len(good), BATCH):
            _write_batch(good[start : start + BATCH], actor, result)
            if progress:
                progress("writing", min(start + BATCH, len(good)), len(good))
    result.written = True
    return result


def _in_scope(rows: list[Row], actor: User | None, problems: list[Problem]) -> list[Row]:
    """The rows whose person is new or on a register the actor keeps. A number already on another township's
    register is a problem of its row, as it is for `services.register_pensioner`: the import would have
    moved that person into the importer's village, out of the lists of the township that keeps them."""
    if actor is None:
        return rows
    kept = Pensioner.objects.restrict(actor, Permission.PENSION_MANAGE).values("pk")
    elsewhere: set[str] = set()
    for start in range(0, len(rows), BATCH):
        numbers = [r.id_number for r in rows[start : start + BATCH]]
        found = Pensioner.objects.filter(id_number__in=numbers).exclude(pk__in=kept)
        elsewhere.update(found.values_list("id_number", flat=True))
    if not elsewhere:
        return rows
    message = _("This identity number is on the register of a village outside yours.")
    problems.extend(Problem(r.number, HEADING["id_number"], message) for r in rows if r.id_number in elsewhere)
    problems.sort(key=lambda p: p.row)
    return [r for r in rows if r.id_number not in elsewhere]


def _write_batch(rows: list[Row], actor: User | None, result: ImportResult) -> None:
    existing = {p.id_number: p for p in Pensioner.objects.filter(id_number__in=[r.id_number for r in rows])}
    rules: dict[tuple[int, int], services.Rule] = {}
    new: list[dict[str, Any]] = []
    changed: list[Pensioner] = []
    later: list[tuple[Pensioner, date]] = []
    today = timezone.localdate()
    for row in rows:
        key = (row.scheme.pk, row.village.pk)
        if key not in rules:
            rules[key] = services.rule_for(row.scheme, row.village)
        p = existing.get(row.id_number)
        if p is None:
            rule = rules[key]
            last = row.last_certified_on or today
            due = cycle.due_on(last, rule.cycle_months)
            new.append(
                store.new_pensioner(
                    village_id=row.village.pk,
                    name=row.name,
                    id_number=row.id_number,
                    birth_date=services.birth_date_of(row.id_number),
                    scheme_id=row.scheme.pk,
                    phone=row.phone,
                    address=row.address,
                    needs_home_visit=row.needs_home_visit,
                    cycle_months=rule.cycle_months,
                    grace_days=rule.grace_days,
                    last_certified_on=last,
                    due_on=due,
                    suspend_after=cycle.suspension_deadline(due, rule.grace_days),
                )
            )
            continue
        before = (p.name, p.village_id, p.scheme_id, p.phone, p.address, p.needs_home_visit)
        home = row.needs_home_visit and p.status != PensionerStatus.STOPPED
        after = (row.name, row.village.pk, row.scheme.pk, row.phone, row.address, home)
        is_later = row.last_certified_on is not None and (
            p.last_certified_on is None or row.last_certified_on > p.last_certified_on
        )
        if before != after:
            p.name, p.village, p.scheme, p.phone, p.address = row.name, row.village, row.scheme, row.phone, row.address
            p.needs_home_visit, p.updated_at = home, timezone.now()
            if (before[1], before[2]) != (after[1], after[2]) and p.last_certified_on:
                services.derive(p, rules[key], p.last_certified_on)
            changed.append(p)
        if is_later and row.last_certified_on is not None:
            later.append((p, row.last_certified_on))
        if before == after and not is_later:
            result.unchanged += 1
    store.insert_new_pensioners(new, actor_id=actor.pk if actor else None)
    if changed:
        Pensioner.objects.bulk_update(
            changed,
            [
                "name",
                "village",
                "scheme",
                "phone",
                "address",
                "needs_home_visit",
                "cycle_months",
                "grace_days",
                "due_on",
                "suspend_after",
                "updated_at",
            ],
            batch_size=BATCH,
        )
    result.certified += services.record_comparisons(later, actor=None)
    result.created += len(new)
    result.updated += len({p.pk for p in changed} | {p.pk for p, _d in later})


def export_register(pensioners: PensionerQuerySet, user: User, handle: IO[bytes]) -> int:
    """Write the register (the caller's scope) to `handle`, streaming; identity numbers and phones masked
    for a reader who does not certify or keep the register of the village."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    bold = Font(bold=True)
    header = []
    for heading in [h for _f, h, _r in COLUMNS] + DERIVED:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    labels = dict(PensionerStatus.choices)
    rows = pensioners.select_related("village", "scheme").order_by("village__path", "id")
    for p in rows.iterator(chunk_size=BATCH):
        full = sees_personal(user, p.village.path)
        sheet.append(
            [
                p.name,
                p.id_number if full else mask_id(p.id_number),
                p.scheme.code,
                p.village.code,
                p.phone if full else mask_phone(p.phone),
                p.address if full else "",
                p.last_certified_on.isoformat() if p.last_certified_on else "",
                YES if p.needs_home_visit else NO,
                p.village.name,
                str(labels[p.status]),
                p.due_on.isoformat(),
                p.suspended_from.strftime("%Y-%m") if p.suspended_from else "",
            ]
        )
        count += 1
    book.save(handle)
    return count
