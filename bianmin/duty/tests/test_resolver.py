"""The resolved roster over October 2026: National Day (1–7 October, Monday the 5th a holiday) and the make-up
working Saturday of 10 October, on the official calendar."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from bianmin.duty import resolver, services
from bianmin.duty.choices import SlotSource
from bianmin.duty.errors import DutyError
from bianmin.duty.models import DutyDay
from bianmin.duty.tests.factories import rosters
from bianmin.errors import Conflict

OCTOBER = date(2026, 10, 1)
pytestmark = pytest.mark.django_db


def by_day(place_id: int) -> dict[date, list[DutyDay]]:
    days: dict[date, list[DutyDay]] = {}
    for row in DutyDay.objects.filter(place_id=place_id, date__range=(OCTOBER, date(2026, 10, 31))):
        days.setdefault(row.date, []).append(row)
    return days


def test_october_national_day_and_make_up_saturday(county):
    # Given 浣花村's hall with five cadres and the source's three layers, resolved for October 2026
    r = rosters(county, months=[OCTOBER])
    days = by_day(r.hall.pk)
    everyone = {m.pk for m in r.cadres}
    # Then every working Monday has everyone in
    for monday in (date(2026, 10, 12), date(2026, 10, 19), date(2026, 10, 26)):
        assert {d.member_id for d in days[monday]} == everyone
        assert {d.source for d in days[monday]} == {SlotSource.EVERYONE}
    # and Monday 5 October, a holiday, requires nobody: one person on the rest-day rotation covers it
    assert len(days[date(2026, 10, 5)]) == 1
    assert days[date(2026, 10, 5)][0].rest_day
    # and the make-up Saturday (10 October) is a working day with one person on the working-day rotation
    assert len(days[date(2026, 10, 10)]) == 1 and not days[date(2026, 10, 10)][0].rest_day
    # and every day of the month is covered
    assert len(days) == 31
    # and the rotation is fair: duty days and rest-day duties differ by at most one between people
    rotation = Counter(d.member_id for rows in days.values() for d in rows if d.source == SlotSource.ROTATION)
    rest = Counter(d.member_id for rows in days.values() for d in rows if d.rest_day)
    assert max(rotation.values()) - min(rotation.values()) <= 1
    assert set(rest) == everyone and max(rest.values()) - min(rest.values()) <= 1
    # and the check finds nothing wrong
    assert services.check_month(r.hall, OCTOBER) == []


def test_the_reception_room_has_a_leader_on_every_working_day(county):
    r = rosters(county, months=[OCTOBER])
    days = by_day(r.room.pk)
    assert date(2026, 10, 10) in days  # the make-up Saturday
    assert date(2026, 10, 3) not in days  # a holiday: no reception
    assert all(rows[0].is_leader for rows in days.values())
    # and its closed rest days are not gaps: the month publishes without a reason
    assert services.check_month(r.room, OCTOBER) == []


def test_resolving_is_deterministic_and_skips_people_on_leave():
    people = [resolver.Person(i, f"p{i}", "委员", False, i) for i in range(1, 5)]
    layers = [resolver.Layer(1, "every_day", False, 1, "", 1)]
    leave = resolver.Absence(2, date(2026, 10, 1), date(2026, 10, 31))
    roster = resolver.Roster(people, layers, absences=[leave])

    def workday(day: date) -> bool:
        return day.weekday() < 5

    first = resolver.resolve_month(roster, OCTOBER, workday)
    assert [d.slots for d in first] == [d.slots for d in resolver.resolve_month(roster, OCTOBER, workday)]
    assert all(s.member_id != 2 for d in first for s in d.slots)


def test_a_year_without_the_official_schedule_is_refused_loudly(county):
    r = rosters(county)
    with pytest.raises(Conflict) as refused:
        services.check_month(r.hall, date(2027, 2, 1))
    assert refused.value.code == DutyError.CALENDAR_MISSING
    assert "2027" in str(refused.value.message)
