"""The cycle's arithmetic: due dates across month ends and leap years, suspension months, back-pay and
overpayment months (hypothesis over every date of two centuries)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bianmin.pension import cycle

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))
months = st.integers(min_value=1, max_value=24)


def test_a_leap_day_is_due_at_the_end_of_february_next_year():
    assert cycle.due_on(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert cycle.due_on(date(2023, 2, 28), 12) == date(2024, 2, 28)
    assert cycle.due_on(date(2024, 2, 29), 48) == date(2028, 2, 29)


def test_month_ends_clamp_and_a_six_month_cycle():
    assert cycle.due_on(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert cycle.due_on(date(2026, 3, 31), 6) == date(2026, 9, 30)
    assert cycle.due_on(date(2026, 12, 15), 12) == date(2027, 12, 15)


@given(days, months)
def test_due_is_the_same_day_of_month_or_the_months_last(day, n):
    due = cycle.due_on(day, n)
    assert cycle.months_between(day, due) == n
    assert due.day == min(day.day, (cycle.next_month(due) - date.resolution).day)
    assert due > day


@given(days, months, months)
def test_due_dates_never_go_backwards(day, a, b):
    assert (cycle.due_on(day, a) <= cycle.due_on(day, b)) == (a <= b)


@given(days, st.integers(min_value=0, max_value=366))
def test_suspension_starts_on_the_first_of_the_month_after_the_grace(due, grace):
    start = cycle.suspended_from(due, grace)
    assert start.day == 1
    assert cycle.months_between(cycle.suspension_deadline(due, grace), start) == 1


def test_back_pay_counts_the_suspended_months_before_the_new_certification():
    # Due 2026-03-10, no grace: suspended from April; certified on 2026-07-02 → April, May, June back-paid.
    start = cycle.suspended_from(date(2026, 3, 10), 0)
    assert start == date(2026, 4, 1)
    assert cycle.back_pay_months(start, date(2026, 7, 2)) == 3
    assert cycle.back_pay_months(start, date(2026, 4, 20)) == 0
    assert cycle.back_pay_months(start, date(2026, 3, 31)) == 0


@given(days, days)
def test_back_pay_is_never_negative_and_adds_up(start, certified):
    start = cycle.month_start(start)
    assert cycle.back_pay_months(start, certified) == max(0, cycle.months_between(start, certified))


def test_overpayment_counts_the_months_paid_after_entitlement_ended():
    assert cycle.overpayment_months(date(2026, 3, 15), date(2026, 6, 1)) == 3  # April, May, June
    assert cycle.overpayment_months(date(2026, 6, 15), date(2026, 6, 1)) == 0
