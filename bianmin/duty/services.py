"""Every write to a duty roster: places, people, layers, holiday plans, resolving and publishing months.

Each write locks the place's row (two administrators may edit one roster at once), re-checks scope, writes,
audits, and resolves the months it touches again, in one transaction. Changes (leave, substitutes, swaps)
are in `bianmin.duty.changes`; attendance, logs and reception visits in `bianmin.duty.presence`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.duty import resolver
from bianmin.duty.choices import ChangeKind, ChangeState, DayRule, MonthState, PlaceKind
from bianmin.duty.errors import DutyError
from bianmin.duty.models import (
    FIRST_DAY,
    LAST_DAY,
    DutyChange,
    DutyDay,
    DutyLayer,
    DutyMember,
    DutyMonth,
    DutyPlace,
    HolidayPlan,
    HolidayShift,
    parse_hours,
)
from bianmin.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.org.choices import UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.org.services import audit
from bianmin.workdays.calendar import WorkCalendar
from bianmin.workdays.services import current_calendar

# `actor=None` is the platform itself (the demo loader, a command run by the operator).
Actor = User | None

# The roster is kept resolved this far ahead (DESIGN: at least 60 days).
HORIZON_DAYS = 62
PLAN_MAX_DAYS = 32  # the longest holiday plan: a month (春节 with its make-up days fits)
# A place's name when none is given: what the notice boards call it (data in the county's language).
DEFAULT_NAMES = {
    PlaceKind.VILLAGE_HALL: "{unit}值班室",
    PlaceKind.RECEPTION_ROOM: "{unit}信访接待室",
    PlaceKind.ON_CALL: "{unit}值班",
}
PLACE_UNITS = {
    PlaceKind.VILLAGE_HALL: {UnitKind.VILLAGE, UnitKind.COMMUNITY},
    PlaceKind.RECEPTION_ROOM: {UnitKind.TOWNSHIP, UnitKind.STREET},
    PlaceKind.ON_CALL: {UnitKind.TOWNSHIP, UnitKind.STREET},
}


def may(actor: Actor, permission: Permission, place: DutyPlace) -> bool:
    return actor is None or in_scope(actor, permission, place.unit.path)


def check(actor: Actor, permission: Permission, place: DutyPlace) -> None:
    if not may(actor, permission, place):
        raise PermissionDenied(_("You may only change the rosters of units you serve."))


def lock(place: DutyPlace) -> DutyPlace:
    # Only the place row: the unit is read along, not locked (other apps write units).
    locked = DutyPlace.objects.select_for_update(of=("self",)).select_related("unit").filter(pk=place.pk).first()
    if locked is None:
        raise NotFound(_("No such duty place."))
    return locked


def first_of(day: date) -> date:
    return day.replace(day=1)


def months_between(start: date, end: date) -> list[date]:
    months, month = [], first_of(start)
    while month <= end:
        months.append(month)
        month = first_of(month + timedelta(days=32))
    return months


def horizon(today: date | None = None) -> list[date]:
    """The months kept resolved: this month to the one HORIZON_DAYS ahead."""
    today = today or timezone.localdate()
    return months_between(today, today + timedelta(days=HORIZON_DAYS))


def missing_years(today: date | None = None) -> list[int]:
    """The years of the months kept resolved that have no official holiday schedule: said loudly on the pages."""
    return sorted({m.year for m in horizon(today) if not current_calendar().has_schedule(m.year)})


def calendar_for(month: date) -> WorkCalendar:
    """The official calendar, refusing loudly a month whose year has no holiday schedule: a roster built on
    a guess would put people in on a holiday and nobody in on a make-up working Saturday."""
    calendar = current_calendar()
    if not calendar.has_schedule(month.year):
        raise Conflict(
            DutyError.CALENDAR_MISSING,
            _(
                "The official holiday schedule for %(year)s has not been entered, so its roster cannot be "
                "worked out. An administrator must enter the schedule first."
            )
            % {"year": month.year},
        )
    return calendar


# --- places, people, layers, plans ---------------------------------------------------------------------------


def create_place(
    *, actor: Actor, unit: Unit, kind: str, name: str = "", head: User | None = None, audited: bool = True
) -> DutyPlace:
    if kind not in PlaceKind.values:
        raise InvalidInput({"kind": _("Unknown kind of duty place.")})
    if unit.kind not in PLACE_UNITS[PlaceKind(kind)]:
        raise InvalidInput({"unit": _("This kind of duty place does not belong to this kind of unit.")})
    if actor is not None and not in_scope(actor, Permission.DUTY_CHANGE, unit.path):
        raise PermissionDenied(_("You may only change the rosters of units you serve."))
    place = DutyPlace(
        unit=unit, kind=kind, name=name.strip() or DEFAULT_NAMES[PlaceKind(kind)].format(unit=unit.name), head=head
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                place.save()
        except IntegrityError:
            raise InvalidInput({"kind": _("This unit already has a duty place of this kind.")}) from None
        if audited:
            audit(actor, "duty.place.create", place, unit=unit.code, kind=kind)
    return place


@dataclass(frozen=True)
class PersonSpec:
    post: str
    name: str = ""
    user: User | None = None
    is_leader: bool = False


@dataclass(frozen=True)
class LayerSpec:
    name: str
    days: str
    everyone: bool = False
    people_per_day: int = 1
    hours: str = ""
    priority: int = 1


def setup_place(
    *,
    actor: Actor,
    unit: Unit,
    kind: str,
    people: Sequence[PersonSpec],
    layers: Sequence[LayerSpec],
    head: User | None = None,
) -> DutyPlace:
    """Set up a place in one step: its people in rotation order and its layers (the standard pattern for a
    village hall, say), then resolve the months ahead once."""
    for spec in layers:
        _check_layer(spec.name, spec.days, spec.people_per_day, spec.hours)
    if any(not p.post.strip() or not (p.name.strip() or p.user) for p in people):
        raise InvalidInput({"people": _("Name each person and their post.")})
    with transaction.atomic():
        place = create_place(actor=actor, unit=unit, kind=kind, head=head, audited=False)
        users = [p.user.pk for p in people if p.user is not None]
        if users:
            holding = set(unit.memberships.filter(user_id__in=users).values_list("user_id", flat=True))
            if holding != set(users):
                raise InvalidInput({"people": _("Only people who hold a role in the place's unit take turns there.")})
        DutyMember.objects.bulk_create(
            DutyMember(
                place=place,
                user=p.user,
                name=(p.name.strip() or str(p.user))[:50],
                post=p.post.strip(),
                is_leader=p.is_leader,
                position=index,
            )
            for index, p in enumerate(people)
        )
        DutyLayer.objects.bulk_create(
            DutyLayer(
                place=place,
                name=x.name.strip(),
                days=x.days,
                everyone=x.everyone,
                people_per_day=x.people_per_day,
                hours=" ".join(x.hours.split()),
                priority=x.priority,
            )
            for x in layers
        )
        audit(actor, "duty.place.setup", place, unit=unit.code, kind=kind, people=len(people), layers=len(layers))
        resolve_horizon(place)
    return place


def set_head(place: DutyPlace, *, actor: Actor, head: User | None) -> DutyPlace:
    """Designate who approves changes: only a member of the place's roster (or of its unit) can be."""
    with transaction.atomic():
        place = lock(place)
        check(actor, Permission.DUTY_CHANGE, place)
        if head is not None and not head.memberships.filter(unit=place.unit).exists():
            raise InvalidInput({"head": _("The head must hold a role in the place's unit.")})
        place.head = head
        place.save(update_fields=["head"])
        audit(actor, "duty.place.head", place, head=head.pk if head else None)
    return place


