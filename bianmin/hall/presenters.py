"""Hall objects as the API and the pages show them."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.utils import timezone

from bianmin.hall.board import place
from bianmin.hall.choices import TicketStatus
from bianmin.hall.models import Hall, QueueService, Ticket, Window, WindowService, WindowSession
from bianmin.hall.services import local_day
from bianmin.hall.stats import waiting_by_service


def ticket_out(ticket: Ticket, now: datetime | None = None) -> dict[str, Any]:
    """The visitor's view of their ticket: no staff names, no phone."""
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "token": ticket.token,
        "service": ticket.service.name,
        "status": ticket.status,
        "status_label": str(TicketStatus(ticket.status).label),
        "window": ticket.window.number if ticket.window_id and ticket.window else None,
        "green": ticket.green,
        "issued_at": ticket.issued_at,
        **place(ticket, now),
    }


def staff_ticket(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "service": ticket.service.prefix,
        "status": ticket.status,
        "window": ticket.window.number if ticket.window_id and ticket.window else None,
        "version": ticket.version,
        "case": ticket.case.number if ticket.case_id and ticket.case else None,
    }


def queues(hall: Hall, now: datetime | None = None) -> list[dict[str, Any]]:
    waiting = waiting_by_service(hall, local_day(now or timezone.now()))
    return [
        {
            "id": s.pk,
            "prefix": s.prefix,
            "name": s.name,
            "kind": s.kind,
            "waiting": waiting.get(s.pk, 0),
            "crowded": waiting.get(s.pk, 0) >= s.warning_waiting,
            "green_channel": s.green_channel,
            "appointments": s.appointments,
        }
        for s in QueueService.objects.filter(hall=hall, active=True)
    ]


def windows(hall: Hall) -> list[dict[str, Any]]:
    """Every window with who is signed in and the queues it calls: three queries for the whole hall."""
    staff = {
        s.window_id: s.user.display_name or s.user.username
        for s in WindowSession.objects.filter(window__hall=hall, ended_at__isnull=True).select_related("user")
    }
    prefixes: dict[int, list[str]] = defaultdict(list)
    for ws in (
        WindowService.objects.filter(window__hall=hall)
        .select_related("service")
        .order_by("priority", "service__prefix")
    ):
        prefixes[ws.window_id].append(ws.service.prefix)
    return [
        {
            "id": w.pk,
            "number": w.number,
            "name": w.name,
            "state": w.state,
            "staff": staff.get(w.pk, ""),
            "services": prefixes[w.pk],
            "pad_paired_at": w.pad_paired_at,
        }
        for w in Window.objects.filter(hall=hall).order_by("number")
    ]


def hall_out(hall: Hall) -> dict[str, Any]:
    return {"id": hall.pk, "name": hall.name, "unit": hall.unit.name}


def hall_detail(hall: Hall) -> dict[str, Any]:
    return {**hall_out(hall), "windows": windows(hall), "queues": queues(hall)}
