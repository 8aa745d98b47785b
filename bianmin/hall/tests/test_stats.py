"""The day's statistics equal a recomputation straight from the events."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest

from bianmin.conftest import County
from bianmin.errors import DomainError
from bianmin.hall import ratings, services
from bianmin.hall.choices import TicketAction, TicketStatus
from bianmin.hall.models import Ticket, TicketEvent
from bianmin.hall.stats import daily_stats
from bianmin.hall.tests.factories import HallData, at
from bianmin.org.choices import Role
from bianmin.org.tests.factories import member

pytestmark = pytest.mark.django_db


def play_day(county: County, hall: HallData, seed: int) -> None:
    """A random morning: tickets taken, windows calling, some served and rated, some missed, the day closed."""
    rng = random.Random(seed)  # noqa: S311 (a seeded test scenario, not a secret)
    staff = {1: county.people["window"], 3: member(county["center"], Role.WINDOW_STAFF, username="w3")}
    for number, person in staff.items():
        services.sign_in(hall.windows[number], actor=person)
    moment = at(8)
    for _ in range(30):
        moment += timedelta(seconds=rng.randint(5, 90))
        hall.take(rng.choice("ABC"), moment)
    for _ in range(40):
        number = rng.choice([1, 3])
        window, person = hall.windows[number], staff[number]
        moment += timedelta(seconds=rng.randint(10, 300))
        try:
            ticket = services.call_next(window, actor=person, now=moment)
        except DomainError:
            continue
        moment += timedelta(seconds=rng.randint(5, 60))
        if rng.random() < 0.2:
            services.act(ticket, TicketAction.NO_SHOW, actor=person, window=window, now=moment)
            continue
        services.act(ticket, TicketAction.START, actor=person, window=window, now=moment)
        moment += timedelta(seconds=rng.randint(60, 900))
        services.act(ticket, TicketAction.FINISH, actor=person, window=window, now=moment)
        if rng.random() < 0.6:
            ratings.rate(ticket, level=rng.choice([5, 5, 4, 3, 2]), now=moment + timedelta(seconds=20))
    services.expire_day(before=at(0, day=10).date(), now=at(1, day=10))


def nearest_rank(values: list[float], share: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[math.ceil(share * len(values)) - 1]


def oracle(hall: HallData) -> dict[str, Any]:
    """The hall's figures recomputed in plain Python, event by event."""
    events: dict[int, list[TicketEvent]] = defaultdict(list)
    for event in TicketEvent.objects.filter(hall=hall.hall).order_by("at", "id"):
        events[event.ticket_id].append(event)
    waits, times, no_shows, expired, served = [], [], 0, 0, 0
    for history in events.values():
        first = {}
        for e in history:
            first.setdefault(e.action, e)
        if TicketAction.CALL in first:
            waits.append((first[TicketAction.CALL].at - first[TicketAction.ISSUE].at).total_seconds())
        finish = [e for e in history if e.action == TicketAction.FINISH]
        if finish:
            served += 1
            times.append((finish[-1].at - first[TicketAction.START].at).total_seconds())
        elif TicketAction.NO_SHOW in first:
            no_shows += 1
        if any(e.action == TicketAction.EXPIRE and e.from_status != TicketStatus.NO_SHOW for e in history):
            expired += 1
    return {
        "issued": len(events),
        "served": served,
        "no_shows": no_shows,
        "expired": expired,
        "wait_p50": nearest_rank(waits, 0.5),
        "wait_p90": nearest_rank(waits, 0.9),
        "service_p50": nearest_rank(times, 0.5),
        "service_p90": nearest_rank(times, 0.9),
    }


@pytest.mark.parametrize("seed", [1, 7])
def test_the_days_statistics_equal_a_recomputation_from_the_events(county: County, hall: HallData, seed: int) -> None:
    play_day(county, hall, seed)
    figures = daily_stats(hall.hall, at(0).date())
    whole = figures["hall"][0]
    assert {k: whole[k] for k in oracle(hall)} == oracle(hall)
    # the breakdowns add up to the whole
    for dimension in ("service",):
        assert sum(r["issued"] for r in figures[dimension]) == whole["issued"]
        assert sum(r["served"] for r in figures[dimension]) == whole["served"]
    assert sum(r["rated"] for r in figures["window"]) == whole["rated"]
    assert Ticket.objects.filter(status__in=[TicketStatus.WAITING, TicketStatus.CALLED]).count() == 0
