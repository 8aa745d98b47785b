"""Being there: check-in and check-out, the duty log (值班日志), the petition reception room's visits (接访)
and the visit that becomes a petition case, and the reminders the day before duty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bianmin import notify
from bianmin.cases.choices import DONE_STATUSES, CaseKind, Channel
from bianmin.cases.models import Case
from bianmin.cases.services import create_case
from bianmin.duty import activity
from bianmin.duty.choices import PlaceKind, ReminderKind
from bianmin.duty.errors import DutyError
from bianmin.duty.models import Attendance, DutyDay, DutyLog, DutyPlace, DutyReminder, ReceptionVisit
from bianmin.duty.services import check, lock
from bianmin.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.org.validators import validate_person_phone


def _on_duty(place: DutyPlace, user: User, day: date) -> bool:
    return DutyDay.objects.filter(place=place, user=user, date=day).exists()


def check_in(place: DutyPlace, *, actor: User, at: datetime | None = None) -> Attendance:
    """The person on duty today checks in from their phone (once a day; again is a no-op)."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    with transaction.atomic():
        place = lock(place)
        if not _on_duty(place, actor, day):
            raise PermissionDenied(_("You are not on duty here today."))
        row, _created = Attendance.objects.get_or_create(
            place=place, date=day, user=actor, defaults={"checked_in_at": at}
        )
    return row


def check_out(place: DutyPlace, *, actor: User, at: datetime | None = None) -> Attendance:
    at = at or timezone.now()
    with transaction.atomic():
        row = (
            Attendance.objects.select_for_update().filter(place=place, user=actor, date=timezone.localdate(at)).first()
        )
        if row is None:
            raise Conflict(DutyError.ILLEGAL_TRANSITION, _("Check in before checking out."))
        row.checked_out_at = at
        row.save(update_fields=["checked_out_at"])
    return row


def roll_call(places: QuerySet[DutyPlace], day: date, *, missing_only: bool = True, limit: int = 200) -> list[DutyDay]:
    """The people on duty on `day` at `places`, each with its signs of presence (`checked_in`, `patrolled`,
    `took_in`: `bianmin.duty.activity`), or only those with none; in the order of the units, at most `limit`.
    One query, read by the home page, the overview of missing check-ins, the API and the morning's reminders."""
    rows = activity.with_presence(DutyDay.objects.filter(place__in=places, date=day), day, day)
    if missing_only:
        rows = rows.filter(activity.NO_SIGN)
    return list(rows.select_related("place__unit").order_by("place__unit__path", "place_id", "id")[:limit])


def add_log(place: DutyPlace, *, actor: User, text: str, day: date | None = None) -> DutyLog:
    """A duty log entry by the person on duty that day (or a manager of the place)."""
    text = text.strip()
    if not text:
        raise InvalidInput({"text": _("Write what happened.")})
    day = day or timezone.localdate()
    with transaction.atomic():
        place = lock(place)
        if not _on_duty(place, actor, day) and not in_scope(actor, Permission.DUTY_CHANGE, place.unit.path):
            raise PermissionDenied(_("Only the person on duty, or a manager, writes the duty log."))
        return DutyLog.objects.create(place=place, date=day, author=actor, text=text[:2000])


def record_visit(
    place: DutyPlace,
    *,
    actor: User,
    visitor_name: str,
    visitor_phone: str,
    matter: str,
    people_count: int = 1,
    notes: str = "",
    village: Unit | None = None,
    visited_at: datetime | None = None,
) -> ReceptionVisit:
    """The leader on duty in the reception room records a visit (接访)."""
    errors: dict[str, str] = {}
    if place.kind != PlaceKind.RECEPTION_ROOM:
        errors["place"] = str(_("Visits are recorded at a petition reception room."))
    if not visitor_name.strip():
        errors["visitor_name"] = str(_("Name the visitor."))
    if not matter.strip():
        errors["matter"] = str(_("Say what the visit is about."))
    if not 1 <= people_count <= 500:
        errors["people_count"] = str(_("Between 1 and 500 people."))
    try:
        validate_person_phone(visitor_phone.strip())
    except ValidationError as exc:
        errors["visitor_phone"] = " ".join(exc.messages)
    if village is not None and (village.kind not in PLACE_KINDS or not village.path.startswith(place.unit.path)):
        errors["village"] = str(_("Choose a village of this township."))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        place = lock(place)
        check(actor, Permission.RECEPTION_RECORD, place)
        visit = ReceptionVisit.objects.create(
            place=place,
            leader=actor,
            visited_at=visited_at or timezone.now(),
            visitor_name=visitor_name.strip(),
            visitor_phone=visitor_phone.strip(),
            village=village,
            matter=matter.strip(),
            people_count=people_count,
            notes=notes.strip(),
            recorded_by=actor,
        )
    return visit


