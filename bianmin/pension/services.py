"""Every write to the pension register: one function per change, the actor keyword-only, in one transaction,
an event row for every status change, the township told on commit (DESIGN §6.3).

`actor=None` is the platform itself (the sweep, the demo loader, an import run by the operator)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.notify import Message, channel
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import PATH_WIDTH, in_scope
from bianmin.org.validators import is_resident_id, validate_person_phone
from bianmin.pension import cycle
from bianmin.pension.choices import ASSISTED_METHODS, EventKind, Method, PensionerStatus, Result, StopReason
from bianmin.pension.errors import PensionError
from bianmin.pension.models import Certification, ImportJob, Pensioner, PensionerEvent, Scheme, SchemeRule

if TYPE_CHECKING:
    from bianmin.pension.excel import ImportResult

log = logging.getLogger(__name__)

Actor = User | None


@dataclass(frozen=True)
class Rule:
    cycle_months: int
    grace_days: int


def ancestor_ids(path: str) -> list[int]:
    """The ids of the units on a unit's path, the top first."""
    return [int(path[i : i + PATH_WIDTH]) for i in range(0, len(path), PATH_WIDTH)]


def rule_for(scheme: Scheme, village: Unit) -> Rule:
    """The cycle of `scheme` in `village`: the rule of the nearest region above it (its own included), else
    the scheme's defaults. One query over the village's ancestors, read from its path."""
    ancestors = ancestor_ids(village.path)
    rules = {
        r.region_id: r
        for r in SchemeRule.objects.filter(scheme=scheme, region_id__in=ancestors).only(
            "region_id", "cycle_months", "grace_days"
        )
    }
    for pk in reversed(ancestors):
        if pk in rules:
            return Rule(rules[pk].cycle_months, rules[pk].grace_days)
    return Rule(scheme.cycle_months, scheme.grace_days)


def derive(pensioner: Pensioner, rule: Rule, last_certified: date) -> None:
    """Set the derived facts of `pensioner` from its rule and last successful certification."""
    pensioner.cycle_months, pensioner.grace_days = rule.cycle_months, rule.grace_days
    pensioner.last_certified_on = last_certified
    pensioner.due_on = cycle.due_on(last_certified, rule.cycle_months)
    pensioner.suspend_after = cycle.suspension_deadline(pensioner.due_on, rule.grace_days)


def _check(actor: Actor, permission: Permission, village: Unit) -> None:
    if actor is not None and not in_scope(actor, permission, village.path):
        raise NotFound(_("No such pensioner in your villages."))


def check_unit(actor: Actor, permission: Permission, village: Unit) -> None:
    if actor is not None and not in_scope(actor, permission, village.path):
        raise PermissionDenied(_("You may only manage the register of your own villages."))


def certifying_unit(actor: Actor, code: str | None, method: Method | str) -> Unit | None:
    """The unit named by `code` where an assisted certification was done (a township's or the county's hall),
    checked; None when no code is given (the pensioner's village, for an assisted method)."""
    if not code:
        return None
    unit = Unit.objects.filter(code=code.strip(), is_active=True).first()
    if unit is None:
        raise InvalidInput({"unit": _("No unit with this code.")})
    _check_place(actor, unit, method)
    return unit


def _check_place(actor: Actor, unit: Unit, method: Method | str) -> None:
    if method not in ASSISTED_METHODS:
        raise InvalidInput({"unit": _("Only a certification done in person has a place where it was done.")})
    if actor is not None and not in_scope(actor, Permission.PENSION_CERTIFY, unit.path):
        raise InvalidInput({"unit": _("You may only record certifications done at your own units.")})


def clean_id_number(value: str) -> str:
    number = value.strip().upper()
    if not is_resident_id(number):
        raise InvalidInput({"id_number": _("Not a valid resident identity number (18 characters).")})
    return number


