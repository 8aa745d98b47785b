"""Every write to the hall: signing in and out at a window, taking a ticket, calling the next, acting on the
ticket in hand, the day's end, and the case a visit opens. Each is one transaction with an event row; the
ticket's actions are checked against `bianmin.hall.workflow.STEPS`."""

from __future__ import annotations

from datetime import date, datetime
from typing import NoReturn
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.cases.models import Case
from bianmin.cases.services import create_case
from bianmin.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from bianmin.hall import store
from bianmin.hall.choices import (
    GreenReason,
    TicketAction,
    TicketChannel,
    TicketStatus,
    WindowEventKind,
    WindowState,
)
from bianmin.hall.errors import HallError
from bianmin.hall.models import (
    IN_HAND_STATUSES,
    QueueService,
    Ticket,
    TicketEvent,
    Window,
    WindowEvent,
    WindowService,
    WindowSession,
)
from bianmin.hall.workflow import STEPS, UNSERVED
from bianmin.org.choices import EmploymentType
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.org.validators import validate_person_phone

LOCAL = ZoneInfo(settings.TIME_ZONE)
# The columns an action at a window may change (`act`).
TICKET_CHANGES = ["status", "service", "window", "target_window", "served_by", "version", "updated_at"]
# How often call-next chooses again when other windows keep taking the tickets it chose.
ATTEMPTS = 10


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def _hall_path(window: Window) -> str:
    return window.hall.unit.path


def may_serve(user: User, window: Window) -> bool:
    return in_scope(user, Permission.HALL_SERVE, _hall_path(window))


def may_manage(user: User, window: Window) -> bool:
    return in_scope(user, Permission.HALL_MANAGE, _hall_path(window))


def signed_in(window: Window) -> WindowSession | None:
    return WindowSession.objects.select_related("user").filter(window=window, ended_at__isnull=True).first()


def _require_session(window: Window, actor: User) -> None:
    """Only the person signed in at the window acts there (window staff act only at their own window)."""
    if not store.signed_in_at(window.pk, actor.pk):
        raise DomainError(
            HallError.NOT_SIGNED_IN, _("Sign in at window %(n)s first.") % {"n": window.number}, status=403
        )


def _window_event(window: Window, kind: str, user: User | None, now: datetime, **extra: str) -> None:
    WindowEvent.objects.create(window=window, kind=kind, user=user, at=now, **extra)


# --- windows -------------------------------------------------------------------------------------------------


def sign_in(window: Window, *, actor: User, now: datetime | None = None) -> WindowSession:
    """Sign `actor` in at `window` and open it. Only formal staff (在编) may: a hired person is refused
    (严禁聘用人员在窗口上班) and the attempt is recorded for the patrol and the manager."""
    now = now or timezone.now()
    if not may_serve(actor, window):
        raise PermissionDenied(_("You may only serve at the windows of your own hall."))
    if actor.employment_type != EmploymentType.FORMAL:
        label = EmploymentType(actor.employment_type).label
        # Recorded in its own transaction: the refusal below must not roll the record back.
        with transaction.atomic():
            _window_event(
                window, WindowEventKind.REFUSED, actor, now, reason=f"employment_type={actor.employment_type}"
            )
        raise DomainError(
            HallError.NOT_FORMAL_STAFF,
            _("Only formal staff may serve at a window; %(name)s is %(kind)s. The attempt has been recorded.")
            % {"name": actor.display_name or actor.username, "kind": label},
            status=403,
        )
    with transaction.atomic():
        # Lock first: two people may sign in at one window at once.
        locked = Window.objects.select_for_update().get(pk=window.pk)
        current = WindowSession.objects.filter(window=locked, ended_at__isnull=True).select_related("user").first()
        if current is not None and current.user_id != actor.pk:
            raise Conflict(
                HallError.WINDOW_TAKEN,
                _("%(name)s is signed in at this window; they sign out first.")
                % {"name": current.user.display_name or current.user.username},
            )
        if current is not None:
            return current
        # Signing in at one window signs the person out of any other.
        for other in WindowSession.objects.filter(user=actor, ended_at__isnull=True).select_related("window"):
            _close_session(other, actor, now)
        session = WindowSession.objects.create(window=locked, user=actor, started_at=now)
        locked.state = WindowState.OPEN
        locked.save(update_fields=["state"])
        _window_event(locked, WindowEventKind.SIGN_IN, actor, now, state=WindowState.OPEN)
    return session


