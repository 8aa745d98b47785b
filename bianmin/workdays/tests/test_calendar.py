"""Working-day arithmetic on the official calendar, with 调休, overrides and years without data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bianmin.workdays.calendar import BUNDLED_YEARS, WorkCalendar

OFFICIAL = WorkCalendar()
d = date.fromisoformat


# --- 2026 examples, checked by hand against the State Council's schedule --------------------------


@pytest.mark.parametrize(
    ("day", "is_workday"),
    [
        ("2026-01-04", True),  # Sunday, make-up workday for New Year
        ("2026-02-14", True),  # Saturday, make-up workday before Spring Festival
        ("2026-02-15", False),  # Spring Festival holiday starts
        ("2026-02-23", False),  # ... and ends (a Monday)
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday, make-up workday after Spring Festival
        ("2026-09-20", True),  # Sunday, make-up workday before National Day
        ("2026-10-01", False),
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),  # Saturday, make-up workday after National Day
        ("2026-10-11", False),  # an ordinary Sunday
    ],
)
def test_official_2026_days(day, is_workday):
    assert OFFICIAL.is_workday(d(day)) is is_workday


def test_counting_starts_on_the_next_day():
    assert OFFICIAL.add_workdays(d("2026-03-02"), 0) == d("2026-03-02")
    assert OFFICIAL.add_workdays(d("2026-03-02"), 1) == d("2026-03-03")


def test_spring_festival_a_friday_then_the_make_up_saturday_then_after_the_holiday():
    assert OFFICIAL.add_workdays(d("2026-02-13"), 1) == d("2026-02-14")
    assert OFFICIAL.add_workdays(d("2026-02-14"), 1) == d("2026-02-24")


def test_a_ten_working_day_grievance_filed_before_spring_festival():
    # 13, 14 (make-up), 24, 25, 26, 27, 28 (make-up), Mar 2, 3, 4
    assert OFFICIAL.add_workdays(d("2026-02-12"), 10) == d("2026-03-04")


def test_a_deadline_across_national_day_and_its_make_up_saturday():
    # Sep 30, Oct 8, Oct 9, Oct 10 (make-up Saturday), Oct 12
    assert OFFICIAL.add_workdays(d("2026-09-29"), 5) == d("2026-10-12")
    assert OFFICIAL.workdays_between(d("2026-09-30"), d("2026-10-10")) == 3
    assert OFFICIAL.add_workdays(d("2026-09-18"), 1) == d("2026-09-20")  # Sunday make-up workday


def test_a_year_without_data_is_reported_and_counted_as_weekdays():
    assert 2026 in BUNDLED_YEARS
    assert OFFICIAL.missing_years(d("2026-12-20"), d("2027-01-10")) == [2027]
    assert OFFICIAL.source(d("2027-01-01")) == "weekdays_only"
    assert OFFICIAL.is_workday(d("2027-01-01"))  # a Friday; wrong for New Year, hence the loud warning


def test_overrides_win_and_a_declared_year_is_no_longer_missing():
    cal = WorkCalendar({d("2027-01-01"): False, d("2026-10-11"): True}, frozenset({2027}))
    assert cal.add_workdays(d("2026-12-31"), 1) == d("2027-01-04")
    assert cal.is_workday(d("2026-10-11"))
    assert cal.missing_years(d("2027-01-01"), d("2027-12-31")) == []


def test_absurd_requests_are_refused():
    with pytest.raises(ValueError, match="n must be between 0 and"):
        OFFICIAL.add_workdays(d("2026-01-01"), -1)
    with pytest.raises(ValueError, match="n must be between 0 and"):
        OFFICIAL.add_workdays(d("2026-01-01"), 10**6)


# --- properties ----------------------------------------------------------------------------------

dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2029, 12, 31))
overrides = st.dictionaries(dates, st.booleans(), max_size=30)
counts = st.integers(min_value=0, max_value=120)


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    return WorkCalendar(draw(overrides), frozenset(draw(st.sets(st.integers(2027, 2029)))))


@settings(max_examples=300, deadline=None)
@given(calendars(), dates, counts)
def test_add_lands_on_the_nth_working_day(cal, start, n):
    result = cal.add_workdays(start, n)
    assert cal.workdays_between(start, result) == n
    if n > 0:
        assert result > start and cal.is_workday(result)
        assert cal.workdays_between(start, result - timedelta(days=1)) == n - 1  # the first such day
    else:
        assert result == start


@settings(max_examples=300, deadline=None)
@given(calendars(), dates, counts, counts)
def test_adding_in_two_steps_is_adding_once(cal, start, m, n):
    assert cal.add_workdays(cal.add_workdays(start, m), n) == cal.add_workdays(start, m + n)


@settings(max_examples=300, deadline=None)
@given(calendars(), dates, dates, dates)
def test_between_is_additive_and_antisymmetric(cal, a, b, c):
    a, b, c = sorted([a, b, c])
    c = min(c, a + timedelta(days=800))
    b = min(b, c)
    assert cal.workdays_between(a, b) + cal.workdays_between(b, c) == cal.workdays_between(a, c)
    assert cal.workdays_between(c, a) == -cal.workdays_between(a, c)


@settings(max_examples=200, deadline=None)
@given(calendars(), dates, dates, counts)
def test_a_later_start_never_gives_an_earlier_deadline(cal, s1, s2, n):
    s1, s2 = sorted([s1, s2])
    assert cal.add_workdays(s1, n) <= cal.add_workdays(s2, n)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2035, 12, 31)))
def test_without_data_or_overrides_a_day_is_a_weekday(day):
    assert OFFICIAL.is_workday(day) is (day.weekday() < 5)
