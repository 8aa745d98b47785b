"""Daily statistics of a hall (每天一统计), derived from the ticket events and the ratings, never from
counters: one aggregate query gives each ticket's moments (issued, first called, first started, finished)
and outcome, and the figures per hall, service, window and person come from those rows."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet

from bianmin.catalog.models import ServiceItem
from bianmin.hall.choices import TicketAction, TicketStatus
from bianmin.hall.models import Hall, PadRating, QueueService, Ticket, TicketEvent, Window
from bianmin.org.choices import REGION_KINDS
from bianmin.org.models import User
from bianmin.reports.figures import truncated_percent

# The dimensions a day's figures are given by, in the order the pages show them.
DIMENSIONS = ("hall", "service", "window", "person")


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (p50, p90) of `values`; None when there are none (shown as "—", never 0)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Figures:
    """One row of a day's statistics."""

    key: str
    label: str
    issued: int = 0
    served: int = 0
    no_shows: int = 0
    expired: int = 0
    waits: list[float] = field(default_factory=list)  # seconds from issue to the first call
    service_times: list[float] = field(default_factory=list)  # seconds from the first start to the finish
    rated: int = 0
    satisfied: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "issued": self.issued,
            "served": self.served,
            "no_shows": self.no_shows,
            "expired": self.expired,
            "wait_p50": percentile(self.waits, 0.5),
            "wait_p90": percentile(self.waits, 0.9),
            "service_p50": percentile(self.service_times, 0.5),
            "service_p90": percentile(self.service_times, 0.9),
            "rated": self.rated,
            "satisfaction": round(self.satisfied / self.rated, 4) if self.rated else None,
        }


def _moments(hall: Hall, day: date) -> list[dict[str, Any]]:
    """Per ticket of the day: its moments and outcome, aggregated from its events in one query."""
    found = (
        TicketEvent.objects.filter(ticket__hall=hall, ticket__day=day)
        .values("ticket_id", "ticket__service_id", "ticket__window_id", "ticket__served_by_id")
        .annotate(
            issued=Min("at", filter=Q(action=TicketAction.ISSUE)),
            called=Min("at", filter=Q(action=TicketAction.CALL)),
            started=Min("at", filter=Q(action=TicketAction.START)),
            finished=Max("at", filter=Q(action=TicketAction.FINISH)),
            no_show_marks=Count("id", filter=Q(action=TicketAction.NO_SHOW)),
            expired_unseen=Count("id", filter=Q(action=TicketAction.EXPIRE) & ~Q(from_status=TicketStatus.NO_SHOW)),
        )
        .order_by("ticket_id")
    )
    return [dict(row) for row in found]


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    return (later - earlier).total_seconds() if later is not None and earlier is not None else None


def daily_stats(hall: Hall, day: date) -> dict[str, list[dict[str, Any]]]:
    """The day's figures by hall, service, window and person: tickets issued, served, no-shows (过号 and
    never served), expired unseen, wait and service time p50/p90 (seconds), ratings and satisfaction."""
    labels = {
        "service": dict(QueueService.objects.filter(hall=hall).values_list("id", "name")),
        "window": {w.pk: str(w) for w in Window.objects.filter(hall=hall)},
    }
    rows: dict[str, dict[Any, Figures]] = {name: {} for name in DIMENSIONS}
    people: set[int] = set()

    def figures(dimension: str, key: Any) -> Figures:
        table = rows[dimension]
        if key not in table:
            table[key] = Figures(str(key), labels.get(dimension, {}).get(key, str(hall) if key == "all" else ""))
        return table[key]

    for row in _moments(hall, day):
        keys = [("hall", "all"), ("service", row["ticket__service_id"])]
        if row["ticket__window_id"] is not None:
            keys.append(("window", row["ticket__window_id"]))
        if row["ticket__served_by_id"] is not None:
            keys.append(("person", row["ticket__served_by_id"]))
            people.add(row["ticket__served_by_id"])
        wait = _seconds(row["called"], row["issued"])
        service = _seconds(row["finished"], row["started"]) if row["finished"] else None
        for dimension, key in keys:
            f = figures(dimension, key)
            f.issued += 1
            f.served += row["finished"] is not None
            f.no_shows += row["no_show_marks"] > 0 and row["finished"] is None
            f.expired += row["expired_unseen"] > 0
            if wait is not None:
                f.waits.append(wait)
            if service is not None:
                f.service_times.append(service)
    satisfied = Q(level__gte=settings.SATISFIED_MIN_RATING)
    ratings = (
        PadRating.objects.filter(ticket__hall=hall, ticket__day=day)
        .values("window_id", "service_id", "staff_id")
        .annotate(rated=Count("id"), satisfied=Count("id", filter=satisfied))
    )
    for r in ratings:
        keys = [("hall", "all"), ("service", r["service_id"]), ("window", r["window_id"])]
        if r["staff_id"] is not None:
            keys.append(("person", r["staff_id"]))
            people.add(r["staff_id"])
        for dimension, key in keys:
            f = figures(dimension, key)
            f.rated += r["rated"]
            f.satisfied += r["satisfied"]
    names = {u.pk: u.display_name or u.username for u in User.objects.filter(pk__in=people)}
    for key, f in rows["person"].items():
        f.label = names.get(key, "")
    return {
        name: [f.as_dict() for _k, f in sorted(table.items(), key=lambda kv: str(kv[0]))]
        for name, table in rows.items()
    }


def waiting_by_service(hall: Hall, day: date) -> dict[int, int]:
    """People waiting now per queue service (one grouped count)."""
    counted = (
        Ticket.objects.filter(hall=hall, day=day, status=TicketStatus.WAITING)
        .values("service_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    waiting: dict[int, int] = defaultdict(int)
    for row in counted:
        waiting[row["service_id"]] = row["n"]
    return waiting


def expected_items(hall: Hall) -> QuerySet[ServiceItem]:
    """The catalogue's items the hall should offer (应进驻事项): the active items of its own region's units
    that are not regions themselves (its departments and service center), or of the region itself. For a
    county service center (a unit under the county) that is the county's departments; for a township or
    street hall, the township's own items."""
    unit = hall.unit
    region_id = unit.pk if unit.kind in REGION_KINDS else unit.parent_id
    return ServiceItem.objects.filter(active=True).filter(
        Q(unit_id=region_id) | Q(unit__parent_id=region_id) & ~Q(unit__kind__in=REGION_KINDS)
    )


def presence_rate(hall: Hall) -> dict[str, Any]:
    """进驻率: of the items the hall should offer, how many it does, i.e. are served by an active queue that
    some window calls. The rate is a percentage, one decimal, truncated (DESIGN §5)."""
    expected = expected_items(hall)
    offered = expected.filter(
        pk__in=QueueService.items.through.objects.filter(
            queueservice__hall=hall, queueservice__active=True, queueservice__window_services__isnull=False
        ).values("serviceitem_id")
    )
    whole, part = expected.count(), offered.count()
    return {"expected": whole, "in_hall": part, "rate": truncated_percent(part, whole)}