def _close_session(session: WindowSession, actor: User, now: datetime) -> None:
    session.ended_at = now
    session.save(update_fields=["ended_at"])
    Window.objects.filter(pk=session.window_id).update(state=WindowState.CLOSED)
    _window_event(session.window, WindowEventKind.SIGN_OUT, actor, now, state=WindowState.CLOSED)


def sign_out(window: Window, *, actor: User, now: datetime | None = None) -> None:
    """The person signed in leaves (or the hall's manager signs them out); the window closes."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Window.objects.select_for_update(of=("self",)).select_related("hall__unit").get(pk=window.pk)
        session = WindowSession.objects.filter(window=locked, ended_at__isnull=True).first()
        if session is None:
            return
        if session.user_id != actor.pk and not may_manage(actor, locked):
            raise PermissionDenied(_("Only the person signed in, or the hall's manager, signs out of a window."))
        session.window = locked
        _close_session(session, actor, now)


def set_state(window: Window, *, actor: User, state: str, now: datetime | None = None) -> Window:
    """Pause or reopen a window (the person signed in, or the manager); closing is signing out."""
    now = now or timezone.now()
    if state not in (WindowState.OPEN, WindowState.PAUSED):
        raise InvalidInput({"state": _("A window is opened or paused here; sign out to close it.")})
    with transaction.atomic():
        locked = Window.objects.select_for_update(of=("self",)).select_related("hall__unit").get(pk=window.pk)
        if not may_manage(actor, locked):
            _require_session(locked, actor)
        locked.state = state
        locked.save(update_fields=["state"])
        _window_event(locked, WindowEventKind.STATE, actor, now, state=state)
    return locked


# --- tickets -------------------------------------------------------------------------------------------------


def _event(ticket: Ticket, action: str, from_status: str, actor: User | None, now: datetime, **extra: object) -> None:
    store.add_event(
        TicketEvent(
            ticket=ticket,
            hall_id=ticket.hall_id,
            service_id=ticket.service_id,
            action=action,
            from_status=from_status,
            to_status=ticket.status,
            actor=actor,
            at=now,
            **extra,
        )
    )


def take_ticket(
    service: QueueService,
    *,
    actor: User | None,
    channel: str,
    green: str = "",
    appointment_at: datetime | None = None,
    phone: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Issue the next number of `service` today (A001, A002 …, restarting each day). A green-channel or
    appointment ticket is issued by staff, who check the visitor's papers or booking."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if green not in GreenReason.values:
        errors["green"] = str(_("Select a valid choice."))
    if (green or appointment_at) and (
        actor is None or not in_scope(actor, Permission.HALL_SERVE, service.hall.unit.path)
    ):
        raise PermissionDenied(_("Green-channel and appointment tickets are issued by the hall's staff."))
    if green and not service.green_channel:
        errors["green"] = str(_("This service has no green channel."))
    if appointment_at and not service.appointments:
        errors["appointment_at"] = str(_("This service takes no appointments."))
    if channel not in TicketChannel.values:
        errors["channel"] = str(_("Select a valid choice."))
    phone = phone.strip()
    if phone:
        try:
            validate_person_phone(phone)
        except ValidationError as exc:
            errors["phone"] = " ".join(str(m) for m in exc.messages)
    if errors:
        raise InvalidInput(errors)
    if not service.active or not service.hall.active:
        raise NotFound(_("This service takes no tickets."))
    clock = now.astimezone(LOCAL).time()
    if not service.opens_at <= clock <= service.closes_at:
        raise Conflict(
            HallError.OUTSIDE_HOURS,
            _("Tickets for %(name)s are issued from %(start)s to %(end)s.")
            % {"name": service.name, "start": f"{service.opens_at:%H:%M}", "end": f"{service.closes_at:%H:%M}"},
        )
    day = local_day(now)
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                # The number is the day's last plus one; two takers who read the same last number collide on
                # the unique (issued_for, day, seq) and the loser reads again.
                last = Ticket.objects.filter(issued_for=service, day=day).aggregate(m=Max("seq"))["m"] or 0
                if last >= service.daily_cap:
                    raise Conflict(
                        HallError.DAILY_CAP,
                        _("Today's %(cap)s tickets for %(name)s have all been issued.")
                        % {"cap": service.daily_cap, "name": service.name},
                    )
                seq = last + 1
                ticket = Ticket.objects.create(
                    hall_id=service.hall_id,
                    service=service,
                    issued_for=service,
                    day=day,
                    seq=seq,
                    number=f"{service.prefix}{seq:03d}",
                    channel=channel,
                    green=green,
                    appointment_at=appointment_at,
                    issued_at=now,
                    queued_at=now,
                    phone=phone,
                )
                _event(ticket, TicketAction.ISSUE, "", actor, now)
                return ticket
        except IntegrityError:
            continue
    raise Conflict(HallError.BUSY, _("Many tickets are being issued right now; try again in a moment."))


def waiting_count(service: QueueService, day: date) -> int:
    return Ticket.objects.filter(service=service, day=day, status=TicketStatus.WAITING).count()


def _check_hands_free(window: Window) -> None:
    held = Ticket.objects.filter(window=window, status__in=IN_HAND_STATUSES).values_list("number", flat=True).first()
    if held is not None:
        raise Conflict(
            HallError.ILLEGAL_TRANSITION,
            _("Ticket %(number)s is still in hand at this window: finish, transfer or mark it first.")
            % {"number": held},
        )


def call_next(window: Window, *, actor: User, now: datetime | None = None) -> Ticket:
    """Call the next ticket for `window` (see `store.next_candidates` for the order). Two windows calling at
    once never get the same ticket: the claim is conditional on the status and version it read."""
    now = now or timezone.now()
    day = local_day(now)
    for _attempt in range(ATTEMPTS):
        candidates = store.next_candidates(window, actor.pk, day, now)
        if not candidates:
            _why_not_called(window, actor)
        for ticket in candidates:
            with transaction.atomic():
                if store.claim(ticket, window=window, actor_id=actor.pk, now=now):
                    # What the claim wrote, without reading the row again.
                    ticket.status, ticket.window, ticket.target_window = TicketStatus.CALLED, window, None
                    ticket.served_by, ticket.version, ticket.updated_at = actor, ticket.version + 1, now
                    _event(ticket, TicketAction.CALL, TicketStatus.WAITING, actor, now, window=window)
                    return ticket
    raise Conflict(HallError.BUSY, _("Other windows are calling right now; try again in a moment."))


def _why_not_called(window: Window, actor: User) -> NoReturn:
    """No candidate came back: say why (not signed in here, the window not open, a ticket in hand, or no one
    waiting)."""
    state = (
        WindowSession.objects.filter(window=window, user=actor, ended_at__isnull=True)
        .values_list("window__state", flat=True)
        .first()
    )
    if state is None:
        _require_session(window, actor)  # raises: not signed in here
    if state != WindowState.OPEN:
        raise Conflict(HallError.WINDOW_NOT_OPEN, _("Open the window before calling."))
    _check_hands_free(window)
    raise Conflict(HallError.QUEUE_EMPTY, _("No one is waiting for this window's services."))


def act(
    ticket: Ticket,
    action: str,
    *,
    actor: User,
    window: Window,
    reason: str = "",
    to_service: QueueService | None = None,
    to_window: Window | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Take `action` (recall, no-show, start, suspend, resume, transfer, finish, or call a no-show again) on
    `ticket` at `window`, as the person signed in there."""
    now = now or timezone.now()
    step = STEPS.get(action)
    if step is None or action in (TicketAction.EXPIRE, TicketAction.OPEN_CASE):
        raise DomainError(HallError.ILLEGAL_TRANSITION, _("There is no such action."), status=404)
    reason = reason.strip()[:200]
    if step.needs_reason and not reason:
        raise InvalidInput({"reason": _("Give the reason.")})
    _require_session(window, actor)
    with transaction.atomic():
        # Lock first: the ticket may be claimed or changed by another window meanwhile.
        locked = store.lock_ticket(ticket.pk)
        if locked is None or locked.hall_id != window.hall_id:
            raise NotFound(_("No such ticket in this hall."))
        if locked.status not in step.sources:
            raise Conflict(
                HallError.ILLEGAL_TRANSITION,
                _("“%(action)s” is not possible while the ticket is “%(status)s”.")
                % {"action": TicketAction(action).label, "status": TicketStatus(locked.status).label},
            )
        if step.at_window and locked.window_id != window.pk:
            raise PermissionDenied(_("This ticket is being served at another window."))
        from_status = locked.status
        if action == TicketAction.CALL:
            if not WindowService.objects.filter(window=window, service_id=locked.service_id).exists():
                raise PermissionDenied(_("This window does not handle this ticket's service."))
            _check_hands_free(window)
            locked.window, locked.served_by, locked.target_window = window, actor, None
        elif action == TicketAction.START:
            locked.served_by = actor
        elif action == TicketAction.TRANSFER:
            _transfer(locked, window, to_service, to_window)
        if step.target is not None:
            locked.status = step.target
        if locked.window_id == window.pk:
            locked.window = window  # the answer names it: no read of the row again
        locked.version += 1
        store.save_ticket(locked, TICKET_CHANGES)
        _event(locked, action, from_status, actor, now, window=window, reason=reason)
    return locked


