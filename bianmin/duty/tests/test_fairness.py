"""Properties of the resolver on the official calendar of 2025–2026, whatever the people and the month: it is
deterministic, it never puts anyone on leave on duty, an everyone-in Monday holds everyone present, and the
rotation stays even: rest-day duties within one of each other, duty days within two (greedy day by day, the
two counts cannot always both be within one by the month's end: hypothesis found March 2025 with five people
at 6/6/5/5/4; the month check reports such a spread to the manager before publishing)."""

from __future__ import annotations

from collections import Counter
from datetime import date

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
    if not absences:
        rotation = Counter(s.member_id for d in days for s in d.slots if s.source == SlotSource.ROTATION)
        rest = Counter(s.member_id for d in days if d.rest for s in d.slots)
        for counts, spread in ((rotation, 2), (rest, 1)):
            values = [counts.get(p.member_id, 0) for p in staff]
            assert max(values) - min(values) <= spread, (counts, month)
