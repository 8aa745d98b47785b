"""The engine against an independent oracle: the figures recomputed in Python from nothing but the event
history, over the demo county's played cases (every state, transfers, supervision, reopenings, merges) and
a few more played here for what the demo lacks (a grievance's pause and extension, a calendar-day limit, an
urgent case, a case completed again after reopening, a deadline moved after a moment that was overdue), at
several moments. The SQL must agree with the replay exactly, and the present-tense fast path with the
past-tense one at the present moment.

The oracle recomputes every deadline from the events and the working-day calendar (DESIGN §4.2, §4.3,
§4.7); it reads none of the on-time flags or deadlines the platform stored. Those are compared with the
recomputation case by case, so a wrong count names its cases."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from bianmin.cases.choices import Channel
from bianmin.cases.models import Application, Case, CaseEvent, Category
from bianmin.cases.services import create_case, perform
from bianmin.demo import load_demo
from bianmin.org.models import Unit, User
from bianmin.reports.kpi import Period, kpi_summary
from bianmin.workdays.services import current_calendar

COUNTED = (
    "accepted",
    "transferred",
    "supervised",
    "completed",
    "completed_on_time",
    "rated",
    "satisfied",
    "overdue",
)
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
# Every figure the oracle knows: the engine must return these and no other (a new figure needs its oracle).
KNOWN_FIGURES = frozenset((*COUNTED, *APPLICATION_COUNTED))


def test_the_oracle_knows_every_counted_figure_of_the_registry():
    """The registry declares each figure once; the oracle recomputes every counted one (the rates and averages
    are computed from them by the registry itself, tested in test_kpi_rules)."""
    from bianmin.reports.figures import APPLICATION_COUNTS, CASE_COUNTS

    assert (CASE_COUNTS, APPLICATION_COUNTS) == (COUNTED, APPLICATION_COUNTED)
    from bianmin.reports.measures import Measures

    # and the engine has a condition for each: a method of Measures per case count, an aggregate per application one
    assert all(callable(getattr(Measures(None), name, None)) for name in CASE_COUNTS)
    assert tuple(Measures(None).application_aggregates()) == APPLICATION_COUNTS


SHANGHAI = ZoneInfo("Asia/Shanghai")
WORKING_DAYS, CALENDAR_DAYS, HOURS = "working_days", "calendar_days", "hours"
# DESIGN §4.3: a grievance's limit when its category sets none; an urgent one is due the same day.
KIND_LIMITS = {
    "consultation": (2, WORKING_DAYS),
    "help": (10, WORKING_DAYS),
    "suggestion": (10, WORKING_DAYS),
    "complaint": (15, WORKING_DAYS),
    "report": (15, WORKING_DAYS),
    "petition": (60, CALENDAR_DAYS),
}
URGENT_LIMIT = (0, WORKING_DAYS)
PETITION_ACCEPTANCE = (15, CALENDAR_DAYS)  # 信访: accepted or routed within 15 days, handled within 60 of it
NOTICE_DAYS = 5  # 一次性告知 within 5 working days of receipt, else accepted on receipt (第32条)
RUNNING = frozenset({"submitted", "accepted", "in_progress", "replied"})  # open, the clock not paused
PAUSING = frozenset({"pause", "request_supplement", "special_procedure"})
RESUMING = frozenset({"resume", "supplement"})
DECIDING = frozenset({"complete", "answer", "approve", "deny"})


class Days:
    """Working-day counting on the official calendar with its overrides (only `is_workday` is borrowed)."""

    def __init__(self, is_workday: Callable[[date], bool]) -> None:
        self.is_workday = is_workday

    def after(self, day: date, n: int) -> date:
        """The n-th working day after `day` (DESIGN §4.7: counting starts on the next working day)."""
        while n > 0:
            day += timedelta(days=1)
            n -= self.is_workday(day)
        return day

    def spanned(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        return sum(self.is_workday(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


def local(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def limit_end(start: datetime, value: int, unit: str, days: Days) -> datetime:
    """A limit from `start`: to the end of the last day counted (DESIGN §4.7); hours by the clock."""
    if unit == HOURS:
        return start + timedelta(hours=value)
    if unit == CALENDAR_DAYS:
        return end_of(local(start) + timedelta(days=value))
    return end_of(days.after(local(start), value))


def moved(due: datetime, amount: int, unit: str, days: Days) -> datetime:
    """A deadline moved later by `amount` of the unit, at the same time of day."""
    if unit == HOURS:
        return due + timedelta(hours=amount)
    day = local(due)
    day = day + timedelta(days=amount) if unit == CALENDAR_DAYS else days.after(day, amount)
    return datetime.combine(day, due.astimezone(SHANGHAI).time(), tzinfo=SHANGHAI)


def pause_length(start: datetime, end: datetime, unit: str, days: Days) -> int:
    """What a finished pause gives back: its whole hours, or the days (working days) it spanned."""
    if unit == HOURS:
        return int((end - start).total_seconds() // 3600)
    if unit == CALENDAR_DAYS:
        return (local(end) - local(start)).days
    return days.spanned(local(start), local(end))


@dataclass
class Clock:
    """A deadline: a base set at a moment, moved by the pauses begun and extensions granted since."""

    base: datetime
    since: datetime
    unit: str
    extension_unit: str
    given_back: int = 0
    extended: int = 0

    def due(self, days: Days) -> datetime:
        return moved(moved(self.base, self.given_back, self.unit, days), self.extended, self.extension_unit, days)


@dataclass
class Replay:
    """One case's history up to a moment, replayed: its status, acceptance, deadlines and completions."""

    status: str = ""
    accepted: bool = False
    due: datetime | None = None  # the promised (grievance: the only) deadline at the moment
    legal_due: datetime | None = None  # an application's legal deadline
    last_on_time: bool | None = None  # of the latest completion
    within_legal: bool | None = None
    # Each completion's (seq, on time, within the legal limit) as recomputed, for the case-by-case check.
    decisions: list[tuple[int, bool, bool | None]] = field(default_factory=list)


