"""The queue's two contended statements, named for what they do: choosing the next ticket for a window and
claiming it. One path on both databases: the claim is a conditional UPDATE on the ticket's status and
version, so of two windows that chose the same ticket exactly one changes it (on PostgreSQL the second
UPDATE waits for the first's commit, then finds the status changed; SQLite's writers queue at BEGIN
IMMEDIATE); the loser chooses again."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Case, F, IntegerField, Q, Value, When

from bianmin.hall.choices import TicketStatus
from bianmin.hall.models import Ticket, Window, WindowService


def next_candidates(window: Window, day: date, now: datetime, limit: int = 5) -> list[Ticket]:
    """The first waiting tickets `window` may call, in calling order: the green channel, then appointments
    whose time has come, then the window's priority of the service (1 first), then the place in the queue
    (issue time, kept through a transfer). A ticket transferred to a named window waits for that window only.
    A few rather than one, so that a window losing a race tries the next without asking again."""
    pairs = list(WindowService.objects.filter(window=window).values_list("service_id", "priority"))
    if not pairs:
        return []
    priority = Case(
        *[When(service_id=service, then=Value(rank)) for service, rank in pairs],
        default=Value(999),
        output_field=IntegerField(),
    )
    green = Case(When(green="", then=Value(1)), default=Value(0), output_field=IntegerField())
    due = Case(When(appointment_at__lte=now, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(
        Ticket.objects.filter(
            hall_id=window.hall_id,
            day=day,
            status=TicketStatus.WAITING,
            service_id__in=[service for service, _rank in pairs],
        )
        .filter(Q(target_window__isnull=True) | Q(target_window=window))
        .annotate(green_first=green, due_first=due, rank=priority)
        .order_by("green_first", "due_first", "rank", "queued_at", "id")
        .select_related("service")[:limit]
    )


def claim(ticket: Ticket, *, window: Window, actor_id: int, now: datetime) -> bool:
    """Move `ticket` from waiting to called at `window` if no one changed it since it was read."""
    changed = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING, version=ticket.version).update(
        status=TicketStatus.CALLED,
        window=window,
        target_window=None,
        served_by_id=actor_id,
        version=F("version") + 1,
        updated_at=now,
    )
    return changed == 1