def add_member(
    place: DutyPlace,
    *,
    actor: Actor,
    post: str,
    user: User | None = None,
    name: str = "",
    is_leader: bool = False,
    position: int | None = None,
    resolve: bool = True,
) -> DutyMember:
    """Put a person on the place's roster: an account holding a role in the place's unit, or a name alone."""
    post, name = post.strip(), (name.strip() or (str(user) if user else ""))
    errors: dict[str, str] = {}
    if not post:
        errors["post"] = str(_("Name the person's post."))
    if not name:
        errors["name"] = str(_("Name the person."))
    if position is not None and not 0 <= position <= 999:
        errors["position"] = str(_("The order is a number from 0 to 999."))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        place = lock(place)
        check(actor, Permission.DUTY_CHANGE, place)
        if user is not None and not user.memberships.filter(unit=place.unit).exists():
            raise InvalidInput({"user": _("Only people who hold a role in the place's unit take turns there.")})
        if position is None:
            position = DutyMember.objects.filter(place=place).count()
        fields = {"name": name[:50], "post": post[:50], "is_leader": is_leader, "position": position, "active": True}
        if user is not None:
            member, _created = DutyMember.objects.update_or_create(place=place, user=user, defaults=fields)
        else:
            member = DutyMember.objects.create(place=place, **fields)
        audit(actor, "duty.member.save", member, place=place.pk, post=post)
        if resolve:  # a loader adding many people resolves once, after the last
            resolve_horizon(place)
    return member


