"""The escalation chain of work-discipline violations (蓝牌提醒 → 黄牌限期整改 → 红牌通报) and accountability
(责任追究), as a transition table: the services, the API's actions and the notices page's buttons all read
`STEPS`. Where a new violation starts on the chain is the hall's `EscalationPolicy`: a person's first
violation of a month is a reminder, the second is to be fixed by a deadline (5 working days on the official
calendar), the third and later are named in the hall-wide notice; a deadline passed unfixed turns the card
red (`escalate_overdue`, daily). Every change is an append-only `ViolationEvent`; an accountability measure
(a talk, criticism, removal from the window …) is one too, and leaves the card where it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from bianmin.hall.choices import Measure, ViolationAction
from bianmin.hall.choices import ViolationStatus as S
from bianmin.hall.errors import HallError
from bianmin.hall.models import EscalationPolicy, Hall, Violation, ViolationEvent
from bianmin.hall.services import local_day
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.workdays.services import add_workdays

A = ViolationAction


@dataclass(frozen=True)
class Step:
    action: A
    sources: frozenset[S]
    target: S | None  # None: the card stays (an accountability measure)
    # Taken by the hall's managers from the notices page and the API (False: the platform's daily sweep).
    manual: bool = True
    needs_note: bool = False
    needs_measure: bool = False
    sets_deadline: bool = False


OPEN = frozenset({S.REMINDED, S.FIX_ORDERED})
STEPS: dict[str, Step] = {
    s.action: s
    for s in [
        Step(A.ORDER_FIX, frozenset({S.REMINDED}), S.FIX_ORDERED, sets_deadline=True),
        Step(A.CONFIRM_FIX, frozenset({S.FIX_ORDERED}), S.FIXED),
        Step(A.ESCALATE, OPEN, S.NOTICED, needs_note=True),
        Step(A.OVERDUE, frozenset({S.FIX_ORDERED}), S.NOTICED, manual=False),
        # A measure may follow any card: a serious breach is talked about at once.
        Step(A.ACCOUNT, frozenset(S), None, needs_measure=True),
    ]
}


def buttons(status: str) -> list[Step]:
    """The actions a manager may take on a violation with `status`."""
    return [s for s in STEPS.values() if s.manual and status in s.sources]


def policy_of(hall: Hall) -> EscalationPolicy:
    """The hall's policy row, or the defaults (not saved) when it has none."""
    return EscalationPolicy.objects.filter(hall=hall).first() or EscalationPolicy(hall=hall)


def starting_card(policy: EscalationPolicy, nth: int, day: date) -> tuple[S, date | None]:
    """Where a person's `nth` violation of the month starts, and the deadline to fix it by."""
    if nth >= policy.notice_from:
        return S.NOTICED, None
    if nth >= policy.fix_from:
        return S.FIX_ORDERED, add_workdays(day, policy.fix_days)
    return S.REMINDED, None


def _event(
    violation: Violation, action: str, from_status: str, actor: User | None, at: datetime, **extra: object
) -> None:
    ViolationEvent.objects.create(
        violation=violation,
        action=action,
        from_status=from_status,
        to_status=violation.status,
        actor=actor,
        at=at,
        **extra,
    )


def record(violation: Violation, policy: EscalationPolicy, nth: int, actor: User, at: datetime) -> None:
    """Save a new violation where the chain places it (inside the patrol's transaction) with its first event."""
    violation.status, violation.fix_by = starting_card(policy, nth, local_day(at))
    violation.save()
    _event(violation, A.RECORD, "", actor, at, fix_by=violation.fix_by, note=f"{nth}")


def act(
    violation: Violation,
    action: str,
    *,
    actor: User,
    note: str = "",
    measure: str = "",
    fix_days: int | None = None,
    now: datetime | None = None,
) -> Violation:
    """Take `action` on `violation` as one of its hall's managers: order a fix by a deadline, confirm the
    fix, name it in the hall-wide notice, or record an accountability measure."""
    now = now or timezone.now()
    step = STEPS.get(action)
    if step is None or not step.manual:
        raise DomainError(HallError.ILLEGAL_TRANSITION, _("There is no such action."), status=404)
    note = note.strip()[:500]
    errors: dict[str, str] = {}
    if step.needs_note and not note:
        errors["note"] = str(_("Give the reason."))
    if step.needs_measure and measure not in Measure.values:
        errors["measure"] = str(_("Choose the measure taken."))
    if fix_days is not None and not 1 <= fix_days <= 30:
        errors["fix_days"] = str(_("A deadline is 1 to 30 working days."))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        # Lock first: two managers may act on one violation at once.
        locked = Violation.objects.select_for_update(of=("self",)).select_related("hall__unit").get(pk=violation.pk)
        if not in_scope(actor, Permission.HALL_MANAGE, locked.hall.unit.path):
            raise PermissionDenied(_("Only the hall's managers act on its violations."))
        if locked.status not in step.sources:
            raise Conflict(
                HallError.ILLEGAL_TRANSITION,
                _("“%(action)s” is not possible while the violation is “%(status)s”.")
                % {"action": A(action).label, "status": S(locked.status).label},
            )
        from_status = locked.status
        extra: dict[str, object] = {"note": note, "measure": measure if step.needs_measure else ""}
        if step.sets_deadline:
            days = fix_days or policy_of(locked.hall).fix_days
            locked.fix_by = extra["fix_by"] = add_workdays(local_day(now), days)
        if step.target is not None:
            locked.status = step.target
        locked.save(update_fields=["status", "fix_by"])
        _event(locked, action, from_status, actor, now, **extra)
    return locked


def escalate_overdue(*, now: datetime | None = None) -> int:
    """Yellow cards whose deadline has passed unfixed turn red (named in the hall-wide notice). Idempotent;
    meant for the daily schedule after midnight (`bianmin hall_escalate`)."""
    now = now or timezone.now()
    overdue = Violation.objects.filter(status=S.FIX_ORDERED, fix_by__lt=local_day(now))
    with transaction.atomic():
        # Locked in key order (two sweeps never deadlock), so no manager moves a card between this read and
        # the update: the events written are exactly the cards turned.
        due = list(overdue.select_for_update().order_by("pk").values_list("pk", "fix_by"))
        overdue.filter(pk__in=[pk for pk, _fix_by in due]).update(status=S.NOTICED)
        ViolationEvent.objects.bulk_create(
            ViolationEvent(
                violation_id=pk, action=A.OVERDUE, from_status=S.FIX_ORDERED, to_status=S.NOTICED, fix_by=fix_by, at=now
            )
            for pk, fix_by in due
        )
    return len(due)


def measures_taken(hall: Hall, start: date, end: date) -> list[ViolationEvent]:
    """The accountability measures of the period (责任追究), oldest first."""
    from bianmin.hall.patrols import local_range

    return list(
        ViolationEvent.objects.filter(violation__hall=hall, action=A.ACCOUNT, at__range=local_range(start, end))
        .select_related("violation__person", "violation__kind", "actor")
        .order_by("at", "id")
    )