def replay(case: Case, history: list[CaseEvent], limits: dict[int, tuple[int, str, int, str]], days: Days) -> Replay:
    """DESIGN §4.2/§4.3/§4.7 read literally: the deadline from receipt (an application's from acceptance, or
    from receipt when accepted late for the one-time notice), moved by finished pauses and extensions,
    replaced by a supervisor's new deadline, restarted by reopening; on time = completed by it."""
    application = case.workflow == "application"
    if application:
        promised, promised_unit, legal, legal_unit = limits[case.pk]
    elif case.urgency == "urgent":
        promised, promised_unit = URGENT_LIMIT
    elif case.category is not None and case.category.limit_value is not None and case.category.limit_unit:
        promised, promised_unit = case.category.limit_value, case.category.limit_unit
    else:
        promised, promised_unit = KIND_LIMITS[case.kind]
    # An application's extension counts in working days whatever its limits' unit (第42条).
    extension_unit = WORKING_DAYS if application else promised_unit
    received = history[0].at
    if application:  # until acceptance the clock is the one-time notice's
        clock = Clock(limit_end(received, NOTICE_DAYS, WORKING_DAYS, days), received, promised_unit, extension_unit)
    elif case.kind == "petition" and history[0].to_status == "submitted":  # until acceptance, the 15 days
        clock = Clock(limit_end(received, *PETITION_ACCEPTANCE, days), received, promised_unit, extension_unit)
    else:
        clock = Clock(limit_end(received, promised, promised_unit, days), received, promised_unit, extension_unit)
    legal_clock: Clock | None = None
    paused_at: datetime | None = None
    notice_sent = False
    result = Replay()
    for event in history:
        action, at = event.action, event.at
        clocks = [c for c in (clock, legal_clock) if c is not None]
        if action in PAUSING:
            paused_at = at
            notice_sent = notice_sent or action == "request_supplement"
        elif action in RESUMING and paused_at is not None:
            for c in clocks:  # a pause begun before the deadline was (re)set gives nothing back
                if paused_at >= c.since:
                    c.given_back += pause_length(paused_at, at, c.unit, days)
            paused_at = None
        if action == "supplement":  # the check's own days again, from the supplement
            clock = Clock(limit_end(at, NOTICE_DAYS, WORKING_DAYS, days), at, promised_unit, extension_unit)
        elif action == "accept" and application:
            late = not notice_sent and at > limit_end(received, NOTICE_DAYS, WORKING_DAYS, days)
            start = received if late else at
            clock = Clock(limit_end(start, promised, promised_unit, days), start, promised_unit, extension_unit)
            legal_clock = Clock(limit_end(start, legal, legal_unit, days), start, legal_unit, extension_unit)
        elif action == "accept" and case.kind == "petition":
            clock = Clock(limit_end(at, promised, promised_unit, days), at, promised_unit, extension_unit)
        elif action == "extend":
            for c in clocks:
                c.extended += event.data["amount"]
        elif action == "supervise":  # a new deadline for the promised limit; the legal one stands
            clock = Clock(datetime.fromisoformat(event.data["due_at"]), at, promised_unit, extension_unit)
        elif action == "reopen":  # 重办: the full limit again
            clock = Clock(limit_end(at, promised, promised_unit, days), at, promised_unit, extension_unit)
        elif action in ("withdraw", "refuse"):
            paused_at = None
        if action in DECIDING:
            result.last_on_time = at <= clock.due(days)
            result.within_legal = at <= legal_clock.due(days) if legal_clock is not None else None
            result.decisions.append((event.seq, result.last_on_time, result.within_legal))
    result.status = history[-1].to_status
    result.accepted = result.status != "merged" and any(
        e.action in ("accept", "answer") or (e.action == "create" and e.to_status == "accepted") for e in history
    )
    result.due = clock.due(days)
    result.legal_due = legal_clock.due(days) if legal_clock is not None else None
    return result