def birth_date_of(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def _clean_phone(phone: str) -> str:
    phone = phone.strip()
    if phone:
        try:
            validate_person_phone(phone)
        except ValidationError as exc:
            raise InvalidInput({"phone": " ".join(str(m) for m in exc.messages)}) from None
    return phone


def _locked(pensioner: Pensioner) -> Pensioner:
    # Lock first: an assistant and the hall can certify one person at the same moment.
    return Pensioner.objects.select_for_update(of=("self",)).select_related("village", "scheme").get(pk=pensioner.pk)


def _event(pensioner: Pensioner, kind: EventKind, frm: str, *, actor: Actor, **fields: object) -> PensionerEvent:
    return PensionerEvent.objects.create(
        pensioner=pensioner, kind=kind, from_status=frm, to_status=pensioner.status, actor=actor, **fields
    )


def register_pensioner(
    *,
    actor: Actor,
    village: Unit,
    name: str,
    id_number: str,
    scheme: Scheme,
    phone: str = "",
    address: str = "",
    assistant: User | None = None,
    needs_home_visit: bool = False,
    last_certified_on: date | None = None,
) -> Pensioner:
    """Add a person to a village's register. Without a known last certification, the day of registration
    counts as one: the office confirmed the entitlement when it granted the pension."""
    check_unit(actor, Permission.PENSION_MANAGE, village)
    number = clean_id_number(id_number)
    name = name.strip()
    if not name:
        raise InvalidInput({"name": _("Enter the name.")})
    pensioner = Pensioner(
        village=village,
        name=name[:50],
        id_number=number,
        birth_date=birth_date_of(number),
        scheme=scheme,
        phone=_clean_phone(phone),
        address=address.strip()[:200],
        assistant=assistant,
        needs_home_visit=needs_home_visit,
    )
    derive(pensioner, rule_for(scheme, village), last_certified_on or timezone.localdate())
    try:
        with transaction.atomic():
            pensioner.save()
            _event(pensioner, EventKind.REGISTERED, "", actor=actor)
    except IntegrityError:
        raise Conflict(
            PensionError.DUPLICATE_ID_NUMBER, _("This identity number is already on a register."), {"id_number": ""}
        ) from None
    return pensioner


def update_pensioner(
    pensioner: Pensioner,
    *,
    actor: Actor,
    phone: str | None = None,
    address: str | None = None,
    needs_home_visit: bool | None = None,
    assistant: User | None = None,
) -> Pensioner:
    """Contact details, the assistant and the home-visit flag (an assistant flags the bedridden)."""
    with transaction.atomic():
        locked = _locked(pensioner)
        _check(actor, Permission.PENSION_VIEW, locked.village)
        needs = (
            Permission.PENSION_MANAGE
            if (phone, address, assistant) != (None, None, None)
            else Permission.PENSION_CERTIFY
        )
        check_unit(actor, needs, locked.village)
        if phone is not None:
            locked.phone = _clean_phone(phone)
        if address is not None:
            locked.address = address.strip()[:200]
        if needs_home_visit is not None:
            locked.needs_home_visit = needs_home_visit and locked.status != PensionerStatus.STOPPED
        if assistant is not None:
            locked.assistant = assistant
        locked.save()
    return locked


PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_KINDS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def _check_photo(photo: UploadedFile[bytes]) -> None:
    """A home visit's photo: a JPEG or PNG by its first bytes, at most 5 MB."""
    head = photo.read(8)
    photo.seek(0)
    if (photo.size or 0) > PHOTO_MAX_BYTES or not head.startswith(PHOTO_KINDS):
        raise InvalidInput({"photo": _("A JPEG or PNG photo of at most 5 MB.")})


@dataclass(frozen=True)
class Certified:
    """What a certification did: the record, and for a suspended pensioner the months to back-pay."""

    certification: Certification
    pensioner: Pensioner
    resumed: bool
    back_pay_months: int


def certify(
    pensioner: Pensioner,
    *,
    actor: Actor,
    method: Method | str,
    result: Result | str = Result.PASSED,
    failure_reason: str = "",
    device_ref: str = "",
    location: str = "",
    unit: Unit | None = None,
    at: datetime | None = None,
    photo: UploadedFile[bytes] | None = None,
) -> Certified:
    """Record one certification. A pass moves the due date on; a pass of a suspended pensioner resumes the
    pension, with the suspended months before this one to back-pay (an event says how many)."""
    method, result = Method(method), Result(result)
    if result == Result.FAILED and not failure_reason.strip():
        raise InvalidInput({"failure_reason": _("Say why the certification failed.")})
    if photo is not None:
        _check_photo(photo)
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=5):
        raise InvalidInput({"at": _("A certification cannot be in the future.")})
    day = timezone.localdate(at)
    if unit is not None:
        _check_place(actor, unit, method)
    with transaction.atomic():
        locked = _locked(pensioner)
        _check(actor, Permission.PENSION_VIEW, locked.village)
        check_unit(actor, Permission.PENSION_CERTIFY, locked.village)
        if locked.status == PensionerStatus.STOPPED:
            raise Conflict(PensionError.STOPPED, _("This pension has been stopped; it cannot be certified."))
        record = Certification(
            pensioner=locked,
            village=locked.village,
            method=method,
            result=result,
            failure_reason=failure_reason.strip()[:200] if result == Result.FAILED else "",
            operator=actor,
            # Assisted on site: at the village unless the caller names the hall; remote methods have no place.
            unit=unit or (locked.village if method in ASSISTED_METHODS else None),
            device_ref=device_ref.strip()[:64],
            location=location.strip()[:100],
            certified_at=at,
            certified_on=day,
        )
        if photo is not None and method == Method.HOME_VISIT:
            record.photo.save(photo.name or "visit.jpg", photo, save=False)
        record.save()
        resumption = None
        if result == Result.PASSED and (locked.last_certified_on is None or day >= locked.last_certified_on):
            resumption = _passed(locked, record, actor)
            locked.save(update_fields=[*PASSED_FIELDS, "updated_at"])
            if resumption is not None:
                resumption.save()
    return Certified(record, locked, resumption is not None, (resumption.months or 0) if resumption else 0)


