"""The KPI figures (DESIGN §5), each declared once: its name, the statistical table's heading, what the API says
of it, and how it is had — counted by a condition of `Measures` (over the cases, or over the applications among
them), or computed from two counts (a rate in percent, an average). The engine counts the counted ones, and the
API's schema, its answers, the dashboard, the wall screen, the Excel table and the oracle test all read this
list; a new figure is one line here and its condition (or its two counts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Source(StrEnum):
    CASES = "cases"  # a condition of `Measures` counted over the cases (one GROUP BY)
    APPLICATIONS = "applications"  # counted over the applications among them (`Measures.application_aggregates`)
    RATE = "rate"  # part ÷ whole, in percent, one decimal, truncated (5804 of 5834 → 99.4)
    AVERAGE = "average"  # part ÷ whole, one decimal, truncated


def truncated_percent(part: int, whole: int) -> Decimal | None:
    """A rate in percent with one decimal, truncated, never rounded up: 5804 of 5834 → 99.4; 1 of 4 → 25.0."""
    if whole == 0:
        return None
    return Decimal(part * 1000 // whole).scaleb(-1)


def truncated_ratio(count: int, per: int) -> Decimal | None:
    """An average with one decimal, truncated like the rates: 5 trips over 3 applications → 1.6."""
    if per == 0:
        return None
    return (Decimal(count) / Decimal(per)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Figure:
    name: str
    heading: str | Promise  # the statistical table's column ("" : not a column of the table)
    description: str
    source: Source
    part: str = ""
    whole: str = ""

    @property
    def counted(self) -> bool:
        return self.source in (Source.CASES, Source.APPLICATIONS)

    def value(self, counts: Mapping[str, int]) -> int | Decimal | None:
        """The figure from the counted figures `counts` (by name)."""
        if self.counted:
            return counts[self.name]
        part, whole = counts[self.part], counts[self.whole]
        return truncated_percent(part, whole) if self.source == Source.RATE else truncated_ratio(part, whole)


def _count(name: str, heading: str | Promise, description: str, source: Source = Source.CASES) -> Figure:
    return Figure(name, heading, description, source)


def _rate(name: str, heading: str | Promise, description: str, part: str, whole: str) -> Figure:
    return Figure(name, heading, description, Source.RATE, part, whole)


# In the order of the government's statistical table; the application figures, then the village system's.
REGISTRY: tuple[Figure, ...] = (
    _count("accepted", _("Accepted"), "受理: accepted (not refused, withdrawn before acceptance or merged)."),
    _count("transferred", _("Transferred"), "转办: accepted cases transferred at least once."),
    _count("supervised", _("Supervised"), "督办: accepted cases supervised at least once."),
    _count(
        "completed",
        pgettext_lazy("statistics", "Completed"),
        "办结: completed or later; a reopened case once completed again.",
    ),
    _rate(
        "completion_rate",
        _("Completion rate (%)"),
        "办结率 in percent, one decimal, truncated (99.4).",
        "completed",
        "accepted",
    ),
    _count("completed_on_time", _("Completed on time"), "Completed by the deadline (of a reopened case, the last)."),
    _rate(
        "on_time_rate",
        _("On-time rate (%)"),
        "按时办结率: completed on time ÷ completed, percent.",
        "completed_on_time",
        "completed",
    ),
    _count("rated", _("Rated"), "Rated, less ratings removed by an upheld appeal."),
    _count("satisfied", _("Satisfied"), "Rated in the satisfied levels (非常满意, 满意, 基本满意 by default)."),
    _rate("satisfaction_rate", _("Satisfaction rate (%)"), "满意率: satisfied ÷ rated, percent.", "satisfied", "rated"),
    _count("overdue", _("Overdue"), "Open, clock running, past the deadline at as_of."),
    _count(
        "applications_received",
        _("Applications received"),
        "办件 申请: applications received (filed) in the period.",
        Source.APPLICATIONS,
    ),
    _count(
        "applications_accepted",
        _("Applications accepted"),
        "办件 受理: applications accepted (including by law on receipt).",
        Source.APPLICATIONS,
    ),
    _count(
        "applications_completed",
        _("Applications completed"),
        "办件 办结: applications decided (approved or denied).",
        Source.APPLICATIONS,
    ),
    _rate(
        "application_completion_rate",
        "",
        "applications_completed ÷ applications_accepted, percent.",
        "applications_completed",
        "applications_accepted",
    ),
    _count(
        "applications_on_time",
        _("Within the promised limit"),
        "Completed applications decided within the promised limit.",
        Source.APPLICATIONS,
    ),
    _rate(
        "application_on_time_rate",
        _("On-time rate, promised limit (%)"),
        "承诺时限按时办结率: applications_on_time ÷ applications_completed, percent.",
        "applications_on_time",
        "applications_completed",
    ),
    _count(
        "applications_within_legal_limit",
        _("Within the legal limit"),
        "Completed applications decided within the legal limit (法定时限).",
        Source.APPLICATIONS,
    ),
    _rate(
        "application_legal_on_time_rate",
        _("On-time rate, legal limit (%)"),
        "法定时限按时办结率: applications_within_legal_limit ÷ applications_completed, percent.",
        "applications_within_legal_limit",
        "applications_completed",
    ),
    _count(
        "applications_online",
        _("Filed online"),
        "Applications filed online (web or mobile).",
        Source.APPLICATIONS,
    ),
    _rate(
        "application_online_share",
        _("Online share (%)"),
        "网上申请率: applications_online ÷ applications_received, percent.",
        "applications_online",
        "applications_received",
    ),
    _count(
        "application_trips",
        "",
        "跑动次数: the trips of the completed applications' applicants.",
        Source.APPLICATIONS,
    ),
    Figure(
        "application_average_trips",
        _("Average trips"),
        "平均跑动次数: application_trips ÷ applications_completed, one decimal, truncated.",
        Source.AVERAGE,
        "application_trips",
        "applications_completed",
    ),
    _count(
        "applications_one_trip",
        "",
        "最多跑一次: completed applications with at most one trip.",
        Source.APPLICATIONS,
    ),
    _rate(
        "application_one_trip_share",
        _("At most one trip (%)"),
        "最多跑一次率: applications_one_trip ÷ applications_completed, percent.",
        "applications_one_trip",
        "applications_completed",
    ),
    _count(
        "village_handled",
        _("Handled at villages"),
        "不出村 办理: accepted applications filed at or on behalf of a village (village hall, 代办); where the "
        "administrator counts them (VILLAGE_FIGURES_COUNT_CERTIFICATIONS), also the pension certifications "
        "done at a village hall or by a home visit.",
        Source.APPLICATIONS,
    ),
    _count(
        "village_completed",
        _("Completed at villages"),
        "不出村 办结: those of them completed (a certification: passed).",
        Source.APPLICATIONS,
    ),
    _rate(
        "village_completion_rate",
        "",
        "village_completed ÷ village_handled, percent.",
        "village_completed",
        "village_handled",
    ),
)
BY_NAME = {figure.name: figure for figure in REGISTRY}
# The counted figures, by where they are counted; every other figure is computed from two of them.
CASE_COUNTS = tuple(f.name for f in REGISTRY if f.source == Source.CASES)
APPLICATION_COUNTS = tuple(f.name for f in REGISTRY if f.source == Source.APPLICATIONS)
COUNTED = CASE_COUNTS + APPLICATION_COUNTS
TABLE = tuple(f for f in REGISTRY if f.heading)  # the statistical table's columns, in order
