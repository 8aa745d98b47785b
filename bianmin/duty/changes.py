"""Leave, substitutes and swaps: requested by the person (or a manager for them), accepted by the colleague,
approved by the place's designated head. Every step is an event row; a change that would leave a Monday short
of its required attendance, or a reception day without a leader, is refused when it is accepted or approved."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.duty import resolver
from bianmin.duty.choices import ChangeAction, ChangeKind, ChangeState
from bianmin.duty.errors import DutyError
from bianmin.duty.models import DutyChange, DutyChangeEvent, DutyDay, DutyMember, DutyPlace
from bianmin.duty.services import Actor, check_days, lock, may, months_between, resolve_months, work_out
from bianmin.duty.workflow import Who, actions_from, step
from bianmin.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.org.permissions import Permission

MAX_LEAVE_DAYS = 62


def request_change(
    place: DutyPlace,
    *,
    actor: Actor,
    kind: str,
    member: DutyMember,
    day: date,
    reason: str,
    colleague: DutyMember | None = None,
    other_day: date | None = None,
    end: date | None = None,
) -> DutyChange:
    """The person asks (or a manager with DUTY_CHANGE enters it on their behalf)."""
    check_days(date=day, other_date=other_day, end=end)
    errors: dict[str, str] = {}
    if kind not in ChangeKind.values:
        errors["kind"] = str(_("Unknown kind of change."))
    if not reason.strip():
        errors["reason"] = str(_("Give a reason."))
    if kind == ChangeKind.LEAVE:
        colleague, other_day = None, None
        end = end or day
        if end < day or (end - day).days >= MAX_LEAVE_DAYS:
            errors["end"] = str(_("A leave lasts 1 to %(n)s days.") % {"n": MAX_LEAVE_DAYS})
    else:
        end = None
        if colleague is None or colleague.pk == member.pk:
            errors["colleague"] = str(_("Name the colleague who takes the duty."))
        if kind == ChangeKind.SWAP and other_day is None:
            errors["other_date"] = str(_("A swap names the colleague's day the person takes in return."))
        if kind == ChangeKind.SUBSTITUTE:
            other_day = None
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        place = lock(place)
        if member.place_id != place.pk or (colleague is not None and colleague.place_id != place.pk):
            raise InvalidInput({"member": _("Both people must take turns at this place.")})
        own = actor is not None and member.user_id is not None and actor.pk == member.user_id
        if not own and not may(actor, Permission.DUTY_CHANGE, place):
            raise PermissionDenied(_("Only the person on duty, or a manager on their behalf, may ask for a change."))
        if kind != ChangeKind.LEAVE:
            _check_on_duty(place, member, day)
            if kind == ChangeKind.SWAP and other_day is not None and colleague is not None:
                _check_on_duty(place, colleague, other_day)
        change = DutyChange.objects.create(
            place=place,
            kind=kind,
            member=member,
            colleague=colleague,
            date=day,
            other_date=other_day,
            end=end,
            reason=reason.strip()[:300],
            requested_by=actor or place.head,
        )
        _event(change, ChangeAction.REQUEST, "", actor, "" if own else str(_("Entered on the person's behalf.")))
    return change


def _check_on_duty(place: DutyPlace, member: DutyMember, day: date) -> None:
    if not DutyDay.objects.filter(place=place, member=member, date=day).exists():
        raise InvalidInput({"date": _("%(name)s is not on duty on %(day)s.") % {"name": member.name, "day": day}})


def _event(change: DutyChange, action: str, from_state: str, actor: Actor, note: str = "") -> None:
    DutyChangeEvent.objects.create(
        change=change, action=action, from_state=from_state, to_state=change.state, actor=actor, note=note[:300]
    )


def _allowed(change: DutyChange, who: Who, actor: Actor, place: DutyPlace) -> bool:
    if actor is None or actor.is_superuser:
        return True
    if who == Who.HEAD:
        # Village cadres all hold DUTY_APPROVE: only the one designated head of the place approves.
        return place.head_id == actor.pk and may(actor, Permission.DUTY_APPROVE, place)
    person = change.member if who == Who.REQUESTER else change.colleague
    return (person is not None and person.user_id == actor.pk) or may(actor, Permission.DUTY_CHANGE, place)


def actions_for(change: DutyChange, actor: Actor) -> list[ChangeAction]:
    """The steps `actor` may take on `change` as it stands: the buttons a page shows (the colleague sees
    accept and decline, only the head approve and reject). Reads `change.place.unit`, member and colleague."""
    has_colleague = change.colleague_id is not None
    return [
        action
        for action in actions_from(change.state, has_colleague=has_colleague)
        if (found := step(change.state, action, has_colleague=has_colleague)) is not None
        and _allowed(change, found.who, actor, change.place)
    ]


def act(change: DutyChange, action: str, *, actor: Actor, note: str = "") -> DutyChange:
    """Take one step of a change's workflow (`bianmin.duty.workflow.TRANSITIONS`)."""
    with transaction.atomic():
        place = lock(change.place)
        locked = (
            DutyChange.objects.select_for_update(of=("self",))
            .filter(pk=change.pk)
            .select_related("member", "colleague")
            .first()
        )
        if locked is None:
            raise NotFound(_("No such change."))
        if action not in ChangeAction.values:
            raise InvalidInput({"action": _("Unknown action.")})
        found = step(locked.state, action, has_colleague=locked.colleague_id is not None)
        if found is None:
            raise Conflict(
                DutyError.ILLEGAL_TRANSITION,
                _("A change that is %(state)s cannot be given this action.") % {"state": locked.get_state_display()},
            )
        if not _allowed(locked, found.who, actor, place):
            if found.who == Who.HEAD:
                raise PermissionDenied(_("Only the place's designated head may approve or reject a change."))
            raise PermissionDenied(_("Only the people concerned, or a manager, may take this step."))
        if found.checks_roster:
            weigh(place, locked)
        before = locked.state
        locked.state = found.to
        now = timezone.now()
        if found.who == Who.COLLEAGUE and found.to == ChangeState.ACCEPTED:
            locked.accepted_by, locked.accepted_at = actor, now
        if found.who == Who.HEAD:
            locked.decided_by, locked.decided_at = actor, now
        locked.save()
        _event(locked, action, before, actor, note)
        if locked.state == ChangeState.APPROVED:
            resolve_months(place, touched_months(locked))
    return locked


