"""Deadlines derived from facts (DESIGN §4.3, §4.7): a start, a limit, pauses, extensions, the calendar.

A limit in working days runs from the next working day after the start and ends at the end of the
last day (Asia/Shanghai); calendar days likewise without the holiday calendar; hours run by the clock.
A limit of 0 working days (urgent) ends at the end of the start day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from bianmin.cases.choices import CaseKind, DueWarning, LimitUnit, Urgency
from bianmin.workdays.calendar import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)

URGENT_LIMIT = (0, LimitUnit.WORKING_DAYS)  # 紧急: the same day


def kind_limit(kind: str) -> tuple[int, str]:
    """The default limit of a kind (settings.CASE_KIND_LIMITS, DESIGN §4.3): working days, except petitions
    (信访: handled within 60 calendar days of acceptance)."""
    unit = LimitUnit.CALENDAR_DAYS if kind == CaseKind.PETITION else LimitUnit.WORKING_DAYS
    return settings.CASE_KIND_LIMITS[kind], unit


def default_limit(kind: str, urgency: str, category_limit: tuple[int | None, str]) -> tuple[int, str]:
    if urgency == Urgency.URGENT:
        return URGENT_LIMIT
    value, unit = category_limit
    if value is not None and unit:
        return value, unit
    return kind_limit(kind)


def intake_limit(kind: str, accepted: bool, limit: tuple[int, str]) -> tuple[int, str]:
    """The limit the clock runs from intake: a petition registered but not yet accepted must be accepted or
    routed within 15 calendar days (信访工作条例 第24条); its handling limit runs from acceptance."""
    if kind == CaseKind.PETITION and not accepted:
        return settings.PETITION_ACCEPTANCE_DAYS, LimitUnit.CALENDAR_DAYS
    return limit


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