# What a passed certification changes on the register (`_passed`).
PASSED_FIELDS = ["last_certified_on", "due_on", "suspend_after", "status", "suspended_from", "status_note"]


def _passed(p: Pensioner, record: Certification, actor: Actor) -> PensionerEvent | None:
    """Move `p`'s dates on from a passed certification on `record`'s day and, if the pension was suspended,
    resume it: returns the resumption event to insert (its months are the months to back-pay), else None."""
    day = record.certified_on
    derive(p, Rule(p.cycle_months, p.grace_days), day)
    if p.status != PensionerStatus.SUSPENDED:
        return None
    back_pay = cycle.back_pay_months(p.suspended_from or cycle.month_start(day), day)
    p.status, p.suspended_from, p.status_note = PensionerStatus.ACTIVE, None, ""
    return PensionerEvent(
        pensioner=p,
        kind=EventKind.RESUMED,
        from_status=PensionerStatus.SUSPENDED,
        to_status=PensionerStatus.ACTIVE,
        effective_month=cycle.month_start(day),
        months=back_pay,
        certification=record,
        actor=actor,
    )


def record_comparisons(found: list[tuple[Pensioner, date]], *, actor: Actor = None) -> int:
    """Record the social-insurance office's data comparisons (a later last-certification date in its file): for
    each person a passed certification by data comparison at noon of that day, the due date moved on, and a
    suspended pension resumed with its months back-paid, as `certify` does for one (`_passed`). In bulk, for the office's
    monthly file: one lock in pk order, one insert of the certifications, one update of the register and one
    insert of the resumptions, where one `certify` a person took seven statements. The stopped are left
    alone; returns how many were recorded."""
    days = {p.pk: day for p, day in found}
    if not days:
        return 0
    now = timezone.now()
    with transaction.atomic():
        locked = list(
            Pensioner.objects.select_for_update(of=("self",))
            .filter(pk__in=days)
            .exclude(status=PensionerStatus.STOPPED)
            .order_by("pk")
        )
        records = [
            Certification(
                pensioner=p,
                village_id=p.village_id,
                method=Method.DATA_COMPARISON,
                result=Result.PASSED,
                operator=actor,
                device_ref="import",
                certified_at=timezone.make_aware(datetime.combine(days[p.pk], time(12))),
                certified_on=days[p.pk],
            )
            for p in locked
        ]
        Certification.objects.bulk_create(records)
        moved: list[Pensioner] = []
        resumed: list[PensionerEvent] = []
        for p, record in zip(locked, records, strict=True):
            if p.last_certified_on is not None and record.certified_on < p.last_certified_on:
                continue  # certified later meanwhile: the record stands, the dates stay
            resumption = _passed(p, record, actor)
            if resumption is not None:
                resumed.append(resumption)
            p.updated_at = now  # bulk_update does not touch auto_now fields
            moved.append(p)
        Pensioner.objects.bulk_update(moved, [*PASSED_FIELDS, "updated_at"])
        PensionerEvent.objects.bulk_create(resumed)
    return len(records)


