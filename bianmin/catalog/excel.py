"""The catalogue as the Excel workbook county staff keep (事项清单): a sheet of items and a sheet of materials,
Chinese headings, one row per item or material, choices written as their Chinese names.

Import is all or nothing: every cell is checked first and every problem reported with its sheet, row and
column; only a clean file is written, in one transaction, through the services (so an unchanged item makes
no new version and a file exported and imported again changes nothing)."""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bianmin.catalog import services
from bianmin.catalog.choices import HandlingForm, ItemKind, Level, LifeEvent, LimitUnit, MaterialForm, ServiceObject
from bianmin.catalog.content import ItemContent, MaterialContent
from bianmin.catalog.models import ItemMaterial, ServiceItem
from bianmin.errors import DomainError
from bianmin.org.models import Unit, User

ITEMS_SHEET = "事项"
MATERIALS_SHEET = "材料"
MAX_PROBLEMS = 50

# The file's words for each choice (the format does not change with the reader's language).
KIND = {
    ItemKind.LICENSE: "行政许可",
    ItemKind.BENEFIT: "行政给付",
    ItemKind.CONFIRMATION: "行政确认",
    ItemKind.PUBLIC_SERVICE: "公共服务",
    ItemKind.OTHER: "其他",
}
LEVEL = {Level.COUNTY: "县级", Level.TOWNSHIP: "乡镇级", Level.VILLAGE: "村级"}
OBJECT = {ServiceObject.PERSON: "自然人", ServiceObject.ORGANISATION: "法人"}
FORM = {HandlingForm.WINDOW: "窗口办理", HandlingForm.ONLINE: "网上办理", HandlingForm.PROXY: "代办"}
UNIT = {LimitUnit.WORKING_DAYS: "工作日", LimitUnit.CALENDAR_DAYS: "自然日"}
MATERIAL_FORM = {
    MaterialForm.ORIGINAL: "原件",
    MaterialForm.COPY: "复印件",
    MaterialForm.ORIGINAL_AND_COPY: "原件及复印件",
    MaterialForm.ELECTRONIC: "电子",
}
EVENT = {
    LifeEvent.BIRTH: "生育",
    LifeEvent.EDUCATION: "教育",
    LifeEvent.EMPLOYMENT: "就业",
    LifeEvent.MARRIAGE: "婚姻家庭",
    LifeEvent.HOUSEHOLD: "户籍证件",
    LifeEvent.HOUSING: "住房建房",
    LifeEvent.MEDICAL: "医疗",
    LifeEvent.ELDERLY: "养老",
    LifeEvent.DISABILITY: "残疾",
    LifeEvent.ASSISTANCE: "社会救助",
    LifeEvent.AGRICULTURE: "农业生产",
    LifeEvent.BUSINESS: "经营",
    LifeEvent.VETERANS: "退役军人",
    LifeEvent.DEATH: "身后事",
}
# Shorter words staff also write.
ALSO = {"县": "county", "乡镇": "township", "乡": "township", "村": "village", "网上": "online", "窗口": "window"}
YES, NO = "是", "否"
REQUIRED, OPTIONAL = "必要", "非必要"