def visit_to_case(visit: ReceptionVisit, *, actor: User) -> Case:
    """Make a petition case of a visit in the grievance workflow (channel reception, kind petition), registered
    for acceptance: the case core gives it the petition limits (accept or route within 15 calendar days, its
    clock now; handle within 60 calendar days of acceptance, its stored limit)."""
    with transaction.atomic():
        locked = ReceptionVisit.objects.select_for_update(of=("self",)).select_related("place__unit").get(pk=visit.pk)
        check(actor, Permission.RECEPTION_RECORD, locked.place)
        if locked.case_id is not None:
            raise Conflict(DutyError.ALREADY_A_CASE, _("This visit is already a case."))
        case, _created = create_case(
            actor=actor,
            channel=Channel.RECEPTION,
            kind=CaseKind.PETITION,
            title=locked.matter[:100],
            content=locked.notes or locked.matter,
            citizen_name=locked.visitor_name,
            citizen_phone=locked.visitor_phone,
            village=locked.village,
            unit=locked.place.unit,
            received_at=locked.visited_at,
            # Registered, not yet accepted: the township accepts or routes it within 15 calendar days.
            submitted=True,
        )
        locked.case = case
        locked.save(update_fields=["case"])
    return case


@dataclass(frozen=True)
class VisitRow:
    township: str
    leader: str
    visits: int
    people: int
    cases: int
    solved: int


def visit_report(visits: QuerySet[ReceptionVisit], start: date, end: date) -> list[VisitRow]:
    """Visits per township and leader in [start, end]: how many, how many people, how many became cases and
    how many of those are solved. One aggregate query."""
    rows = (
        visits.filter(visited_at__date__range=(start, end))
        .values("place__unit__name", "leader__display_name", "leader__username")
        .annotate(
            n=Count("id"),
            people=Sum("people_count"),
            cases=Count("case"),
            solved=Count("case", filter=Q(case__status__in=DONE_STATUSES)),
        )
        .order_by("place__unit__name", "leader__display_name")
    )
    return [
        VisitRow(
            r["place__unit__name"],
            r["leader__display_name"] or r["leader__username"],
            r["n"],
            r["people"],
            r["cases"],
            r["solved"],
        )
        for r in rows
    ]


def remind_tomorrow(today: date | None = None) -> int:
    """Tell each person on duty tomorrow, through the notification channel (the `duty_remind` command runs
    it each evening). Names the place and hours, never a phone. Once per person and duty day: run again, it
    sends only to people added to tomorrow's roster since."""
    day = (today or timezone.localdate()) + timedelta(days=1)
    rows = DutyDay.objects.filter(date=day).select_related("place", "unit").order_by("place_id", "id")
    texts = [
        (
            row,
            row.unit.code,
            gettext("Reminder: %(name)s is on duty at %(place)s on %(day)s %(hours)s.")
            % {"name": row.name, "place": row.place.name, "day": day.isoformat(), "hours": row.hours},
        )
        for row in rows
    ]
    return _send_once(ReminderKind.TOMORROW, day, texts)


def remind_missing_check_ins(day: date | None = None) -> int:
    """Tell each unit whose person on duty today shows no sign of presence (the `duty_remind --missing` run
    in the morning, after the duty's first hour). Names the place and the person, never a phone. Once per
    person and day."""
    day = day or timezone.localdate()
    rows = roll_call(DutyPlace.objects.filter(active=True), day, limit=100_000)
    texts = [
        (
            row,
            row.place.unit.code,
            gettext("%(name)s, on duty at %(place)s today, has not checked in.")
            % {"name": row.name, "place": row.place.name},
        )
        for row in rows
    ]
    return _send_once(ReminderKind.MISSING, day, texts)


def _send_once(kind: str, day: date, messages: list[tuple[DutyDay, str, str]]) -> int:
    """Record each (place, person) of `messages` as reminded of `kind` for `day` and send the new ones after
    the commit. Two runs at once: the unique constraint lets one record them, the other sends nothing. At most
    once: a send that fails is not retried (a cadre told twice is the fault this guards against)."""
    done = set(DutyReminder.objects.filter(kind=kind, date=day).values_list("place_id", "member_id"))
    fresh, seen = [], set(done)
    for row, unit, text in messages:
        if (row.place_id, row.member_id) not in seen:
            seen.add((row.place_id, row.member_id))
            fresh.append((row, unit, text))
    if not fresh:
        return 0
    channel = notify.channel()
    try:
        with transaction.atomic():
            DutyReminder.objects.bulk_create(
                DutyReminder(kind=kind, date=day, place_id=row.place_id, member_id=row.member_id)
                for row, _u, _t in fresh
            )
            for _row, unit, text in fresh:
                message = notify.Message(kind=f"duty.{kind}", case="", unit=unit, to_citizen=False, text=text)
                transaction.on_commit(partial(channel.send, message))
    except IntegrityError:
        return 0  # another run recorded (and sends) them
    return len(fresh)
