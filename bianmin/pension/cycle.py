"""The certification cycle's calendar arithmetic: due dates, the month a suspension starts from, and the months
to back-pay or recover. Pure functions of dates, so hypothesis can check them (tests/test_cycle.py).

Benefits are paid by the month. A suspension takes effect from the first month after the grace ran out; the
month a pensioner is certified again is paid as usual and the suspended months before it are back-paid."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months, clamped at the month's end (2024-02-29 + 12 → 2025-02-28,
    2026-08-31 + 6 → 2027-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_on(last_certified: date, cycle_months: int) -> date:
    """When the next certification is due: the last successful one plus the scheme's cycle."""
    return add_months(last_certified, cycle_months)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return add_months(month_start(day), 1)


def suspension_deadline(due: date, grace_days: int) -> date:
    """The last day a pensioner may still be certified without being suspended."""
    return due + timedelta(days=grace_days)


def suspended_from(due: date, grace_days: int) -> date:
    """The first month without payment: the month after the one the grace ran out in (唐山: "suspend in the
    month after the window")."""
    return next_month(suspension_deadline(due, grace_days))


def months_between(start: date, end: date) -> int:
    """Whole months from `start`'s month to `end`'s month (0 for the same month; negative if `end` is before)."""
    return (end.year - start.year) * 12 + end.month - start.month


def back_pay_months(suspended_from_month: date, certified: date) -> int:
    """Months withheld before the month of the new certification (which is paid as usual); 0 if the pensioner
    was certified before the suspension took effect."""
    return max(0, months_between(suspended_from_month, certified))


def overpayment_months(ended: date, paid_through: date) -> int:
    """Months paid after entitlement ended: entitlement covers the month of the death (or move, sentence…),
    payments went on to `paid_through`'s month."""
    return max(0, months_between(ended, paid_through))
