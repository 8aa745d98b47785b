"""Working-day arithmetic on the official calendar (DESIGN §4.7).

The bundled `chinesecalendar` data gives holidays and make-up workdays (调休) for the years it covers;
administrator overrides win over it and extend it to new years. A year that neither covers is computed
as plain Monday–Friday *and reported* through `missing_years`, never silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

_ONE_DAY = timedelta(days=1)
BUNDLED_YEARS = frozenset(d.year for d in (*chinese_calendar.holidays, *chinese_calendar.workdays))
# No legal time limit is anywhere near this; a larger request is a bug or an attack, not a deadline.
MAX_WORKDAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    overrides: Mapping[date, bool] = field(default_factory=dict)
    declared_years: frozenset[int] = frozenset()
    # Answers already worked out (chinese_calendar costs ~35 µs a day; a 15-working-day limit asks ~20
    # days on every intake and action). The calendar is immutable, so its answers never go stale.
    _known: dict[date, bool] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def has_schedule(self, year: int) -> bool:
        return year in BUNDLED_YEARS or year in self.declared_years

    def is_workday(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override
        if day.year in BUNDLED_YEARS:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after `start` (counting from the next day); `start` itself when n is 0."""
        if not 0 <= n <= MAX_WORKDAYS:
            raise ValueError(f"n must be between 0 and {MAX_WORKDAYS}, got {n}")
        day, remaining = start, n
        while remaining:
            day += _ONE_DAY
            if self.is_workday(day):
                remaining -= 1
            elif (day - start).days > 3 * MAX_WORKDAYS:
                raise ValueError("no working days found: the calendar's overrides mark every day off")
        return day

    def workdays_between(self, a: date, b: date) -> int:
        """Working days in (a, b]: how many working days pass from a to b; negative when b is before a."""
        if b < a:
            return -self.workdays_between(b, a)
        count, day = 0, a
        while day < b:
            day += _ONE_DAY
            count += self.is_workday(day)
        return count

    def next_workday(self, day: date) -> date:
        """`day` if it is a working day, else the first working day after it."""
        return day if self.is_workday(day) else self.add_workdays(day, 1)

    def missing_years(self, a: date, b: date) -> list[int]:
        low, high = min(a, b).year, max(a, b).year
        return [year for year in range(low, high + 1) if not self.has_schedule(year)]

    def source(self, day: date) -> str:
        if day in self.overrides:
            return "override"
        return "official" if day.year in BUNDLED_YEARS else "weekdays_only"