def trips(history: list[CaseEvent]) -> int:
    """跑动次数 from the events: intake at a window, a supplement in person, collecting at a window."""
    at_window = history[0].data.get("channel") == Channel.WINDOW
    in_person = sum(e.action == "supplement" and bool(e.data.get("in_person")) for e in history)
    collected = sum(e.action == "deliver" and e.data.get("delivery_method") == "window" for e in history)
    return at_window + in_person + collected


def application_oracle(counts: Counter[str], history: list[CaseEvent], state: Replay, done: bool) -> None:
    """The application figures of one application (DESIGN §4.2, §5), from its events alone."""
    channel = history[0].data["channel"]
    counts["applications_received"] += 1
    counts["applications_online"] += channel in (Channel.WEB, Channel.MOBILE)
    if not state.accepted:
        return
    village = channel == Channel.VILLAGE_HALL
    counts["applications_accepted"] += 1
    counts["village_handled"] += village
    if not done:
        return
    counts["applications_completed"] += 1
    counts["village_completed"] += village
    counts["applications_on_time"] += bool(state.last_on_time)
    counts["applications_within_legal_limit"] += bool(state.within_legal)
    counts["application_trips"] += trips(history)
    counts["applications_one_trip"] += trips(history) <= 1


@dataclass
class Played:
    cases: list[Case]
    events: dict[int, list[CaseEvent]]
    limits: dict[int, tuple[int, str, int, str]]  # an application's promised and legal limit, from its item
    days: Days


def oracle(played: Played, since: datetime, until: datetime, as_of: datetime) -> dict[str, int]:
    """DESIGN §5 read literally, one case at a time, from the events up to `as_of`; `overdue` is open with
    the clock running and past the deadline as it stood at `as_of` (the workbench's red cases, then)."""
    counts: Counter[str] = Counter(dict.fromkeys(KNOWN_FIGURES, 0))
    for case in played.cases:
        if not since <= case.received_at < until or case.received_at > as_of:
            continue
        history = [e for e in played.events[case.pk] if e.at <= as_of]
        state = replay(case, history, played.limits, played.days)
        counts["overdue"] += state.status in RUNNING and state.due is not None and state.due < as_of
        done = state.accepted and state.status in ("completed", "closed")
        if case.workflow == "application":
            application_oracle(counts, history, state, done)
        if not state.accepted:
            continue
        counts["accepted"] += 1
        counts["transferred"] += any(e.action == "transfer" for e in history)
        counts["supervised"] += any(e.action == "supervise" for e in history)
        counts["completed"] += done
        if not done:
            continue
        counts["completed_on_time"] += bool(state.last_on_time)
        if state.status == "closed":
            rate = [e for e in history if e.action == "rate"][-1]
            upheld = any(
                e.action == "review_appeal" and e.data.get("decision") == "upheld" and e.seq > rate.seq for e in history
            )
            if not upheld:
                counts["rated"] += 1
                counts["satisfied"] += rate.data["rating"] >= settings.SATISFIED_MIN_RATING
    return dict(counts)


