from datetime import date, datetime

from ninja import Schema
from pydantic import Field, create_model

from bianmin.reports.figures import REGISTRY
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


# Every figure of the registry (`bianmin.reports.figures`), in the statistical table's order: a count, or a rate
# or an average (None where its whole is 0).
FiguresOut: type[Schema] = create_model(  # type: ignore[call-overload]
    "FiguresOut",
    __base__=Schema,
    **{
        figure.name: (int if figure.counted else float | None, Field(description=figure.description))
        for figure in REGISTRY
    },
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