def touched_months(change: DutyChange) -> list[date]:
    days = [change.date, change.last_day] + ([change.other_date] if change.other_date else [])
    return months_between(min(days), max(days))


def weigh(place: DutyPlace, change: DutyChange) -> None:
    """Refuse a change that leaves a day it touches short: a Monday below its required attendance, a
    reception working day without a leader (or a day with nobody at all)."""
    touched = {change.date, change.last_day} | ({change.other_date} if change.other_date else set())
    if change.kind == ChangeKind.LEAVE:
        day = change.date
        while day <= change.last_day:
            touched.add(day)
            day += resolver.ONE_DAY
    for month in months_between(min(touched), max(touched)):
        roster, days = work_out(place, month, extra=change)
        leaders = {p.member_id for p in roster.people if p.is_leader}
        for resolved in days:
            if resolved.date not in touched:
                continue
            for problem in resolver.day_problems(resolved, leaders):
                if problem.code == resolver.SHORT:
                    raise Conflict(
                        DutyError.MONDAY_SHORT,
                        _("This change would leave %(day)s short of its required attendance.") % {"day": resolved.date},
                    )
                if problem.code == resolver.NO_LEADER:
                    raise Conflict(
                        DutyError.NO_LEADER,
                        _("This change would leave the reception room without a leader on %(day)s.")
                        % {"day": resolved.date},
                    )
                if problem.code == resolver.GAP:
                    raise Conflict(
                        DutyError.MONDAY_SHORT,
                        _("This change would leave nobody on duty on %(day)s.") % {"day": resolved.date},
                    )