def stored_disagreements(played: Played) -> list[str]:
    """Each case's stored deadlines and on-time flags against the recomputation from its whole history."""
    applications = {a.pk: a for a in Application.objects.all()}
    found = []
    for case in played.cases:
        history = played.events[case.pk]
        state = replay(case, history, played.limits, played.days)
        if case.due_at != state.due:
            found.append(f"{case.number}: due_at {case.due_at} stored, {state.due} recomputed")
        application = applications.get(case.pk)
        if application is not None and application.legal_due_at != state.legal_due:
            found.append(f"{case.number}: legal_due_at {application.legal_due_at} stored, {state.legal_due} recomputed")
        stored = [
            (e.seq, e.data.get("on_time"), e.data.get("within_legal_limit")) for e in history if e.action in DECIDING
        ]
        if stored != state.decisions:
            found.append(
                f"{case.number}: (seq, on time, within legal limit) {stored} stored, {state.decisions} replayed"
            )
        if state.status in ("completed", "closed") and case.completed_on_time != state.last_on_time:
            found.append(f"{case.number}: completed_on_time {case.completed_on_time}, {state.last_on_time} replayed")
    return found


def play_more(now: datetime) -> None:
    """Cases the demo does not play, for the deadline rules it does not reach. Times are days before `now`;
    what each case is meant to show holds in a month without long holidays (the oracle is exact in any)."""
    admin = User.objects.get(username="admin")
    village = Unit.objects.get(code="500236101201")  # 浣花村
    categories = {c.code: c for c in Category.objects.all()}

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    def new(kind: str, received: float, category: str | None = None, urgency: str = "normal") -> Case:
        case, _created = create_case(
            actor=admin,
            channel=Channel.HOTLINE,
            kind=kind,
            title="测试",
            content="测试事项",
            citizen_name="张三",
            citizen_phone="13800000000",
            village=village,
            unit=village,
            category=categories[category] if category else None,
            urgency=urgency,
            received_at=ago(received),
        )
        return case

    def play(case: Case, *steps: tuple[str, float, dict[str, object]]) -> None:
        for action, days_ago, fields in steps:
            case = perform(case, action, actor=admin, at=ago(days_ago), **fields)

    assign = {"handler": "admin"}
    reply = {"reply": "已办理"}
    # On time only because the pause gave its working days back (15 working days, no category).
    play(
        new("complaint", 50),
        ("assign", 49.9, assign),
        ("pause", 45, {"reason": "等待群众"}),
        ("resume", 31, {}),
        ("reply", 28, reply),
        ("complete", 27, {}),
        ("rate", 26, {"rating": 5}),
    )
    # On time only because of the extension (2 working days, extended by 5).
    play(
        new("consultation", 40),
        ("assign", 39.9, assign),
        ("extend", 39.8, {"amount": 5, "reason": "需要调查"}),
        ("reply", 36, reply),
        ("complete", 35.9, {}),
    )
    # Completed on time, rated badly, reopened: overdue again, then completed late; the latest completion counts.
    play(
        new("help", 45),
        ("assign", 44.9, assign),
        ("reply", 42, reply),
        ("complete", 41.9, {}),
        ("rate", 41, {"rating": 2}),
        ("reopen", 38, {"reason": "没有解决"}),
        ("reply", 8.5, reply),
        ("complete", 8, {}),
    )
    # A petition: 60 calendar days, paused 15 of them: completed on time, and not overdue 10 days ago.
    play(
        new("petition", 80),
        ("assign", 79.9, assign),
        ("pause", 70, {"reason": "等待群众"}),
        ("resume", 55, {}),
        ("reply", 8, reply),
        ("complete", 7, {}),
    )
    # Urgent: due the day it came in; answered the next day, late.
    play(new("help", 12, "water", urgency="urgent"), ("answer", 11, reply))
    # Supervised with a deadline before the original one, and completed after it: late.
    supervised = new("complaint", 35, "environment")
    play(
        supervised,
        ("supervise", 34.9, {"due_at": ago(33), "note": "请加快办理"}),
        ("assign", 34.8, assign),
        ("reply", 31, reply),
        ("complete", 30, {}),
    )
    # Overdue 10 days ago; paused and resumed since, which moved its deadline past that moment.
    play(
        new("consultation", 14),
        ("assign", 13.9, assign),
        ("pause", 9, {"reason": "等待群众"}),
        ("resume", 1, {}),
    )


