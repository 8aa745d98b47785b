"""Deadlines derived from facts (DESIGN §4.3, §4.7): a start, a limit, pauses, extensions, the calendar.

A limit in working days runs from the next working day after the start and ends at the end of the
last day (Asia/Shanghai); calendar days likewise without the holiday calendar; hours run by the clock.
A limit of 0 working days (urgent) ends at the end of the start day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bianmin.cases.choices import CaseKind, DueWarning, LimitUnit, Urgency
from bianmin.workdays.calendar import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)

# DESIGN §4.3 defaults when a category carries no limit of its own.
KIND_LIMITS: dict[str, tuple[int, str]] = {
    CaseKind.CONSULTATION: (2, LimitUnit.WORKING_DAYS),
    CaseKind.HELP: (10, LimitUnit.WORKING_DAYS),
    CaseKind.SUGGESTION: (10, LimitUnit.WORKING_DAYS),
    CaseKind.COMPLAINT: (15, LimitUnit.WORKING_DAYS),
    CaseKind.REPORT: (15, LimitUnit.WORKING_DAYS),
    CaseKind.PETITION: (60, LimitUnit.CALENDAR_DAYS),  # 信访: handled within 60 days (+30 approved)
}
URGENT_LIMIT = (0, LimitUnit.WORKING_DAYS)  # 紧急: the same day


def default_limit(kind: str, urgency: str, category_limit: tuple[int | None, str]) -> tuple[int, str]:
    if urgency == Urgency.URGENT:
        return URGENT_LIMIT
    value, unit = category_limit
    if value is not None and unit:
        return value, unit
    return KIND_LIMITS[kind]


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=SHANGHAI)


def add_limit(start: datetime, value: int, unit: str, calendar: WorkCalendar) -> datetime:
    if unit == LimitUnit.HOURS:
        return start + timedelta(hours=value)
    if unit == LimitUnit.CALENDAR_DAYS:
        return end_of(local_date(start) + timedelta(days=value))
    return end_of(calendar.add_workdays(local_date(start), value))


def shift(due: datetime, amount: int, unit: str, calendar: WorkCalendar) -> datetime:
    """Move a deadline later by `amount` in the limit's unit (an extension, or the length of a pause)."""
    if amount <= 0:
        return due
    if unit == LimitUnit.HOURS:
        return due + timedelta(hours=amount)
    day = local_date(due)
    day = day + timedelta(days=amount) if unit == LimitUnit.CALENDAR_DAYS else calendar.add_workdays(day, amount)
    return datetime.combine(day, due.astimezone(SHANGHAI).time(), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Pause:
    started_at: datetime
    ended_at: datetime


def paused_amount(pause: Pause, unit: str, calendar: WorkCalendar) -> int:
    """How much of the limit a finished pause gives back: the working days, days or hours it spanned."""
    if unit == LimitUnit.HOURS:
        return int((pause.ended_at - pause.started_at).total_seconds() // 3600)
    start, end = local_date(pause.started_at), local_date(pause.ended_at)
    if unit == LimitUnit.CALENDAR_DAYS:
        return (end - start).days
    return calendar.workdays_between(start, end)


def due_at(
    base: datetime,
    base_set_at: datetime,
    unit: str,
    pauses: Iterable[Pause],
    extensions: Iterable[tuple[datetime, int]],
    calendar: WorkCalendar,
    extension_unit: str | None = None,
) -> datetime:
    """The deadline: the base, moved by the extensions and finished pauses since the base was set. A pause
    gives back its length in the limit's unit; an extension counts in `extension_unit` when it has one of
    its own (an application's is in working days, 行政许可法 第42条), else in the limit's unit."""
    extended = sum(n for at, n in extensions if at >= base_set_at)
    paused = sum(paused_amount(p, unit, calendar) for p in pauses if p.started_at >= base_set_at)
    if extension_unit is None or extension_unit == unit:
        return shift(base, extended + paused, unit, calendar)
    return shift(shift(base, paused, unit, calendar), extended, extension_unit, calendar)


def warning(due: datetime | None, now: datetime, *, paused: bool, calendar: WorkCalendar) -> DueWarning:
    """Red when overdue; yellow when due within one working day; paused clocks show no countdown."""
    if paused:
        return DueWarning.PAUSED
    if due is None:
        return DueWarning.NONE
    if now > due:
        return DueWarning.RED
    if calendar.workdays_between(local_date(now), local_date(due)) <= 1:
        return DueWarning.YELLOW
    return DueWarning.NORMAL