def update_member(
    member: DutyMember,
    *,
    actor: Actor,
    post: str,
    is_leader: bool,
    position: int,
    name: str = "",
    active: bool = True,
) -> DutyMember:
    """Change a person's post, leader flag, place in the rotation order, name (one without an account), or
    bring them back on the roster; the months ahead are resolved again."""
    post, name = post.strip(), name.strip()
    errors: dict[str, str] = {}
    if not post:
        errors["post"] = str(_("Name the person's post."))
    if not 0 <= position <= 999:
        errors["position"] = str(_("The order is a number from 0 to 999."))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        place = lock(member.place)
        check(actor, Permission.DUTY_CHANGE, place)
        row = DutyMember.objects.select_for_update().filter(pk=member.pk, place=place).first()
        if row is None:
            raise NotFound(_("No such person on this roster."))
        row.post, row.is_leader, row.position, row.active = post[:50], is_leader, position, active
        if name and row.user_id is None:
            row.name = name[:50]
        row.save(update_fields=["post", "is_leader", "position", "active", "name"])
        audit(actor, "duty.member.save", row, place=place.pk, post=post, leader=is_leader, position=position)
        resolve_horizon(place)
    return row


def remove_member(member: DutyMember, *, actor: Actor) -> None:
    with transaction.atomic():
        place = lock(member.place)
        check(actor, Permission.DUTY_CHANGE, place)
        member.active = False
        member.save(update_fields=["active"])
        audit(actor, "duty.member.remove", member, place=place.pk)
        resolve_horizon(place)


def save_layer(
    place: DutyPlace,
    *,
    actor: Actor,
    name: str,
    days: str,
    everyone: bool = False,
    people_per_day: int = 1,
    hours: str = "",
    priority: int = 1,
    layer: DutyLayer | None = None,
    resolve: bool = True,
) -> DutyLayer:
    """Add a layer, or change `layer`; the months ahead are resolved again."""
    _check_layer(name, days, people_per_day, hours)
    with transaction.atomic():
        place = lock(place)
        check(actor, Permission.DUTY_CHANGE, place)
        if layer is not None and layer.place_id != place.pk:
            raise NotFound(_("No such layer."))
        row = layer or DutyLayer(place=place)
        row.name, row.days, row.everyone, row.people_per_day = name.strip(), days, everyone, people_per_day
        row.hours, row.priority = " ".join(hours.split()), priority
        row.save()
        audit(actor, "duty.layer.save", row, place=place.pk, days=days, everyone=everyone, people=people_per_day)
        if resolve:
            resolve_horizon(place)
    return row


