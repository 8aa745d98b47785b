from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from bianmin.schemas import SaneDate


class ReportQuery(Schema):
    start: SaneDate = Field(description="First day of the period (Asia/Shanghai), YYYY-MM-DD.")
    end: SaneDate = Field(description="Last day of the period, included.")
    unit: str | None = Field(None, max_length=32, description="Unit code; default: the top of your scope.")
    as_of: datetime | None = Field(
        None,
        description="Figures as they stood at this moment (ISO 8601; default now). Naive times are Asia/Shanghai.",
    )
    basis: str | None = Field(
        None,
        pattern="^(origin|handling)$",
        description="origin: matters arising in the unit's area (default for regions); "
        "handling: matters its subtree handles now (default for departments).",
    )


class ReportUnit(Schema):
    code: str
    name: str
    kind: str


class FiguresOut(Schema):
    accepted: int = Field(description="受理: accepted (not refused, withdrawn before acceptance or merged).")
    transferred: int = Field(description="转办: accepted cases transferred at least once.")
    supervised: int = Field(description="督办: accepted cases supervised at least once.")
    completed: int = Field(description="办结: completed or later; a reopened case once completed again.")
    completed_on_time: int
    rated: int = Field(description="Rated, less ratings removed by an upheld appeal.")
    satisfied: int = Field(description="Rated 非常满意, 满意 or 基本满意.")
    overdue: int = Field(description="Open, clock running, past the deadline at as_of.")
    completion_rate: float | None = Field(description="办结率 in percent, one decimal, truncated (99.4).")
    on_time_rate: float | None = Field(description="按时办结率: completed on time ÷ completed, percent.")
    satisfaction_rate: float | None = Field(description="满意率: satisfied ÷ rated, percent.")
    applications_received: int = Field(description="办件 申请: applications received (filed) in the period.")
    applications_accepted: int = Field(description="办件 受理: applications accepted (including by law on receipt).")
    applications_completed: int = Field(description="办件 办结: applications decided (approved or denied).")
    applications_on_time: int = Field(description="Completed applications decided within the promised limit.")
    applications_within_legal_limit: int = Field(
        description="Completed applications decided within the legal limit (法定时限)."
    )
    applications_online: int = Field(description="Applications filed online (web or mobile).")
    application_trips: int = Field(description="跑动次数: the trips of the completed applications' applicants.")
    applications_one_trip: int = Field(description="最多跑一次: completed applications with at most one trip.")
    village_handled: int = Field(
        description="不出村 办理: accepted applications filed at or on behalf of a village (village hall, 代办)."
    )
    village_completed: int = Field(description="不出村 办结: those of them completed.")
    village_completion_rate: float | None = Field(description="village_completed ÷ village_handled, percent.")
    application_completion_rate: float | None = Field(
        description="applications_completed ÷ applications_accepted, percent."
    )
    application_on_time_rate: float | None = Field(
        description="承诺时限按时办结率: applications_on_time ÷ applications_completed, percent."
    )
    application_legal_on_time_rate: float | None = Field(
        description="法定时限按时办结率: applications_within_legal_limit ÷ applications_completed, percent."
    )
    application_online_share: float | None = Field(
        description="网上申请率: applications_online ÷ applications_received, percent."
    )
    application_average_trips: float | None = Field(
        description="平均跑动次数: application_trips ÷ applications_completed, one decimal, truncated."
    )
    application_one_trip_share: float | None = Field(
        description="最多跑一次率: applications_one_trip ÷ applications_completed, percent."
    )


class GroupOut(FiguresOut):
    key: str = Field(description="Unit code, category code, kind or channel.")
    label: str
    kind: str = Field("", description="For units: the unit's kind.")


class RatingCount(Schema):
    rating: int
    label: str
    count: int


class KpiOut(FiguresOut):
    unit: ReportUnit
    basis: str
    start: date
    end: date
    as_of: datetime
    calendar_days: int
    workdays: int
    daily_average: float | None = Field(description="日均: accepted ÷ calendar days elapsed in the period.")
    daily_average_workdays: float | None = Field(description="accepted ÷ working days elapsed.")
    ratings: list[RatingCount]
    breakdown: list[GroupOut] = Field(description="By child unit where matters arise (townships, streets …).")
    departments: list[GroupOut] = Field(
        description="A county's (city's, province's) departments by the cases they handle: a matter arises in a "
        "township, the department it is sent to handles it. Empty below that level or with basis=handling."
    )
    calendar_warning: str | None


class GroupsOut(Schema):
    unit: ReportUnit
    dimension: str
    groups: list[GroupOut]


class TrendPoint(FiguresOut):
    start: date = Field(description="First day of the bucket.")


class TrendOut(Schema):
    unit: ReportUnit
    bucket: str
    points: list[TrendPoint]


class ReportLevel(Schema):
    level: str
    label: str
    solved: int
    being_solved: int


class ReportAnalysisOut(Schema):
    unit: ReportUnit
    levels: list[ReportLevel]


class RectificationOut(Schema):
    """The 差评 loop for the period's cases, as it stands now (DESIGN §4.4)."""

    unit: ReportUnit
    bad_ratings: int = Field(description="Bad ratings (差评) that owe a rectification: less upheld appeals and 重办.")
    rectifications_open: int
    rectifications_overdue: int = Field(description="Open past the rectification deadline (RECTIFICATION_DAYS).")
    callbacks_owed: int = Field(description="Citizens not yet called back after their bad rating.")
    callbacks_overdue: int
    callback_rate: float | None = Field(description="Called back ÷ bad ratings, percent (the target is 100).")
