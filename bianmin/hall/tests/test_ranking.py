"""The monthly window ranking honours the configured weights and flags the window last two months running."""

from __future__ import annotations

from datetime import date

import pytest

from bianmin.conftest import County
from bianmin.hall import ranking, ratings, services
from bianmin.hall.choices import TicketAction
from bianmin.hall.models import DutyOfficerMark, RankingWeights
from bianmin.hall.tests.factories import HallData, at
from bianmin.org.choices import Role
from bianmin.org.tests.factories import member

pytestmark = pytest.mark.django_db


def serve(
    hall: HallData, number: int, person, prefix: str, minute: int, level: int, day: int = 9, month: int = 12
) -> None:
    ticket = hall.take(prefix, at(8, minute, day=day, month=month))
    window = hall.windows[number]
    services.call_next(window, actor=person, now=at(9, minute, day=day, month=month))
    services.act(ticket, TicketAction.START, actor=person, window=window, now=at(9, minute, 10, day=day, month=month))
    services.act(ticket, TicketAction.FINISH, actor=person, window=window, now=at(9, minute, 40, day=day, month=month))
    ratings.rate(ticket, level=level, now=at(9, minute, 50, day=day, month=month))


@pytest.fixture
def month(county: County, hall: HallData) -> HallData:
    """Window 1 serves three visitors, one of them unhappy; window 3 serves one, happy."""
    one, three = county.people["window"], member(county["center"], Role.WINDOW_STAFF, username="w3")
    services.sign_in(hall.windows[1], actor=one)
    services.sign_in(hall.windows[3], actor=three)
    for minute, level in ((1, 5), (2, 5), (3, 2)):
        serve(hall, 1, one, "A", minute, level)
    serve(hall, 3, three, "C", 5, 5)
    return hall


def test_the_weights_decide_the_order(month: HallData) -> None:
    RankingWeights.objects.create(hall=month.hall, efficiency=100, staff=0, duty_officer=0, citizens=0)
    by_efficiency = ranking.month_ranking(month.hall, 2026, 12)
    RankingWeights.objects.filter(hall=month.hall).update(efficiency=0, citizens=100)
    by_citizens = ranking.month_ranking(month.hall, 2026, 12)
    assert [(r["window"], float(r["total"])) for r in by_efficiency] == [(1, 100), (3, 33.33)]
    assert [(r["window"], float(r["total"])) for r in by_citizens] == [(3, 100), (1, 66.67)]


def test_the_default_weights_and_an_unmeasured_part_left_out(month: HallData) -> None:
    DutyOfficerMark.objects.create(window=month.windows[1], month=date(2026, 12, 1), score=60)
    rows = {r["window"]: r for r in ranking.month_ranking(month.hall, 2026, 12)}
    # window 1: (30×100 + 30×100 + 20×60 + 20×66.67) / 100; window 3 has no mark: (30×33.33 + 30×100 + 20×100) / 80
    assert float(rows[1]["total"]) == pytest.approx(85.33, abs=0.01)
    assert float(rows[3]["total"]) == pytest.approx(75.0, abs=0.01)


def test_last_two_months_running_is_flagged(county: County, month: HallData) -> None:
    one, three = county.people["window"], services.WindowSession.objects.get(window=month.windows[3]).user
    RankingWeights.objects.create(hall=month.hall, efficiency=0, staff=0, duty_officer=0, citizens=100)
    # December so far: window 3 at 100%, window 1 at 66.7%: window 1 last, no November to compare
    assert [(r["window"], r["flagged"]) for r in ranking.with_flags(month.hall, 2026, 12)["rows"]] == [
        (3, False),
        (1, False),
    ]
    # November (Wednesday the 18th): window 3 unhappy, window 1 happy; December: one more unhappy at window 3
    serve(month, 1, one, "A", 1, 5, day=18, month=11)
    serve(month, 3, three, "C", 2, 1, day=18, month=11)
    serve(month, 3, three, "C", 10, 1)
    rows = ranking.with_flags(month.hall, 2026, 12)["rows"]
    assert [(r["window"], r["flagged"]) for r in rows] == [(1, False), (3, True)]