# (heading, field, kind of value); fields starting with "_" are written for people and not read back.
ITEM_COLUMNS: list[tuple[str, str, Any]] = [
    ("基本编码", "basic_code", "text"),
    ("实施编码", "code", "text"),
    ("事项名称", "name", "text"),
    ("事项类型", "kind", KIND),
    ("设定依据", "legal_basis", "text"),
    ("行使层级", "levels", ("many", LEVEL)),
    ("实施主体编码", "unit", "text"),
    ("实施主体", "_unit_name", "text"),
    ("委托", "entrusted", "text"),
    ("服务对象", "service_objects", ("many", OBJECT)),
    ("受理条件", "conditions", "text"),
    ("办理流程", "process", "text"),
    ("办理形式", "handling_forms", ("many", FORM)),
    ("法定办结时限", "legal_limit", "int"),
    ("法定时限单位", "legal_limit_unit", UNIT),
    ("承诺办结时限", "promised_limit", "int"),
    ("承诺时限单位", "promised_limit_unit", UNIT),
    ("到现场次数", "trips", "int"),
    ("是否收费", "charges", "bool"),
    ("收费依据", "fee_basis", "text"),
    ("办理地点", "place", "text"),
    ("办理时间", "hours", "text"),
    ("咨询电话", "consult_phone", "text"),
    ("投诉电话", "complaint_phone", "text"),
    ("是否下放", "delegated_down", "bool"),
    ("是否联合办理", "joint_handling", "bool"),
    ("人生事件", "life_events", ("many", EVENT)),
    ("俗称", "aliases", "words"),
    ("关键词", "keywords", "words"),
    ("是否启用", "active", "bool"),
    ("版本", "_version", "text"),
]
MATERIAL_COLUMNS: list[tuple[str, str, Any]] = [
    ("实施编码", "code", "text"),
    ("序号", "position", "int"),
    ("材料名称", "name", "text"),
    ("是否必要", "required", "required"),
    ("材料形式", "form", MATERIAL_FORM),
    ("份数", "copies", "int"),
    ("来源", "source", "text"),
    ("空白表格", "_blank_form", "text"),
    ("示例样表", "_sample", "text"),
]
OPTIONAL_COLUMNS = {"entrusted", "fee_basis", "life_events", "aliases", "keywords", "active", "source"}
_SPLIT = re.compile(r"[、,，;；/\s]+")


