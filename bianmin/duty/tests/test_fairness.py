"""Properties of the resolver on the official calendar of 2025–2026, whatever the people and the month: it is
deterministic, it never puts anyone on leave on duty, an everyone-in Monday holds everyone present, and the
rotation stays even: the duty days of the people on no leave within one of each other (greedy day by day left
March 2025 with five people at 6/6/5/5/4, which hypothesis found: the resolver now rebalances), rest-day
duties within one when nobody is away, a reception working day always with a leader, and the month check
finds no imbalance."""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from bianmin.duty import resolver
from bianmin.duty.choices import DayRule, SlotSource
from bianmin.workdays.calendar import WorkCalendar

CALENDAR = WorkCalendar()
LAYERS = [
    resolver.Layer(1, DayRule.MONDAYS, True, 1, "", 2),
    resolver.Layer(2, DayRule.WORKING_DAYS, False, 1, "", 1),
    resolver.Layer(3, DayRule.REST_DAYS, False, 1, "", 1),
]


@settings(max_examples=150, deadline=None)
@given(
    people=st.integers(min_value=2, max_value=9),
    month=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 1)),
    away=st.one_of(st.none(), st.tuples(st.integers(0, 8), st.integers(1, 28), st.integers(0, 6))),
)
def test_rotation_is_fair_deterministic_and_skips_leave(people, month, away):
    staff = [resolver.Person(i, f"p{i}", "委员", False, i) for i in range(people)]
    absences = []
    if away is not None and away[0] < people:
        start = month.replace(day=away[1])
        end = min(start.replace(day=min(28, away[1] + away[2])), resolver.month_days(month)[-1])
        absences.append(resolver.Absence(away[0], start, end))
    roster = resolver.Roster(staff, LAYERS, absences=absences)
    days = resolver.resolve_month(roster, month, CALENDAR.is_workday)
    assert [d.slots for d in days] == [d.slots for d in resolver.resolve_month(roster, month, CALENDAR.is_workday)]
    for day in days:
        away_today = {a.member_id for a in absences if a.covers(day.date)}
        on = {s.member_id for s in day.slots}
        assert not on & away_today
        assert on  # every day covered: nobody is away long enough to empty a roster of two or more
        if day.rule == DayRule.MONDAYS:
            assert on == {p.member_id for p in staff} - away_today
    steady = resolver.steady(staff, absences, days[0].date, days[-1].date)
    rotation = Counter(s.member_id for d in days for s in d.slots if s.source == SlotSource.ROTATION)
    values = [rotation.get(m, 0) for m in steady]
    assert max(values) - min(values) <= 1, (rotation, month)
    assert not [f for f in resolver.check_month(days, staff, absences) if f.code == resolver.IMBALANCE]
    if not absences:
        rest = Counter(s.member_id for d in days if d.rest for s in d.slots)
        values = [rest.get(p.member_id, 0) for p in staff]
        assert max(values) - min(values) <= 1, (rest, month)


def test_march_2025_five_people_comes_out_even_and_spread():
    # Given the month hypothesis found greedy left at 6/6/5/5/4
    staff = [resolver.Person(i, f"p{i}", "委员", False, i) for i in range(5)]
    days = resolver.resolve_month(resolver.Roster(staff, LAYERS), date(2025, 3, 1), CALENDAR.is_workday)
    # Then everyone's duty days are within one, and nobody is on two days running
    counts = Counter(s.member_id for d in days for s in d.slots if s.source == SlotSource.ROTATION)
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    held = [{s.member_id for s in d.slots if s.source == SlotSource.ROTATION} for d in days]
    assert not any(a & b for a, b in pairwise(held))


@settings(max_examples=60, deadline=None)
@given(
    people=st.integers(min_value=2, max_value=6),
    leaders=st.integers(min_value=1, max_value=3),
    per_day=st.integers(min_value=1, max_value=2),
    month=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 1)),
)
def test_a_reception_room_keeps_a_leader_on_every_working_day_after_rebalancing(people, leaders, per_day, month):
    staff = [resolver.Person(i, f"p{i}", "副镇长", i < leaders, i) for i in range(max(people, per_day + 1))]
    layers = [resolver.Layer(1, DayRule.WORKING_DAYS, False, per_day, "", 1)]
    days = resolver.resolve_month(resolver.Roster(staff, layers, needs_leader=True), month, CALENDAR.is_workday)
    chiefs = {p.member_id for p in staff if p.is_leader}
    assert all(chiefs & {s.member_id for s in d.slots} for d in days if not d.rest)


def test_a_holiday_plan_naming_someone_taken_off_the_roster_leaves_them_out():
    # The plan was made with member 2 on 1 October; member 2 has since left the roster (only active people are
    # loaded): the day keeps the others the plan names (writing the month's rows looks each one up among the
    # roster's people, and failed on member 2).
    staff = [resolver.Person(i, f"p{i}", "委员", False, i) for i in (0, 1)]
    plan = resolver.Plan("全天", (1, 2))
    roster = resolver.Roster(staff, LAYERS, plans={date(2026, 10, 1): plan})
    days = resolver.resolve_month(roster, date(2026, 10, 1), CALENDAR.is_workday)
    assert [slot.member_id for slot in days[0].slots] == [1]
