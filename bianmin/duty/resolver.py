"""Who is on duty on each day of a month at one place: pure functions over plain values, no database.

Order of precedence (GoAlert's separation, made date-based): a holiday plan replaces the layers on its days;
otherwise the highest-priority layer whose days match decides the day (everyone in, or a rotation); then the
approved substitutes and swaps move people between days. People on approved leave are skipped. Before the
changes, the month is rebalanced: the most loaded hand working days to the least loaded until the duty days of
the people on no leave are within one of each other.

A month is resolved on its own, its fairness counters starting at zero, so that re-resolving it gives the
same answer from the same inputs whatever was resolved before; the rotation's starting point shifts by the
month's number so that the same person is not always first.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from bianmin.duty.choices import ChangeKind, DayRule, SlotSource

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Person:
    member_id: int
    name: str
    post: str
    is_leader: bool
    position: int
    user_id: int | None = None


@dataclass(frozen=True)
class Layer:
    id: int
    days: str
    everyone: bool
    people_per_day: int
    hours: str
    priority: int


@dataclass(frozen=True)
class Absence:
    member_id: int
    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Move:
    """An approved substitute (member's `date` to colleague) or swap (and colleague's `other_date` to member)."""

    kind: str
    member_id: int
    colleague_id: int
    day: date
    other_day: date | None = None


@dataclass(frozen=True)
class Plan:
    """A holiday plan's day: who is on, for how long."""

    hours: str
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class Roster:
    """Everything a place's month depends on."""

    people: Sequence[Person]
    layers: Sequence[Layer]
    needs_leader: bool = False
    every_day: bool = False  # a village hall: a day no layer covers is a gap too (the source: 7 days covered)
    plans: dict[date, Plan] = field(default_factory=dict)
    absences: Sequence[Absence] = ()
    moves: Sequence[Move] = ()


@dataclass(frozen=True)
class Slot:
    member_id: int
    source: str


@dataclass
class Day:
    date: date
    rest: bool
    hours: str
    required: int  # the attendance an everyone-in layer requires; 0 otherwise
    needs_leader: bool  # a reception room's working day
    slots: list[Slot]
    rule: str = ""  # the layer's DayRule, "plan", or "" when nothing covers the day
    must_cover: bool = True  # False for a day no layer covers at a place that need not be open every day


def month_days(month: date) -> list[date]:
    first = month.replace(day=1)
    return [first + timedelta(days=i) for i in range(month_calendar.monthrange(first.year, first.month)[1])]


def _applies(rule: str, day: date, rest: bool) -> bool:
    if rule == DayRule.MONDAYS:
        return not rest and day.weekday() == 0
    if rule == DayRule.WORKING_DAYS:
        return not rest
    if rule == DayRule.REST_DAYS:
        return rest
    return True


def layer_for(layers: Iterable[Layer], day: date, rest: bool) -> Layer | None:
    matching = [layer for layer in layers if _applies(layer.days, day, rest)]
    return max(matching, key=lambda layer: (layer.priority, -layer.id)) if matching else None