class ImportFailed(DomainError):
    """The file was not imported; `problems` says where and why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("import_failed", _("The file was not imported; nothing was changed."))
        self.problems = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            self.problems.append(_("… and %(n)s more problems.") % {"n": len(problems) - MAX_PROBLEMS})

    def describe(self) -> str:
        return "\n".join([str(self.message), *self.problems])


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


# --- Export ---------------------------------------------------------------------------------------


def _join(values: list[str], words: dict[Any, str]) -> str:
    return "、".join(words[v] for v in values if v in words)


def export_items(items: QuerySet[ServiceItem], target: str | IO[bytes] | Any) -> None:
    book = Workbook()
    sheet: Worksheet = book.active  # type: ignore[assignment]
    sheet.title = ITEMS_SHEET
    materials_sheet = book.create_sheet(MATERIALS_SHEET)
    _headings(sheet, ITEM_COLUMNS)
    _headings(materials_sheet, MATERIAL_COLUMNS)
    rows = (
        items.filter(current__isnull=False)
        .select_related("unit", "current")
        .prefetch_related(Prefetch("current__materials", queryset=ItemMaterial.objects.order_by("position")))
        .order_by("basic_code", "code")
    )
    for item in rows:
        v = item.current
        assert v is not None  # noqa: S101 (filtered above)
        values = {
            "basic_code": item.basic_code,
            "code": item.code,
            "name": v.name,
            "kind": KIND[ItemKind(v.kind)],
            "legal_basis": v.legal_basis,
            "levels": _join(v.levels, LEVEL),
            "unit": item.unit.code,
            "_unit_name": item.unit.name,
            "entrusted": v.entrusted,
            "service_objects": _join(v.service_objects, OBJECT),
            "conditions": v.conditions,
            "process": v.process,
            "handling_forms": _join(v.handling_forms, FORM),
            "legal_limit": v.legal_limit,
            "legal_limit_unit": UNIT[LimitUnit(v.legal_limit_unit)],
            "promised_limit": v.promised_limit,
            "promised_limit_unit": UNIT[LimitUnit(v.promised_limit_unit)],
            "trips": v.trips,
            "charges": YES if v.charges else NO,
            "fee_basis": v.fee_basis,
            "place": v.place,
            "hours": v.hours,
            "consult_phone": v.consult_phone,
            "complaint_phone": v.complaint_phone,
            "delegated_down": YES if v.delegated_down else NO,
            "joint_handling": YES if v.joint_handling else NO,
            "life_events": _join(v.life_events, EVENT),
            "aliases": "、".join(v.aliases),
            "keywords": "、".join(v.keywords),
            "active": YES if item.active else NO,
            "_version": v.number,
        }
        sheet.append([values[field] for _h, field, _k in ITEM_COLUMNS])
        for m in v.materials.all():
            materials_sheet.append(
                [
                    item.code,
                    m.position,
                    m.name,
                    REQUIRED if m.required else OPTIONAL,
                    MATERIAL_FORM[MaterialForm(m.form)],
                    m.copies,
                    m.source,
                    (m.blank_form.name or "").rsplit("/", 1)[-1],
                    (m.sample.name or "").rsplit("/", 1)[-1],
                ]
            )
    book.save(target)


def _headings(sheet: Worksheet, columns: list[tuple[str, str, Any]]) -> None:
    sheet.append([heading for heading, _f, _k in columns])
    for index, (heading, field, _kind) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="808080" if field.startswith("_") else "000000")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        wide = field in ("legal_basis", "conditions", "process", "name", "place", "hours")
        sheet.column_dimensions[get_column_letter(index)].width = 36 if wide else max(10, 2 * len(heading) + 2)
    sheet.freeze_panes = "C2" if columns is ITEM_COLUMNS else "A2"


# --- Import ---------------------------------------------------------------------------------------


class _Reader:
    """Turns cells into values, noting each problem with its place."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, sheet: str, row: int, heading: str, message: str) -> None:
        where = _("Sheet %(sheet)s, row %(row)s, column %(column)s") % {
            "sheet": f"「{sheet}」",
            "row": row,
            "column": f"「{heading}」",
        }
        self.problems.append(f"{where}: {message}")

    def value(self, raw: Any, kind: Any, place: tuple[str, int, str]) -> Any:
        text = "" if raw is None else str(raw).strip()
        if kind == "text":
            if isinstance(raw, float) and raw.is_integer():
                text = str(int(raw))  # a phone or code that Excel took for a number
            return text
        if kind == "words":
            return tuple(w for w in _SPLIT.split(text) if w)
        if kind == "int":
            if isinstance(raw, bool):
                self.problem(*place, _("Enter a whole number."))
                return 0
            if isinstance(raw, int | float) and float(raw).is_integer():
                return int(raw)
            if re.fullmatch(r"\d{1,6}", text):
                return int(text)
            self.problem(*place, _("Enter a whole number."))
            return 0
        if kind in ("bool", "required"):
            yes, no = (YES, NO) if kind == "bool" else (REQUIRED, OPTIONAL)
            if text in (yes, YES, "Y", "y", "1", "true", "True"):
                return True
            if text in (no, NO, "N", "n", "0", "false", "False"):
                return False
            if not text:
                return kind == "required"  # an empty 是否必要 means required; an empty yes/no means no
            self.problem(*place, _("Write %(yes)s or %(no)s.") % {"yes": yes, "no": no})
            return False
        many = isinstance(kind, tuple)
        words: dict[Any, str] = kind[1] if many else kind
        lookup = {label: str(value) for value, label in words.items()}
        lookup.update({str(value): str(value) for value in words})
        lookup.update({k: v for k, v in ALSO.items() if v in lookup.values()})
        parts = [w for w in _SPLIT.split(text) if w] if many else [text]
        unknown = [p for p in parts if p not in lookup]
        if unknown or (not many and not text):
            self.problem(*place, _("Write one of: %(words)s.") % {"words": "、".join(words.values())})
        found = tuple(lookup[p] for p in parts if p in lookup)
        return found if many else (found[0] if found else "")


