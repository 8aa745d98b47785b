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
APPLICATION_COUNTED = (
    "applications_received",
    "applications_accepted",
    "applications_completed",
    "applications_on_time",
    "applications_within_legal_limit",
    "applications_online",
    "application_trips",
    "applications_one_trip",
    "village_handled",
    "village_completed",
)


def trips(history: list[CaseEvent]) -> int:
    """跑动次数 from the events: intake at a window, a supplement in person, collecting at a window."""
    at_window = history[0].data.get("channel") == Channel.WINDOW
    in_person = sum(e.action == "supplement" and bool(e.data.get("in_person")) for e in history)
    collected = sum(e.action == "deliver" and e.data.get("delivery_method") == "window" for e in history)
    return at_window + in_person + collected


def application_oracle(counts: dict[str, int], history: list[CaseEvent], accepted: bool, done: bool) -> None:
    """The application figures of one application (DESIGN §4.2, §5), from its events alone."""
    channel = history[0].data["channel"]
    counts["applications_received"] += 1
    counts["applications_online"] += channel in (Channel.WEB, Channel.MOBILE)
    if not accepted:
        return
    village = channel == Channel.VILLAGE_HALL
    counts["applications_accepted"] += 1
    counts["village_handled"] += village
    if not done:
        return
    decision = next(e for e in history if e.action in ("approve", "deny"))
    counts["applications_completed"] += 1
    counts["village_completed"] += village
    counts["applications_on_time"] += bool(decision.data["on_time"])
    counts["applications_within_legal_limit"] += bool(decision.data["within_legal_limit"])
    counts["application_trips"] += trips(history)
    counts["applications_one_trip"] += trips(history) <= 1


def oracle(cases: list[Case], events: dict[int, list[CaseEvent]], since, until, as_of) -> dict[str, int]:
    """DESIGN §5 read literally, one case at a time, from the events up to `as_of`."""
    counts = dict.fromkeys((*COUNTED, *APPLICATION_COUNTED), 0)
    for case in cases:
        if not since <= case.received_at < until or case.received_at > as_of:
            continue
        history = [e for e in events[case.pk] if e.at <= as_of]
        status = history[-1].to_status
        accepted = status != "merged" and any(
            e.action in ("accept", "answer") or (e.action == "create" and e.to_status == "accepted") for e in history
        )
        done = accepted and status in ("completed", "closed")
        if case.workflow == "application":
            application_oracle(counts, history, accepted, done)
        if not accepted:
            continue
        counts["accepted"] += 1
        counts["transferred"] += any(e.action == "transfer" for e in history)
        counts["supervised"] += any(e.action == "supervise" for e in history)
        counts["completed"] += done
        if not done:
            continue
        last_done = [e for e in history if e.action in ("complete", "answer", "approve", "deny")][-1]
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
    for name in (*COUNTED, *APPLICATION_COUNTED):
        assert sum(getattr(g.figures, name) for g in report.breakdown) == getattr(report.figures, name)
    assert sum(report.figures.ratings.values()) == report.figures.rated
    assert {g.kind for g in report.breakdown} >= {"township", "street", "department", "service_center"}
