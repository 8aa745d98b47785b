"""What the public pages read: the hall display's board (now serving per window, the last calls, people
waiting per service) and a visitor's place in the queue with an estimated wait.

The display polls the board twice a second rather than holding a server-sent-events stream. The server runs
gunicorn sync workers (3 by default, 60 s timeout): a stream holds a worker for as long as the screen is on,
so two displays would leave one worker for the whole hall, and the timeout would cut every stream each
minute. A stream would also have to poll the database itself (SQLite has no LISTEN/NOTIFY), so it saves no
reads. One board read is a few indexed queries (p95 46–85 ms under the benchmark's load), and a call shows on
the display 0.5 s (p95) after it is answered, inside the 1 s target (bench/RESULTS-hall.md)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.db.models import Max, Min, Q
from django.utils import timezone

from bianmin.hall.choices import TicketAction, TicketStatus, WindowState
from bianmin.hall.models import Hall, QueueService, Ticket, TicketEvent, Window, WindowService, WindowSession
from bianmin.hall.services import local_day
from bianmin.hall.stats import percentile, waiting_by_service
from bianmin.hall.workflow import IN_HAND

LAST_CALLS = 8
# The estimate's service time when a queue has no finished service to learn from yet.
DEFAULT_SERVICE_SECONDS = 300
SAMPLE = 50


def speech(number: str, window: int) -> str:
    """What the display says aloud (twice): 请A023号到5号窗口办理."""
    return f"请{number}号到{window}号窗口办理"


def board(hall: Hall, now: datetime | None = None) -> dict[str, Any]:
    """The display's whole state in four small queries, polled about twice a second."""
    now = now or timezone.now()
    day = local_day(now)
    serving = {
        t.window_id: t
        for t in Ticket.objects.filter(hall=hall, day=day, status__in=IN_HAND).only("number", "status", "window_id")
    }
    staff = {
        s.window_id: s.user.display_name or s.user.username
        for s in WindowSession.objects.filter(window__hall=hall, ended_at__isnull=True).select_related("user")
    }
    windows = [
        {
            "number": w.number,
            "name": w.name,
            "state": w.state,
            "staff": staff.get(w.pk, ""),
            "ticket": serving[w.pk].number if w.pk in serving else "",
            "serving": w.pk in serving and serving[w.pk].status == TicketStatus.SERVING,
        }
        for w in Window.objects.filter(hall=hall).exclude(state=WindowState.CLOSED).order_by("number")
    ]
    calls = [
        {
            "id": e.pk,
            "number": e.ticket.number,
            "window": e.window.number if e.window else None,
            "at": e.at,
            "speech": speech(e.ticket.number, e.window.number) if e.window else "",
        }
        for e in TicketEvent.objects.filter(hall=hall, action__in=(TicketAction.CALL, TicketAction.RECALL))
        .select_related("ticket", "window")
        .only("id", "at", "ticket__number", "window__number")
        .order_by("-id")[:LAST_CALLS]
    ]
    waiting = waiting_by_service(hall, day)
    queues = [
        {
            "prefix": s.prefix,
            "name": s.name,
            "waiting": waiting.get(s.pk, 0),
            "crowded": waiting.get(s.pk, 0) >= s.warning_waiting,
        }
        for s in QueueService.objects.filter(hall=hall, active=True)
    ]
    return {"hall": hall.name, "at": now, "windows": windows, "calls": calls, "queues": queues}


def typical_service_seconds(service: QueueService) -> float:
    """The median service time of the queue's last finished services (from their events)."""
    recent = (
        TicketEvent.objects.filter(ticket__service=service)
        .values("ticket_id")
        .annotate(
            started=Min("at", filter=Q(action=TicketAction.START)),
            finished=Max("at", filter=Q(action=TicketAction.FINISH)),
        )
        .filter(finished__isnull=False, started__isnull=False)
        .order_by("-ticket_id")[:SAMPLE]
    )
    times = [(r["finished"] - r["started"]).total_seconds() for r in recent]
    return percentile(times, 0.5) or DEFAULT_SERVICE_SECONDS


def place(ticket: Ticket, now: datetime | None = None) -> dict[str, Any]:
    """A waiting visitor's place: how many are ahead in the queue (green channel first, then the place in
    the queue), and an estimated wait from the queue's typical service time and its open windows."""
    if ticket.status != TicketStatus.WAITING:
        return {"ahead": None, "estimated_minutes": None}
    ahead_q = Q(queued_at__lt=ticket.queued_at) | Q(queued_at=ticket.queued_at, pk__lt=ticket.pk)
    if ticket.green:
        ahead_q &= ~Q(green="")
    else:
        ahead_q |= ~Q(green="")
    ahead = (
        Ticket.objects.filter(hall_id=ticket.hall_id, day=ticket.day, service_id=ticket.service_id)
        .filter(status=TicketStatus.WAITING)
        .filter(ahead_q)
        .count()
    )
    open_windows = WindowService.objects.filter(service_id=ticket.service_id, window__state=WindowState.OPEN).count()
    seconds = (ahead + 1) * typical_service_seconds(ticket.service) / max(1, open_windows)
    return {"ahead": ahead, "estimated_minutes": math.ceil(seconds / 60)}