def _rows(sheet: Worksheet, columns: list[tuple[str, str, Any]], reader: _Reader) -> list[tuple[int, dict[str, Any]]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions = {str(h).strip(): i for i, h in enumerate(header) if h is not None}
    wanted = [(h, f, k) for h, f, k in columns if not f.startswith("_")]
    missing = [h for h, f, _k in wanted if h not in positions and f not in OPTIONAL_COLUMNS]
    if missing:
        reader.problems.append(
            _("Sheet %(sheet)s lacks the columns %(columns)s.")
            % {"sheet": f"「{sheet.title}」", "columns": "、".join(f"「{h}」" for h in missing)}
        )
        return []
    found = []
    for number, row in enumerate(rows, start=2):
        if not any(cell not in (None, "") for cell in row):
            continue
        values = {}
        for heading, field, kind in wanted:
            index = positions.get(heading)
            raw = row[index] if index is not None and index < len(row) else None
            if field == "active" and (raw is None or raw == ""):
                values[field] = True
                continue
            values[field] = reader.value(raw, kind, (sheet.title, number, heading))
        found.append((number, values))
    return found


HEADING = {field: heading for heading, field, _k in ITEM_COLUMNS + MATERIAL_COLUMNS}


def _locate(exc: DomainError, reader: _Reader, row: int, material_rows: list[int]) -> None:
    """A service's refusal, placed on the cells it names."""
    if not exc.fields:
        reader.problem(ITEMS_SHEET, row, HEADING["code"], str(exc.message))
    for name, message in exc.fields.items():
        parts = name.split(".")
        if parts[0] == "materials" and len(parts) == 3 and int(parts[1]) < len(material_rows):
            reader.problem(MATERIALS_SHEET, material_rows[int(parts[1])], HEADING.get(parts[2], parts[2]), str(message))
        else:
            reader.problem(ITEMS_SHEET, row, HEADING.get(parts[0], parts[0]), str(message))


def import_items(source: Any, *, actor: User | None) -> ImportResult:
    """Read the workbook at `source` (a path or a file) and write every item in it, or none."""
    reader = _Reader()
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise ImportFailed([_("This is not an Excel workbook (.xlsx).")]) from None
    missing = [name for name in (ITEMS_SHEET, MATERIALS_SHEET) if name not in book.sheetnames]
    if missing:
        raise ImportFailed([_("The workbook lacks the sheet %(sheet)s.") % {"sheet": f"「{missing[0]}」"}])
    item_rows = _rows(book[ITEMS_SHEET], ITEM_COLUMNS, reader)
    material_rows = _rows(book[MATERIALS_SHEET], MATERIAL_COLUMNS, reader)
    book.close()

    codes: dict[str, int] = {}
    for row, values in item_rows:
        if values["code"] in codes:
            reader.problem(
                ITEMS_SHEET,
                row,
                HEADING["code"],
                _("This code is on row %(row)s already.") % {"row": codes[values["code"]]},
            )
        codes.setdefault(values["code"], row)
    by_item: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for row, values in material_rows:
        if values["code"] not in codes:
            reader.problem(MATERIALS_SHEET, row, HEADING["code"], _("No item with this code on the items sheet."))
        by_item[values["code"]].append((row, values))
    units = {u.code: u for u in Unit.objects.filter(code__in=[v["unit"] for _r, v in item_rows])}
    for row, values in item_rows:
        if values["unit"] not in units:
            reader.problem(ITEMS_SHEET, row, HEADING["unit"], _("No unit has this code."))
    if reader.problems:
        raise ImportFailed(reader.problems)

    result = ImportResult()
    with transaction.atomic():
        existing = {i.code: i for i in ServiceItem.objects.filter(code__in=list(codes)).select_related("unit")}
        for row, values in item_rows:
            materials = sorted(by_item.get(values["code"], []), key=lambda rv: rv[1]["position"])
            content = ItemContent(
                **{k: v for k, v in values.items() if k not in ("basic_code", "code", "unit", "active")},
                materials=tuple(
                    MaterialContent(
                        name=m["name"], required=m["required"], form=m["form"], copies=m["copies"], source=m["source"]
                    )
                    for _r, m in materials
                ),
            )
            try:
                item = existing.get(values["code"])
                if item is None:
                    created = services.create_item(
                        actor=actor,
                        basic_code=values["basic_code"],
                        code=values["code"],
                        unit=units[values["unit"]],
                        content=content,
                    )
                    if not values["active"]:
                        services.set_active(created, actor=actor, active=False)
                    result.created += 1
                    continue
                if item.basic_code != values["basic_code"]:
                    reader.problem(
                        ITEMS_SHEET,
                        row,
                        HEADING["basic_code"],
                        _("The item with this implementation code has the basic code %(code)s.")
                        % {"code": item.basic_code},
                    )
                    continue
                _item, changed = services.update_item(
                    item, actor=actor, content=content, unit=units[values["unit"]], active=values["active"]
                )
                if changed:
                    result.updated += 1
                else:
                    result.unchanged += 1
            except DomainError as exc:
                _locate(exc, reader, row, [r for r, _m in materials])
        if reader.problems:
            raise ImportFailed(reader.problems)  # rolls back every item written above
    return result