def stop_pensioner(
    pensioner: Pensioner, *, actor: Actor, reason: StopReason | str, ended_on: date, note: str = ""
) -> tuple[Pensioner, int]:
    """Stop a pension for good (death, moving away, imprisonment, a duplicate pension) and work out the months
    paid after the entitlement ended, to be recovered: payments ran to the month before a suspension, else to
    this month."""
    reason = StopReason(reason)
    today = timezone.localdate()
    if ended_on > today:
        raise InvalidInput({"ended_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        locked = _locked(pensioner)
        _check(actor, Permission.PENSION_VIEW, locked.village)
        check_unit(actor, Permission.PENSION_MANAGE, locked.village)
        if locked.status == PensionerStatus.STOPPED:
            raise Conflict(PensionError.STOPPED, _("This pension has already been stopped."))
        paid_through = (
            cycle.add_months(locked.suspended_from, -1)
            if locked.status == PensionerStatus.SUSPENDED and locked.suspended_from
            else today
        )
        months = cycle.overpayment_months(ended_on, paid_through)
        before = locked.status
        locked.status, locked.stop_reason, locked.status_note = PensionerStatus.STOPPED, reason, note.strip()[:200]
        locked.needs_home_visit = False  # no one visits a stopped pension: it leaves the home-visit list
        locked.save(update_fields=["status", "stop_reason", "status_note", "needs_home_visit", "updated_at"])
        _event(
            locked,
            EventKind.STOPPED,
            before,
            actor=actor,
            reason=reason,
            note=locked.status_note,
            effective_month=cycle.next_month(ended_on),
            months=months,
        )
    return locked, months


def suspend_overdue(today: date | None = None, *, actor: Actor = None, batch: int = 500) -> int:
    """Suspend every active pensioner whose grace ran out before `today`, from the month after it ran out;
    each gets an event, and each township one message with its count (no names). Idempotent: the suspended
    are no longer active, so running it again (or on two nodes at once) suspends no one twice."""
    today = today or timezone.localdate()
    total = 0
    per_township: dict[int, int] = {}
    while True:
        with transaction.atomic():
            ids = list(
                Pensioner.objects.filter(status=PensionerStatus.ACTIVE, suspend_after__lt=today)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            # Locked in pk order, re-checked under the lock: a certification may have come in meanwhile.
            rows = list(
                Pensioner.objects.select_for_update(of=("self",))
                .select_related("village")
                .filter(pk__in=ids, status=PensionerStatus.ACTIVE, suspend_after__lt=today)
                .order_by("pk")
            )
            events = []
            now = timezone.now()
            for p in rows:
                p.updated_at = now  # bulk_update does not touch auto_now fields
                p.status = PensionerStatus.SUSPENDED
                p.suspended_from = cycle.next_month(p.suspend_after)
                p.status_note = ""
                events.append(
                    PensionerEvent(
                        pensioner=p,
                        kind=EventKind.SUSPENDED,
                        from_status=PensionerStatus.ACTIVE,
                        to_status=PensionerStatus.SUSPENDED,
                        effective_month=p.suspended_from,
                        note=str(_("Not certified by %(day)s") % {"day": p.suspend_after.isoformat()}),
                        actor=actor,
                    )
                )
                township = p.village.parent_id or p.village_id
                per_township[township] = per_township.get(township, 0) + 1
            Pensioner.objects.bulk_update(rows, ["status", "suspended_from", "status_note", "updated_at"])
            PensionerEvent.objects.bulk_create(events)
            total += len(rows)
    if per_township:
        transaction.on_commit(lambda: _tell_townships(per_township))
    return total


REMIND_DAYS = 30


def remind_due(today: date | None = None, *, days: int = REMIND_DAYS) -> int:
    """Remind each village of its pensioners falling due within `days` (one message to the village: its
    assistants' channel) and, where an SMS gateway is configured (NOTIFY_CHANNEL=webhook), each of those
    pensioners with a phone. Once per cycle: the due date reminded for is kept, so the sweep can run any
    number of times."""
    today = today or timezone.localdate()
    due = Pensioner.objects.filter(
        status=PensionerStatus.ACTIVE, due_on__gte=today, due_on__lte=today + timedelta(days=days)
    ).exclude(reminded_for=F("due_on"))
    rows = list(due.select_related("village").only("id", "phone", "due_on", "village__code", "village__name")[:20000])
    if not rows:
        return 0
    per_village: dict[str, int] = {}
    texts: list[tuple[str, str]] = []
    sms = settings.NOTIFY_CHANNEL == "webhook"
    for p in rows:
        per_village[p.village.code] = per_village.get(p.village.code, 0) + 1
        if sms and p.phone:
            texts.append(
                (
                    p.phone,
                    str(
                        _(
                            "Your pension certification is due by %(day)s: please certify by face recognition on your phone or at the village service hall."
                        )
                        % {"day": p.due_on.isoformat()}
                    ),
                )
            )
    with transaction.atomic():
        # One statement: a pensioner certified meanwhile has a due date outside the window and keeps none.
        window_end = today + timedelta(days=days)
        for start in range(0, len(rows), 1000):
            ids = [p.pk for p in rows[start : start + 1000]]
            Pensioner.objects.filter(pk__in=ids, due_on__lte=window_end).update(reminded_for=F("due_on"))

    def send() -> None:
        out = channel()
        try:
            for code, count in sorted(per_village.items()):
                text = str(
                    _("%(count)s pensioners fall due for certification within %(days)s days")
                    % {"count": count, "days": days}
                )
                out.send(Message(kind="pension_due", case="", unit=code, to_citizen=False, text=text))
            for phone, text in texts:
                out.send(Message(kind="pension_due", case="", unit=None, to_citizen=True, text=text, phone=phone))
        except OSError:
            log.warning("pension: reminders could not all be delivered")

    transaction.on_commit(send)
    return len(rows)


def _tell_townships(counts: dict[int, int]) -> None:
    """One message per township: how many of its pensioners were suspended (no names, no numbers)."""
    units = {u.pk: u for u in Unit.objects.filter(pk__in=counts)}
    out = channel()
    for pk, count in sorted(counts.items()):
        unit = units.get(pk)
        text = str(_("%(count)s pensioners suspended for missing certification") % {"count": count})
        try:
            out.send(
                Message(
                    kind="pension_suspended", case="", unit=unit.code if unit else None, to_citizen=False, text=text
                )
            )
        except OSError:
            log.warning("pension: could not tell township %s of %s suspensions", pk, count)


def open_import(*, actor: User, upload: UploadedFile[bytes], skip_bad: bool) -> ImportJob:
    """Keep an uploaded register until it is read (`close_import` deletes it: it holds personal data)."""
    if not Unit.objects.restrict(actor, Permission.PENSION_MANAGE).exists():
        raise PermissionDenied(_("You may only manage the register of your own villages."))
    job = ImportJob(actor=actor, skip_bad=skip_bad)
    job.file.save("register.xlsx", upload, save=False)
    job.save()
    return job


def close_import(job: ImportJob, result: ImportResult | None, *, checked: int, written: int) -> None:
    """Record how an import ended (None: it failed on something other than the file's rows) and delete the
    uploaded file."""
    if result is not None:
        job.rows, job.created, job.updated = result.rows, result.created, result.updated
        job.unchanged, job.skipped = result.unchanged, result.skipped
        job.problems = [str(p) for p in result.problems[:200]]
        job.checked, job.written = checked or result.rows, written
    job.state = ImportJob.State.DONE if result is not None and result.written else ImportJob.State.FAILED
    job.finished_at = timezone.now()
    job.file.delete(save=False)
    job.save()


DEFAULT_SCHEMES = (
    ("170", "城乡居民基本养老保险", 12),
    ("110", "企业职工基本养老保险", 12),
    ("120", "机关事业单位养老保险", 12),
)


def default_schemes() -> dict[str, Scheme]:
    """The three national schemes by their insurance-type codes (险种类型), created when missing."""
    found = {s.code: s for s in Scheme.objects.filter(code__in=[c for c, _n, _m in DEFAULT_SCHEMES])}
    for code, name, months in DEFAULT_SCHEMES:
        if code not in found:
            found[code] = Scheme.objects.create(code=code, name=name, cycle_months=months)
    return found