@pytest.fixture
def played(db) -> Played:
    load_demo(seed=7, cases=160)
    play_more(timezone.now())
    return played_from_the_database()


def played_from_the_database() -> Played:
    """Every case with its events and its item's limits, as the oracle reads them."""
    cases = list(Case.objects.select_related("category"))
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.order_by("case_id", "seq"):
        events[event.case_id].append(event)
    limits = {
        a.pk: (v.promised_limit, v.promised_limit_unit, v.legal_limit, v.legal_limit_unit)
        for a in Application.objects.select_related("item_version")
        for v in [a.item_version]
    }
    return Played(cases, events, limits, Days(current_calendar().is_workday))


def test_the_engine_agrees_with_a_replay_of_the_events(played):
    """Also: the breakdown by child unit adds up to the total."""
    county = Unit.objects.get(code="500236000000")
    assert any(c.reopen_count for c in played.cases) and any(c.transfer_count for c in played.cases)

    # Given the platform's stored deadlines and on-time flags, they are the ones the events give.
    assert stored_disagreements(played) == []

    today = timezone.localdate()
    period = Period(today - timedelta(days=100), today)
    now = timezone.now()
    mismatches = []
    for days_ago in (60, 40, 30, 10, 3, 0):
        as_of = now - timedelta(days=days_ago)
        expected = oracle(played, period.since, period.until, as_of)
        report = kpi_summary(county, period, as_of=as_of)
        # The engine returns exactly the figures the oracle knows: a new or dropped figure fails here.
        assert set(report.figures.counts) == KNOWN_FIGURES  # the engine counts these, and no other
        mismatches += [
            f"{days_ago} days ago: {name} {getattr(report.figures, name)} counted, {expected[name]} replayed"
            for name in sorted(KNOWN_FIGURES)
            if getattr(report.figures, name) != expected[name]
        ]
    assert mismatches == []
    # At the present moment the deadline of the moment is the present one: no allowance.
    assert report.figures.overdue == oracle(played, period.since, period.until, as_of)["overdue"] > 0
    present = kpi_summary(county, period)
    assert present.figures == kpi_summary(county, period, as_of=timezone.now()).figures

    # The breakdown by child unit adds up to the total.
    assert present.figures.accepted > 100
    for name in KNOWN_FIGURES:
        assert sum(getattr(g.figures, name) for g in present.breakdown) == getattr(present.figures, name)
    assert sum(present.figures.ratings.values()) == present.figures.rated
    assert {g.kind for g in present.breakdown} >= {"township", "street", "department", "service_center"}


def test_overdue_in_the_past_is_against_the_deadline_of_the_moment(county):
    """DESIGN §5: every figure as of the moment, "whatever happened to the cases afterwards"."""
    # Given a consultation (2 working days) overdue 20 days ago, supervised 2 days ago with a new deadline
    now = timezone.now()
    case, _created = create_case(
        actor=county.people["cadre_a"],
        channel=Channel.HOTLINE,
        kind="consultation",
        title="咨询",
        content="咨询事项",
        citizen_name="张三",
        citizen_phone="13800000000",
        village=county["huanhua"],
        received_at=now - timedelta(days=40),
    )
    case = perform(case, "assign", actor=county.people["cadre_a"], at=now - timedelta(days=39), handler="cadre_a")
    perform(
        case,
        "supervise",
        actor=county.people["supervisor"],
        at=now - timedelta(days=2),
        due_at=now + timedelta(days=5),
        note="请加快办理",
    )
    today = timezone.localdate()
    period = Period(today - timedelta(days=60), today)
    # When the figures are asked as of 20 days ago, and as of now
    then = kpi_summary(county["county"], period, as_of=now - timedelta(days=20)).figures
    present = kpi_summary(county["county"], period).figures
    # Then it was overdue then, and is not now
    assert (then.overdue, present.overdue) == (1, 0)