def _check_layer(name: str, days: str, people_per_day: int, hours: str) -> None:
    errors: dict[str, str] = {}
    if days not in DayRule.values:
        errors["days"] = str(_("Unknown rule of days."))
    if not 1 <= people_per_day <= 50:
        errors["people_per_day"] = str(_("Between 1 and 50 people a day."))
    if not name.strip():
        errors["name"] = str(_("Name the layer."))
    try:
        parse_hours(hours)
    except ValidationError as exc:
        errors["hours"] = " ".join(exc.messages)
    if errors:
        raise InvalidInput(errors)


def delete_layer(layer: DutyLayer, *, actor: Actor) -> None:
    with transaction.atomic():
        place = lock(layer.place)
        check(actor, Permission.DUTY_CHANGE, place)
        audit(actor, "duty.layer.delete", layer, place=place.pk)
        layer.delete()
        resolve_horizon(place)


def check_days(**days: date | None) -> None:
    """Refuse, by the field that names it, a day outside FIRST_DAY to LAST_DAY (a typo like 9999-12-31)."""
    message = _("Choose a date from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY}
    errors = {field: message for field, day in days.items() if day is not None and not FIRST_DAY <= day <= LAST_DAY}
    if errors:
        raise InvalidInput(errors)


def check_plan_days(start: date, end: date) -> None:
    """A holiday plan's days, 1 to PLAN_MAX_DAYS in order (the plans page's first step; and on saving)."""
    check_days(start=start, end=end)
    if end < start or (end - start).days >= PLAN_MAX_DAYS:
        raise InvalidInput({"end": _("A holiday plan covers 1 to 32 days.")})


def save_holiday_plan(
    place: DutyPlace,
    *,
    actor: Actor,
    name: str,
    start: date,
    end: date,
    shifts: Mapping[date, Iterable[int]],
    hours: str = "",
) -> HolidayPlan:
    """A fixed plan for a span (春节, 国庆) that replaces the rotation on its days; `shifts` names the roster
    members (by id) on each day. Every check of a plan is here, for the page and the API alike."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = str(_("Name the holiday plan."))
    try:
        parse_hours(hours)
    except ValidationError as exc:
        errors["hours"] = " ".join(exc.messages)
    try:
        check_plan_days(start, end)
        if any(not start <= day <= end for day in shifts):
            errors["shifts"] = str(_("Every shift must fall within the plan's days."))
    except InvalidInput as exc:
        errors.update({k: str(v) for k, v in exc.fields.items()})
    if errors:
        raise InvalidInput(errors)
    hours = " ".join(hours.split())
    # Each person once a day, in the order given.
    named = {day: list(dict.fromkeys(ids)) for day, ids in shifts.items()}
    with transaction.atomic():
        place = lock(place)
        check(actor, Permission.DUTY_CHANGE, place)
        wanted = {pk for ids in named.values() for pk in ids}
        members = DutyMember.objects.filter(place=place, pk__in=wanted).in_bulk()
        if len(members) != len(wanted):
            raise InvalidInput({"shifts": _("Only the place's own people can be on its holiday plan.")})
        if HolidayPlan.objects.filter(place=place, start__lte=end, end__gte=start).exists():
            raise InvalidInput({"start": _("Another holiday plan already covers some of these days.")})
        plan = HolidayPlan.objects.create(place=place, name=name.strip()[:100], start=start, end=end, hours=hours)
        HolidayShift.objects.bulk_create(
            HolidayShift(plan=plan, date=day, member=members[pk]) for day, ids in named.items() for pk in ids
        )
        audit(actor, "duty.plan.create", plan, place=place.pk, start=start.isoformat(), end=end.isoformat())
        resolve_months(place, months_between(start, end))
    return plan


def delete_holiday_plan(plan: HolidayPlan, *, actor: Actor) -> None:
    """Withdraw a holiday plan: the layers decide its days again."""
    with transaction.atomic():
        place = lock(plan.place)
        check(actor, Permission.DUTY_CHANGE, place)
        months = months_between(plan.start, plan.end)
        audit(actor, "duty.plan.delete", plan, place=place.pk, start=plan.start.isoformat(), end=plan.end.isoformat())
        plan.delete()
        resolve_months(place, [m for m in months if current_calendar().has_schedule(m.year)])


# --- resolving ---------------------------------------------------------------------------------------------------


def rosters_of(
    places: Sequence[DutyPlace], first: date, last: date, *, extra: DutyChange | None = None
) -> dict[int, resolver.Roster]:
    """The inputs of `places` for [first, last]: people, layers, holiday plans, approved changes (and `extra`,
    a change being weighed, as if it were approved). Five queries however many places: a county's month is
    resolved again in one go when its calendar changes."""
    ids = [p.pk for p in places]
    people: dict[int, list[resolver.Person]] = {pk: [] for pk in ids}
    for m in DutyMember.objects.filter(place_id__in=ids, active=True).order_by("place_id", "position", "id"):
        people[m.place_id].append(resolver.Person(m.pk, m.name, m.post, m.is_leader, m.position, m.user_id))
    layers: dict[int, list[resolver.Layer]] = {pk: [] for pk in ids}
    for x in DutyLayer.objects.filter(place_id__in=ids, active=True).order_by("place_id", "id"):
        layers[x.place_id].append(resolver.Layer(x.pk, x.days, x.everyone, x.people_per_day, x.hours, x.priority))
    plans: dict[int, dict[date, list[int]]] = {pk: {} for pk in ids}
    hours: dict[int, dict[date, str]] = {pk: {} for pk in ids}
    spans = list(HolidayPlan.objects.filter(place_id__in=ids, start__lte=last, end__gte=first))
    shifts = HolidayShift.objects.filter(plan__in=spans, date__range=(first, last)) if spans else []
    owner = {plan.pk: plan.place_id for plan in spans}
    for shift in shifts:
        plans[owner[shift.plan_id]].setdefault(shift.date, []).append(shift.member_id)
    for plan in spans:
        day = max(plan.start, first)
        while day <= min(plan.end, last):
            plans[plan.place_id].setdefault(day, [])  # a plan's day with nobody on it is the plan's (a gap)
            hours[plan.place_id].setdefault(day, plan.hours)
            day += resolver.ONE_DAY
    changes: dict[int, list[DutyChange]] = {pk: [] for pk in ids}
    approved = DutyChange.objects.filter(place_id__in=ids, state=ChangeState.APPROVED, date__lte=last)
    for change in approved.order_by("decided_at", "id"):
        changes[change.place_id].append(change)
    if extra is not None:
        changes[extra.place_id].append(extra)
    return {
        place.pk: resolver.Roster(
            people=people[place.pk],
            layers=layers[place.pk],
            needs_leader=place.needs_leader,
            every_day=place.kind == PlaceKind.VILLAGE_HALL,
            plans={day: resolver.Plan(hours[place.pk].get(day, ""), tuple(m)) for day, m in plans[place.pk].items()},
            absences=[
                resolver.Absence(c.member_id, c.date, c.last_day)
                for c in changes[place.pk]
                if c.kind == ChangeKind.LEAVE and c.last_day >= first
            ],
            moves=[
                resolver.Move(c.kind, c.member_id, c.colleague_id or 0, c.date, c.other_date)
                for c in changes[place.pk]
                if c.kind != ChangeKind.LEAVE and c.colleague_id
            ],
        )
        for place in places
    }


def work_out(
    place: DutyPlace, month: date, *, extra: DutyChange | None = None
) -> tuple[resolver.Roster, list[resolver.Day]]:
    calendar = calendar_for(month)
    days = resolver.month_days(month)
    roster = rosters_of([place], days[0], days[-1], extra=extra)[place.pk]
    return roster, resolver.resolve_month(roster, month, calendar.is_workday)


def resolve_months(place: DutyPlace, months: Iterable[date]) -> None:
    """Write the resolved day table of `place` for `months` (in the caller's transaction)."""
    for month in months:
        resolve_places([place], month)


def resolve_places(places: Sequence[DutyPlace], month: date) -> None:
    """Write the resolved day table of `places` for `month`, in the caller's transaction: the one path every
    change takes (for its place) and a county takes at once (`duty_resolve`, after a calendar change)."""
    calendar = calendar_for(month)
    days = resolver.month_days(month)
    rosters = rosters_of(places, days[0], days[-1])
    DutyDay.objects.filter(place__in=[p.pk for p in places], date__range=(days[0], days[-1])).delete()
    rows = [
        row
        for place in places
        for row in day_rows(
            place, rosters[place.pk], resolver.resolve_month(rosters[place.pk], month, calendar.is_workday)
        )
    ]
    DutyDay.objects.bulk_create(rows, batch_size=2000)


def day_rows(place: DutyPlace, roster: resolver.Roster, days: Sequence[resolver.Day]) -> list[DutyDay]:
    people = {p.member_id: p for p in roster.people}
    return [
        DutyDay(
            place=place,
            unit_id=place.unit_id,
            place_kind=place.kind,
            date=day.date,
            member_id=slot.member_id,
            user_id=people[slot.member_id].user_id,
            name=people[slot.member_id].name[:50],
            post=people[slot.member_id].post,
            is_leader=people[slot.member_id].is_leader,
            hours=day.hours,
            source=slot.source,
            rest_day=day.rest,
        )
        for day in days
        for slot in day.slots
        if slot.member_id in people
    ]


def resolve_horizon(place: DutyPlace, today: date | None = None) -> list[int]:
    """Resolve the months ahead; those in a year with no official schedule are left out (and their years
    returned, for the page to say so loudly), never guessed."""
    missing: list[int] = []
    for month in horizon(today):
        if current_calendar().has_schedule(month.year):
            resolve_months(place, [month])
        elif month.year not in missing:
            missing.append(month.year)
    return missing


def check_month(place: DutyPlace, month: date) -> list[resolver.Finding]:
    """The month's findings as it now resolves: gaps, short Mondays, days without a leader, imbalance."""
    month = first_of(month)
    roster, days = work_out(place, month)
    return resolver.check_month(days, roster.people, roster.absences)


def publish_month(place: DutyPlace, *, actor: Actor, month: date, reason: str = "") -> DutyMonth:
    """Publish a month after the check; with any gap (or short Monday, or reception day without a leader) a
    reason is required. Imbalance alone does not block."""
    month = first_of(month)
    with transaction.atomic():
        place = lock(place)
        check(actor, Permission.DUTY_CHANGE, place)
        # The day table is kept resolved by every change; the check reads the same inputs.
        roster, days = work_out(place, month)
        findings = resolver.check_month(days, roster.people, roster.absences)
        gaps = [f for f in findings if not f.code.startswith(resolver.IMBALANCE)]
        if gaps and not reason.strip():
            raise Conflict(
                DutyError.GAP_NEEDS_REASON,
                _("The month has %(n)s gaps; give a reason to publish it anyway.") % {"n": len(gaps)},
                {"reason": _("Required when the month has gaps.")},
            )
        row, _created = DutyMonth.objects.update_or_create(
            place=place,
            month=month,
            defaults={
                "state": MonthState.PUBLISHED,
                "published_at": timezone.now(),
                "published_by": actor,
                "gap_reason": reason.strip() if gaps else "",
                "findings": {"items": [f.as_dict() for f in findings]},
            },
        )
        audit(actor, "duty.month.publish", row, place=place.pk, month=month.isoformat(), gaps=len(gaps))
    return row