def _transfer(ticket: Ticket, window: Window, to_service: QueueService | None, to_window: Window | None) -> None:
    """Back in a queue, at the visitor's first place (`queued_at` is not touched)."""
    service = to_service or ticket.service
    if to_service is None and to_window is None:
        raise InvalidInput({"to_service": _("Choose the service or the window to transfer to.")})
    if service.hall_id != window.hall_id or (to_window is not None and to_window.hall_id != window.hall_id):
        raise InvalidInput({"to_service": _("Transfer within the same hall.")})
    if to_window is not None and to_window.pk == window.pk and to_service is None:
        raise InvalidInput({"to_window": _("Choose another window.")})
    if to_window is not None and not WindowService.objects.filter(window=to_window, service=service).exists():
        raise InvalidInput({"to_window": _("That window does not handle this service.")})
    ticket.service, ticket.target_window, ticket.window = service, to_window, None


def expire_day(*, before: date | None = None, now: datetime | None = None) -> int:
    """The day's end: every unserved ticket of a day before `before` (default: today) expires, with an
    event that keeps the status it expired from (so no-shows are counted apart). Idempotent; the nightly
    sweep runs it."""
    now = now or timezone.now()
    before = before or local_day(now)
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                Ticket.objects.select_for_update()
                .filter(day__lt=before, status__in=UNSERVED)
                .order_by("pk")
                .only("id", "hall_id", "service_id", "status", "version")[:500]
            )
            if not batch:
                return expired
            events = [
                TicketEvent(
                    ticket=t,
                    hall_id=t.hall_id,
                    service_id=t.service_id,
                    action=TicketAction.EXPIRE,
                    from_status=t.status,
                    to_status=TicketStatus.EXPIRED,
                    at=now,
                )
                for t in batch
            ]
            Ticket.objects.filter(pk__in=[t.pk for t in batch]).update(status=TicketStatus.EXPIRED, updated_at=now)
            TicketEvent.objects.bulk_create(events)
            expired += len(batch)