def resolve_month(roster: Roster, month: date, is_workday: Callable[[date], bool]) -> list[Day]:
    days = month_days(month)
    people = sorted(roster.people, key=lambda p: (p.position, p.member_id))
    if people:
        # Shift the rotation's start by the month's number: fair across months as well as within one.
        shift = (month.year * 12 + month.month) % len(people)
        people = people[shift:] + people[:shift]
    order = {p.member_id: i for i, p in enumerate(people)}
    leaders = {p.member_id for p in people if p.is_leader}
    total: dict[int, int] = dict.fromkeys(order, 0)
    rest_count: dict[int, int] = dict.fromkeys(order, 0)
    last: dict[int, int] = dict.fromkeys(order, -1)
    resolved: list[Day] = []
    for index, day in enumerate(days):
        rest = not is_workday(day)
        away = {a.member_id for a in roster.absences if a.covers(day)}
        present = [p.member_id for p in people if p.member_id not in away]
        needs_leader = roster.needs_leader and not rest
        plan = roster.plans.get(day)
        layer = None if plan is not None else layer_for(roster.layers, day, rest)
        if plan is not None:
            # A plan names people; one taken off the roster since is not on duty (nor known to the month).
            slots = [Slot(m, SlotSource.HOLIDAY_PLAN) for m in plan.member_ids if m in order and m not in away]
            resolved.append(Day(day, rest, plan.hours, 0, needs_leader, slots, "plan"))
        elif layer is None:
            resolved.append(Day(day, rest, "", 0, needs_leader, [], must_cover=roster.every_day))
            continue
        elif layer.everyone:
            slots = [Slot(m, SlotSource.EVERYONE) for m in present]
            resolved.append(Day(day, rest, layer.hours, layer.people_per_day, needs_leader, slots, layer.days))
        else:
            counter = rest_count if rest else total

            def fairness(m: int, counter: dict[int, int] = counter) -> tuple[int, int, int, int]:
                return (counter[m], total[m], last[m], order[m])

            ranked = sorted(present, key=fairness)
            chosen = ranked[: layer.people_per_day]
            if needs_leader and chosen and not leaders.intersection(chosen):
                # A reception day needs a leader: the fairest leader takes the last place.
                spare = [m for m in ranked if m in leaders]
                if spare:
                    chosen[-1] = spare[0]
            slots = [Slot(m, SlotSource.ROTATION) for m in chosen]
            resolved.append(Day(day, rest, layer.hours, 0, needs_leader, slots, layer.days))
        for slot in resolved[-1].slots:
            if slot.member_id in total:
                total[slot.member_id] += 1
                rest_count[slot.member_id] += rest
                last[slot.member_id] = index
    rebalance(resolved, people, steady(people, roster.absences, days[0], days[-1]))
    return apply_moves(resolved, roster.moves)


def steady(people: Sequence[Person], absences: Iterable[Absence], first: date, last: date) -> list[int]:
    """The people on no leave in [first, last]: those whose duty days should come out even."""
    away = {a.member_id for a in absences if a.start <= last and a.end >= first}
    return [p.member_id for p in people if p.member_id not in away]


COUNTED = (SlotSource.ROTATION, SlotSource.HOLIDAY_PLAN)


def rebalance(days: list[Day], people: Sequence[Person], even: Sequence[int]) -> None:
    """Greedy day by day can end a month with duty days two apart (6/6/5/5/4: the rest-day counter wins on
    rest days). Move working-day rotation duties from the most loaded to the least loaded of `even` until all
    are within one; rest-day duties are not moved, so their balance stays. Each move takes the day that keeps
    the receiver's duty days furthest apart (earliest on a tie): deterministic, and spread over the month."""
    if len(even) < 2:
        return
    order = {m: i for i, m in enumerate(even)}
    leaders = {p.member_id for p in people if p.is_leader}
    counts = dict.fromkeys(even, 0)
    for day in days:
        for slot in day.slots:
            if slot.member_id in counts and slot.source in COUNTED:
                counts[slot.member_id] += 1
    # Each move lowers the sum of squared counts, so the loop ends; the bound is a guard.
    for _round in range(len(days) * len(even)):
        move = _best_move(days, counts, order, leaders)
        if move is None:
            return
        index, giver, taker = move
        day = days[index]
        day.slots = [Slot(taker, SlotSource.ROTATION) if s.member_id == giver else s for s in day.slots]
        counts[giver] -= 1
        counts[taker] += 1


