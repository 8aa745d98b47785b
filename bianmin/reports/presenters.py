"""The engine's results as the API, the pages and the exports show them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.cases.choices import Rating
from bianmin.cases.sla import SHANGHAI
from bianmin.errors import InvalidInput
from bianmin.org.models import Unit, User
from bianmin.reports.figures import REGISTRY
from bianmin.reports.kpi import Basis, Figures, Group, KpiReport, Period, report_unit
from bianmin.reports.measures import RATING_LEVELS
from bianmin.reports.schemas import ReportQuery
from bianmin.workdays.services import schedule_warning

EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=SHANGHAI), datetime(2100, 12, 31, tzinfo=SHANGHAI)


def moment(as_of: datetime | None) -> datetime | None:
    """`as_of` as an aware moment (naive means Asia/Shanghai); None, or a moment not in the past, is the
    present, which the engine reads from the cases' own columns."""
    if as_of is None:
        return None
    if timezone.is_naive(as_of):
        as_of = as_of.replace(tzinfo=SHANGHAI)
    if not EARLIEST <= as_of <= LATEST:
        raise InvalidInput({"as_of": _("Choose a moment between 1900 and 2100.")})
    return None if as_of >= timezone.now() else as_of


def basis_arg(value: str | None) -> Basis | None:
    return Basis(value) if value else None


def report_args(user: User, query: ReportQuery) -> tuple[Unit, Period, dict[str, Any]]:
    """What every report reads from a request: the unit (within the caller's scope), the period, and the
    engine's options (as_of, basis)."""
    unit = report_unit(user, query.unit)
    return unit, Period(query.start, query.end), {"as_of": moment(query.as_of), "basis": basis_arg(query.basis)}


def rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures_body(figures: Figures) -> dict[str, Any]:
    """Every figure of the registry, counts as integers and rates and averages as numbers (None: no whole)."""
    body: dict[str, Any] = {}
    for figure in REGISTRY:
        value = figure.value(figures.counts)
        body[figure.name] = value if figure.counted else rate(value)  # type: ignore[arg-type]
    return body


def group_body(group: Group) -> dict[str, Any]:
    return {"key": group.key, "label": group.label, "kind": group.kind, **figures_body(group.figures)}


def unit_body(unit: Unit) -> dict[str, str]:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind}


def ratings_body(figures: Figures) -> list[dict[str, Any]]:
    return [
        {"rating": level, "label": str(Rating(level).label), "count": figures.ratings.get(level, 0)}
        for level in RATING_LEVELS
    ]


def kpi_body(report: KpiReport) -> dict[str, Any]:
    warning = schedule_warning(report.period.start, report.period.end)
    return {
        "unit": unit_body(report.unit),
        "basis": report.basis.value,
        "start": report.period.start,
        "end": report.period.end,
        "as_of": report.as_of,
        "calendar_days": report.calendar_days,
        "workdays": report.workdays,
        "daily_average": rate(report.daily_average),
        "daily_average_workdays": rate(report.daily_average_workdays),
        **figures_body(report.figures),
        "ratings": ratings_body(report.figures),
        "breakdown": [group_body(group) for group in report.breakdown],
        "departments": [group_body(group) for group in report.departments],
        "calendar_warning": str(warning) if warning else None,
    }
