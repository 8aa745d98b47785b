"""Request and answer bodies of /api/v1/pension/."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from pydantic import ConfigDict, Field

from bianmin.pagination import MAX_OFFSET
from bianmin.pension.choices import Method, PensionList, Result, StopReason
from bianmin.schemas import Plain, SaneDate

IdNumber = Field(
    min_length=15, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$", description="居民身份证号码, 18 characters."
)


class PensionerFilters(Plain):
    list: PensionList = Field(PensionList.ALL, description="due (next 30 days), overdue, suspended, home_visit, all.")
    unit: str | None = Field(None, max_length=32, description="A village or township code in your scope.")
    q: str = Field("", max_length=50, description="The start of a name or of an identity number.")
    limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class PensionerItem(Plain):
    id: int
    name: str
    id_number: str = Field(description="Masked (500236********1234) for a reader who does not certify.")
    phone: str
    village: str
    village_code: str
    scheme: str
    status: str
    status_label: str
    needs_home_visit: bool
    last_certified_on: date | None
    due_on: date
    suspend_after: date = Field(description="The last day to be certified before the pension is suspended.")
    overdue_days: int
    suspended_from: date | None


class PensionerPage(Plain):
    items: list[PensionerItem]
    count: int


class CertificationItem(Plain):
    id: int
    method: Method
    method_label: str
    result: Result
    result_label: str
    failure_reason: str
    operator: str
    unit: str
    device_ref: str
    location: str
    certified_at: datetime
    has_photo: bool


class EventItem(Plain):
    kind: str
    kind_label: str
    from_status: str
    to_status: str
    effective_month: date | None
    months: int | None = Field(description="Back-pay months (resumed) or overpaid months (stopped).")
    reason: str
    reason_label: str = Field(description="Why the pension was stopped, in the reader's language.")
    note: str
    actor: str
    at: datetime


class PensionerDetail(PensionerItem):
    birth_date: date
    address: str
    assistant: str
    stop_reason: str
    stop_reason_label: str = Field(description="Why the pension was stopped, in the reader's language.")
    status_note: str
    cycle_months: int
    grace_days: int
    certifications: list[CertificationItem]
    events: list[EventItem]


class PensionerIn(Plain):
    model_config = ConfigDict(extra="forbid")

    village: str = Field(max_length=32, description="The village's code.")
    name: str = Field(min_length=1, max_length=50)
    id_number: str = IdNumber
    scheme: str = Field(max_length=20, description="The scheme's code, e.g. 170 (城乡居民基本养老保险).")
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    needs_home_visit: bool = False
    last_certified_on: SaneDate | None = None


class PensionerPatch(Plain):
    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)
    needs_home_visit: bool | None = None


class CertificationIn(Plain):
    model_config = ConfigDict(extra="forbid")

    method: Method
    result: Result = Result.PASSED
    failure_reason: str = Field("", max_length=200)
    device_ref: str = Field("", max_length=64, description="The terminal's reference; never biometric data.")
    location: str = Field("", max_length=100)
    at: datetime | None = Field(None, description="When (default: now).")
    unit: str | None = Field(
        None,
        max_length=32,
        description="The code of the unit where an in-person certification was done, such as a township's hall "
        "(default: the pensioner's village).",
    )


class HallCertificationIn(CertificationIn):
    id_number: str = IdNumber


class CertifiedOut(Plain):
    certification: CertificationItem
    pensioner: PensionerItem
    resumed: bool
    back_pay_months: int


class StopIn(Plain):
    model_config = ConfigDict(extra="forbid")

    reason: StopReason
    ended_on: SaneDate = Field(description="The day of the death, the move, the sentence…")
    note: str = Field("", max_length=200)


class StoppedOut(Plain):
    pensioner: PensionerItem
    overpayment_months: int


class SchemeOut(Plain):
    code: str
    name: str
    cycle_months: int
    grace_days: int


class ReportFilters(Plain):
    start: SaneDate
    end: SaneDate
    unit: str | None = Field(None, max_length=32)


class DayRow(Plain):
    day: date
    total: int
    passed: int


class MethodRow(Plain):
    method: Method
    label: str
    total: int
    passed: int


class UnitRow(Plain):
    code: str
    name: str
    total: int
    passed: int
    pensioners: int
    covered: int
    coverage: Decimal | None
    overdue: int
    suspended: int


class ReportOut(Plain):
    start: date
    end: date
    unit: str | None
    total: int = Field(description="Certifications recorded in the period.")
    passed: int
    days: int
    workdays: int
    daily_average: Decimal | None = Field(description="Per calendar day, one decimal, truncated.")
    daily_average_workdays: Decimal | None
    pensioners: int = Field(description="Not stopped, today.")
    covered: int = Field(description="Of them, certified within their cycle.")
    coverage: Decimal | None = Field(description="covered ÷ pensioners in percent, one decimal, truncated.")
    overdue: int
    suspended: int
    in_village: int = Field(description="Certified at a village's hall or by a home visit (不出村).")
    by_day: list[DayRow]
    by_method: list[MethodRow]
    by_village: list[UnitRow]
    by_township: list[UnitRow]
    warning: str | None


class ImportProblem(Plain):
    row: int
    column: str
    message: str


class ImportOut(Plain):
    written: bool = Field(description="False: the file had problems and nothing was changed.")
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    certified: int = Field(description="Later last-certification dates recorded as data comparisons.")
    problems: list[ImportProblem]
