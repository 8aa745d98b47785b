"""The engine against an independent oracle: the figures recomputed in Python from nothing but the event
history, over the demo county's played cases (every state, transfers, supervision, reopenings, merges),
at several moments. The SQL must agree with the replay exactly, and the present-tense fast path with
the past-tense one at the present moment."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from bianmin.cases.choices import SATISFIED_MIN, Channel
from bianmin.cases.models import Case, CaseEvent
from bianmin.demo import load_demo
from bianmin.org.models import Unit
from bianmin.reports.kpi import Period, kpi_summary

COUNTED = ("accepted", "transferred", "supervised", "completed", "completed_on_time", "rated", "satisfied")


def oracle(cases: list[Case], events: dict[int, list[CaseEvent]], since, until, as_of) -> dict[str, int]:
    """DESIGN §5 read literally, one case at a time, from the events up to `as_of`."""
    counts = dict.fromkeys((*COUNTED, "village_handled", "village_completed"), 0)
    for case in cases:
        if not since <= case.received_at < until or case.received_at > as_of:
            continue
        history = [e for e in events[case.pk] if e.at <= as_of]
        status = history[-1].to_status
        accepted = status != "merged" and any(
            e.action in ("accept", "answer") or (e.action == "create" and e.to_status == "accepted") for e in history
        )
        if not accepted:
            continue
        counts["accepted"] += 1
        counts["transferred"] += any(e.action == "transfer" for e in history)
        counts["supervised"] += any(e.action == "supervise" for e in history)
        done = status in ("completed", "closed")
        counts["completed"] += done
        village = case.channel == Channel.VILLAGE_HALL
        counts["village_handled"] += village
        counts["village_completed"] += village and done
        if not done:
            continue
        last_done = [e for e in history if e.action in ("complete", "answer")][-1]
        counts["completed_on_time"] += bool(last_done.data.get("on_time"))
        if status == "closed":
            rate = [e for e in history if e.action == "rate"][-1]
            upheld = any(
                e.action == "review_appeal" and e.data.get("decision") == "upheld" and e.seq > rate.seq for e in history
            )
            if not upheld:
                counts["rated"] += 1
                counts["satisfied"] += rate.data["rating"] >= SATISFIED_MIN
    return counts


@pytest.fixture
def played(db):
    load_demo(seed=7, cases=160)


def test_the_engine_agrees_with_a_replay_of_the_events(played):
    """Also: the breakdown by child unit adds up to the total."""
    county = Unit.objects.get(code="500236000000")
    cases = list(Case.objects.all())
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.order_by("case_id", "seq"):
        events[event.case_id].append(event)
    assert any(c.reopen_count for c in cases) and any(c.transfer_count for c in cases)

    today = timezone.localdate()
    period = Period(today - timedelta(days=100), today)
    now = timezone.now()
    for days_ago in (60, 30, 10, 3, 0):
        as_of = now - timedelta(days=days_ago)
        expected = oracle(cases, events, period.since, period.until, as_of)
        report = kpi_summary(county, period, as_of=as_of)
        got = {name: getattr(report.figures, name) for name in expected}
        assert got == expected, f"as of {days_ago} days ago"
    report = kpi_summary(county, period)
    past = kpi_summary(county, period, as_of=timezone.now()).figures
    assert report.figures == past

    # The breakdown by child unit adds up to the total.
    assert report.figures.accepted > 100
    for name in COUNTED:
        assert sum(getattr(g.figures, name) for g in report.breakdown) == getattr(report.figures, name)
    assert sum(report.figures.ratings.values()) == report.figures.rated
    assert {g.kind for g in report.breakdown} >= {"township", "street", "department", "service_center"}
