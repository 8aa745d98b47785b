"""The working-day calendar under /api/v1/calendar/: day status, deadline arithmetic, coverage warnings."""

from datetime import date, timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.params import Query
from pydantic import Field

from bianmin.errors import InvalidInput, error_responses
from bianmin.schemas import SaneDate
from bianmin.workdays.calendar import BUNDLED_YEARS, MAX_WORKDAYS
from bianmin.workdays.models import CalendarOverride, HolidaySchedule
from bianmin.workdays.services import current_calendar, schedule_warning

router = Router(tags=["calendar"])
MAX_RANGE_DAYS = 400


class DayOut(Schema):
    date: date
    is_workday: bool
    source: str = Field(description="official (bundled State Council data), override, or weekdays_only (no data)")
    note: str


class DaysOut(Schema):
    days: list[DayOut]
    warning: str | None


class AddWorkdaysOut(Schema):
    start: date
    workdays: int
    result: date
    warning: str | None


class StatusOut(Schema):
    official_years: list[int] = Field(description="Years whose schedule the bundled calendar carries.")
    entered_years: list[int] = Field(description="Years whose schedule an administrator entered.")
    missing_years: list[int] = Field(description="This year and next, if either has no schedule.")
    warning: str | None


@router.get(
    "/days", response={200: DaysOut, **error_responses(400)}, summary="Working days and days off in a date range"
)
def days(request: HttpRequest, start: SaneDate, end: SaneDate) -> DaysOut:
    if end < start or (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput({"end": _("End must be on or after start, at most 400 days later.")})
    calendar = current_calendar()
    notes = dict(CalendarOverride.objects.filter(date__range=(start, end)).values_list("date", "note"))
    out = []
    day = start
    while day <= end:
        out.append(
            DayOut(date=day, is_workday=calendar.is_workday(day), source=calendar.source(day), note=notes.get(day, ""))
        )
        day += timedelta(days=1)
    return DaysOut(days=out, warning=schedule_warning(start, end))


class AddWorkdaysIn(Schema):
    start: SaneDate
    workdays: int = Field(ge=0, le=MAX_WORKDAYS)


@router.get(
    "/add-workdays",
    response={200: AddWorkdaysOut, **error_responses()},
    summary="The date N working days after a start date",
)
def add(request: HttpRequest, params: Query[AddWorkdaysIn]) -> AddWorkdaysOut:
    result = current_calendar().add_workdays(params.start, params.workdays)
    return AddWorkdaysOut(
        start=params.start, workdays=params.workdays, result=result, warning=schedule_warning(params.start, result)
    )


@router.get("/status", response={200: StatusOut, **error_responses()}, summary="Which years have an official schedule")
def status(request: HttpRequest) -> StatusOut:
    today = timezone.localdate()
    this_year_to_next = (today, date(today.year + 1, 12, 31))
    calendar = current_calendar()
    return StatusOut(
        official_years=sorted(BUNDLED_YEARS),
        entered_years=sorted(HolidaySchedule.objects.values_list("year", flat=True)),
        missing_years=calendar.missing_years(*this_year_to_next),
        warning=schedule_warning(*this_year_to_next),
    )
