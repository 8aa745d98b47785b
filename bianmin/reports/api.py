"""Reports under /api/v1/reports: the KPI figures, breakdowns, trends and the three-level analysis, all
scoped to the caller's units and computed by the one engine (`bianmin.reports.kpi`)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from bianmin.errors import error_responses
from bianmin.org.api import actor
from bianmin.reports import kpi
from bianmin.reports.presenters import figures_body, group_body, kpi_body, report_args, unit_body
from bianmin.reports.schemas import GroupsOut, KpiOut, RectificationOut, ReportAnalysisOut, ReportQuery, TrendOut

router = Router(tags=["reports"])


class ByQuery(ReportQuery):
    dimension: kpi.Dimension = Field(description="category, kind or channel.")


class TrendQuery(ReportQuery):
    bucket: kpi.Bucket = Field(kpi.Bucket.DAY, description="day, week (from Monday) or month.")


def _args(request: HttpRequest, query: ReportQuery) -> tuple[Any, kpi.Period, dict[str, Any]]:
    return report_args(actor(request), query)


@router.get(
    "/reports/kpi",
    response={200: KpiOut, **error_responses(403)},
    summary="The KPI figures for a period and a unit, with the breakdown by child unit",
)
def kpi_report(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    unit, period, options = _args(request, query)
    return kpi_body(kpi.kpi_summary(unit, period, **options))


@router.get(
    "/reports/kpi/by",
    response={200: GroupsOut, **error_responses(403)},
    summary="The KPI figures by category, kind or channel",
)
def kpi_by(request: HttpRequest, query: Query[ByQuery]) -> dict[str, Any]:
    unit, period, options = _args(request, query)
    groups = kpi.kpi_by(unit, period, query.dimension, **options)
    return {"unit": unit_body(unit), "dimension": query.dimension.value, "groups": [group_body(g) for g in groups]}


@router.get(
    "/reports/trend",
    response={200: TrendOut, **error_responses(403)},
    summary="The KPI figures of the cases received each day, week or month",
)
def trend(request: HttpRequest, query: Query[TrendQuery]) -> dict[str, Any]:
    unit, period, options = _args(request, query)
    points = kpi.kpi_trend(unit, period, query.bucket, **options)
    return {
        "unit": unit_body(unit),
        "bucket": query.bucket.value,
        "points": [{"start": start, **figures_body(figures)} for start, figures in points],
    }


@router.get(
    "/reports/analysis",
    response={200: ReportAnalysisOut, **error_responses(403)},
    summary="Three-level analysis (三级研判): solved and being solved per level, for the period's cases",
)
def analysis(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    unit, period, options = _args(request, query)
    return {"unit": unit_body(unit), "levels": kpi.analysis_figures(unit, period, basis=options["basis"])}


@router.get(
    "/reports/rectification",
    response={200: RectificationOut, **error_responses(403)},
    summary="The 差评 loop: rectifications and callbacks owed for the period's cases, as they stand now",
)
def rectification(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    unit, period, options = _args(request, query)
    return {"unit": unit_body(unit), **kpi.rectification_figures(unit, period, basis=options["basis"])}
