"""The calendar as the platform uses it: bundled data plus administrator overrides, cached per worker."""

from __future__ import annotations

import time
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.org.choices import UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths
from bianmin.org.services import audit
from bianmin.workdays.calendar import BUNDLED_YEARS, WorkCalendar
from bianmin.workdays.models import CalendarOverride, HolidaySchedule

CALENDAR_LEVELS = (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY)
_cached: tuple[float, WorkCalendar] | None = None


def current_calendar() -> WorkCalendar:
    """The calendar with overrides, re-read from the database at most every CALENDAR_CACHE_SECONDS."""
    global _cached
    now = time.monotonic()
    if _cached is None or now - _cached[0] > settings.CALENDAR_CACHE_SECONDS:
        overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
        declared = frozenset(HolidaySchedule.objects.values_list("year", flat=True))
        _cached = (now, WorkCalendar(overrides, declared))
    return _cached[1]


def invalidate_calendar() -> None:
    global _cached
    _cached = None


def is_workday(day: date) -> bool:
    return current_calendar().is_workday(day)


def add_workdays(start: date, n: int) -> date:
    return current_calendar().add_workdays(start, n)


def workdays_between(a: date, b: date) -> int:
    return current_calendar().workdays_between(a, b)


def missing_years(a: date, b: date) -> list[int]:
    return current_calendar().missing_years(a, b)


def schedule_warning(a: date, b: date) -> str | None:
    """A message for every page and API answer whose dates fall in a year with no official schedule."""
    years = missing_years(a, b)
    if not years:
        return None
    return _(
        "The official holiday schedule for %(years)s has not been entered: working days in it are counted "
        "as Monday to Friday and deadlines may be wrong. An administrator must enter the schedule."
    ) % {"years": "、".join(str(y) for y in years)}


def _check_actor(actor: User | None) -> None:
    # One calendar serves the whole installation: set by superusers and by administrators of a county
    # (or a city or province), the level whose IT office runs the platform.
    if actor is None:
        return
    paths = scope_paths(actor, Permission.CALENDAR_CHANGE)
    if paths is None:
        return
    if not Unit.objects.filter(path__in=paths, kind__in=CALENDAR_LEVELS).exists():
        raise PermissionDenied(gettext_lazy("Only an administrator of the county or above may change the calendar."))


def may_change_calendar(user: User) -> bool:
    """Whether `user` is one of those who keep the calendar (and so should hear that a year is missing)."""
    if scope_paths(user, Permission.CALENDAR_CHANGE) == []:
        return False
    try:
        _check_actor(user)
    except PermissionDenied:
        return False
    return True


def set_override(*, actor: User | None, day: date, is_workday: bool, note: str = "") -> CalendarOverride:
    _check_actor(actor)
    with transaction.atomic():
        row, _created = CalendarOverride.objects.update_or_create(
            date=day, defaults={"is_workday": is_workday, "note": note.strip(), "updated_by": actor}
        )
        audit(actor, "calendar.override", row, date=day.isoformat(), is_workday=is_workday, note=note)
        transaction.on_commit(invalidate_calendar)
    return row


def remove_override(row: CalendarOverride, *, actor: User | None) -> None:
    _check_actor(actor)
    with transaction.atomic():
        audit(actor, "calendar.override_remove", row, date=row.date.isoformat())
        row.delete()
        transaction.on_commit(invalidate_calendar)


def declare_schedule(*, actor: User | None, year: int, source: str) -> HolidaySchedule:
    """Record that `year`'s official schedule has been entered in full as overrides."""
    _check_actor(actor)
    if year in BUNDLED_YEARS:
        raise InvalidInput({"year": gettext_lazy("The bundled official calendar already covers this year.")})
    if not source.strip():
        raise InvalidInput({"source": gettext_lazy("Name the notice the schedule comes from.")})
    with transaction.atomic():
        row, _created = HolidaySchedule.objects.update_or_create(
            year=year, defaults={"source": source.strip(), "entered_by": actor}
        )
        audit(actor, "calendar.declare_schedule", row, year=year, source=source)
        transaction.on_commit(invalidate_calendar)
    return row