def _best_move(
    days: list[Day], counts: dict[int, int], order: dict[int, int], leaders: set[int]
) -> tuple[int, int, int] | None:
    """(day index, giver, taker) for the most loaded giver and least loaded taker that can trade a day."""
    givers = sorted(counts, key=lambda m: (-counts[m], order[m]))
    takers = sorted(counts, key=lambda m: (counts[m], order[m]))
    for giver in givers:
        for taker in takers:
            if counts[giver] - counts[taker] <= 1:
                break
            candidates = [i for i, day in enumerate(days) if _movable(day, giver, taker, leaders)]
            if candidates:
                mine = [i for i, day in enumerate(days) if any(s.member_id == taker for s in day.slots)]

                def spacing(i: int, mine: list[int] = mine) -> tuple[int, int]:
                    return (min((abs(i - j) for j in mine), default=len(days)), -i)

                return max(candidates, key=spacing), giver, taker
    return None


def _movable(day: Day, giver: int, taker: int, leaders: set[int]) -> bool:
    """Whether `giver`'s rotation duty on a working `day` can go to `taker` without leaving it leaderless."""
    if day.rest:
        return False
    on = {s.member_id for s in day.slots}
    if taker in on or not any(s.member_id == giver and s.source == SlotSource.ROTATION for s in day.slots):
        return False
    if day.needs_leader and giver in leaders and taker not in leaders:
        return bool(leaders & (on - {giver}))
    return True


def apply_moves(days: list[Day], moves: Iterable[Move]) -> list[Day]:
    by_date = {d.date: d for d in days}

    def hand_over(day: date | None, giver: int, taker: int, source: str) -> None:
        found = by_date.get(day) if day else None
        if found is None or giver not in {s.member_id for s in found.slots}:
            return
        kept = [s for s in found.slots if s.member_id != giver]
        if taker not in {s.member_id for s in kept}:
            kept.append(Slot(taker, source))
        found.slots = kept

    for move in moves:
        source = SlotSource.SWAP if move.kind == ChangeKind.SWAP else SlotSource.SUBSTITUTE
        if move.kind == ChangeKind.SWAP:
            # Both halves from the roster before the swap, so a person does not end up on both days.
            hand_over(move.day, move.member_id, move.colleague_id, source)
            hand_over(move.other_day, move.colleague_id, move.member_id, source)
        else:
            hand_over(move.day, move.member_id, move.colleague_id, source)
    return days


@dataclass(frozen=True)
class Finding:
    """Something wrong with a resolved month: a gap, a short Monday, a day without a leader, an imbalance."""

    code: str
    date: date | None
    member_id: int | None = None
    detail: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "date": self.date.isoformat() if self.date else None,
            "member": self.member_id,
            "detail": self.detail,
        }


GAP, SHORT, NO_LEADER, IMBALANCE = "gap", "short", "no_leader", "imbalance"


def day_problems(day: Day, leaders: set[int]) -> list[Finding]:
    found: list[Finding] = []
    present = {s.member_id for s in day.slots}
    if not present and day.must_cover:
        found.append(Finding(GAP, day.date))
    elif day.required and len(present) < day.required:
        found.append(Finding(SHORT, day.date, detail=day.required - len(present)))
    if day.needs_leader and present and not leaders & present:
        found.append(Finding(NO_LEADER, day.date))
    return found


def check_month(days: Sequence[Day], people: Sequence[Person], absences: Sequence[Absence] = ()) -> list[Finding]:
    """Gaps, short Mondays, reception days without a leader, and people more than one duty day (or rest-day
    duty) off the others' (Grafana OnCall's quality idea, in whole days)."""
    leaders = {p.member_id for p in people if p.is_leader}
    findings = [f for day in days for f in day_problems(day, leaders)]
    month = [d.date for d in days]
    even = steady(people, absences, min(month), max(month)) if month else []
    for rest_only in (False, True):
        counts = dict.fromkeys(even, 0)
        for day in days:
            if rest_only and not day.rest:
                continue
            for slot in day.slots:
                if slot.member_id in counts and slot.source != SlotSource.EVERYONE:
                    counts[slot.member_id] += 1
        if len(counts) > 1 and max(counts.values()) - min(counts.values()) > 1:
            low = min(counts.values())
            for member_id, count in counts.items():
                if count - low > 1:
                    findings.append(Finding(IMBALANCE + ("_rest" if rest_only else ""), None, member_id, count - low))
    return findings