def open_case(
    ticket: Ticket,
    *,
    actor: User,
    window: Window,
    kind: str,
    title: str,
    content: str,
    citizen_name: str,
    citizen_phone: str,
    village: Unit | None = None,
    now: datetime | None = None,
) -> Case:
    """File the grievance the visit is about through the case core (channel: window), handled by the hall's
    unit, and link the ticket to it."""
    now = now or timezone.now()
    _require_session(window, actor)
    step = STEPS[TicketAction.OPEN_CASE]
    with transaction.atomic():
        locked = Ticket.objects.select_for_update(of=("self",)).select_related("hall__unit").get(pk=ticket.pk)
        if locked.window_id != window.pk or locked.status not in step.sources:
            raise Conflict(HallError.ILLEGAL_TRANSITION, _("Open a case for the ticket in hand at your window."))
        if locked.case_id is not None:
            raise Conflict(HallError.ILLEGAL_TRANSITION, _("This visit already has a case."))
        case, _created = create_case(
            actor=actor,
            channel="window",
            kind=kind,
            title=title,
            content=content,
            citizen_name=citizen_name,
            citizen_phone=citizen_phone,
            village=village,
            unit=locked.hall.unit,
        )
        locked.case = case
        locked.version += 1
        locked.save(update_fields=["case", "version", "updated_at"])
        _event(locked, TicketAction.OPEN_CASE, locked.status, actor, now, window=window, reason=case.number)
    return case
