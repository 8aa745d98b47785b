"""Dashboard pages (领导驾驶舱, the service center's wall screen) and Excel downloads. Every figure comes
from the KPI engine; every case listed comes through `Case.objects.restrict`."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from bianmin.cases.models import Case
from bianmin.cases.presenters import Presenter
from bianmin.errors import DomainError
from bianmin.org.choices import REGION_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import PATH_WIDTH, scope_paths
from bianmin.pension.reports import PensionReport, pension_report
from bianmin.reports import kpi
from bianmin.reports.exports import cases_workbook, kpi_workbook
from bianmin.reports.measures import Measures
from bianmin.reports.presenters import group_body, kpi_body, rate, ratings_body, report_args
from bianmin.reports.schemas import ReportQuery
from bianmin.workdays.services import schedule_warning

OVERDUE_SHOWN = 10


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 (login_required ran first)
    return request.user


def presets(today: date) -> list[tuple[str, date, date]]:
    """The period picker's shortcuts."""
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return [
        (_("This month"), today.replace(day=1), today),
        (_("This quarter"), quarter, today),
        (_("This year"), today.replace(month=1, day=1), today),
        (_("Last 30 days"), today - timedelta(days=29), today),
        (_("Last 12 months"), (today.replace(day=1) - timedelta(days=335)).replace(day=1), today),
    ]


def _query(request: HttpRequest) -> ReportQuery:
    """The period and unit from the address; a bad value is reported and replaced by this year so far."""
    today = timezone.localdate()
    raw = {k: v for k, v in request.GET.items() if v and k in ReportQuery.model_fields}
    raw.setdefault("start", today.replace(month=1, day=1).isoformat())
    raw.setdefault("end", today.isoformat())
    try:
        return ReportQuery.model_validate(raw)
    except ValidationError:
        messages.error(request, _("The period is not valid; showing this year so far."))
        fallback = {
            "start": today.replace(month=1, day=1),
            "end": today,
            "unit": request.GET.get("unit", "")[:32] or None,
        }
        return ReportQuery.model_validate(fallback)


def trend_bucket(period: kpi.Period) -> kpi.Bucket:
    days = (period.end - period.start).days + 1
    return kpi.Bucket.DAY if days <= 62 else kpi.Bucket.WEEK if days <= 200 else kpi.Bucket.MONTH


def _trail(unit: Unit, top: Unit) -> list[Unit]:
    """From the top of the caller's view down to `unit`, for the drill-down breadcrumb."""
    ancestors = [p for p in Unit.objects.filter(pk__in=_ancestor_ids(unit)).order_by("depth") if p.depth >= top.depth]
    return [*ancestors, unit]


def _ancestor_ids(unit: Unit) -> list[int]:
    # A path is the ancestors' ids, one fixed-width segment each, then the unit's own.
    return [int(unit.path[i : i + PATH_WIDTH]) for i in range(0, len(unit.path) - PATH_WIDTH, PATH_WIDTH)]


def _overdue(user: User, unit: Unit, period: kpi.Period, basis: kpi.Basis) -> list[dict[str, Any]]:
    """The most overdue cases the figure counts, of those the caller may see."""
    visible = Case.objects.restrict(user, Permission.CASE_VIEW).values("pk")
    cases = (
        kpi.cases_in(unit, period, basis)
        .filter(Measures(None).overdue(), pk__in=visible)
        .select_related("unit", "village", "category", "handler")
        .order_by("due_at")
    )
    presenter = Presenter(user)
    return [presenter.item(case) for case in cases[:OVERDUE_SHOWN]]


def _pension(user: User, unit: Unit, period: Any) -> PensionReport | None:
    """The pension certifications of the period beside the other figures (DESIGN §2.7), for those who may
    see them; the daily average is the source's "700 a day"."""
    if scope_paths(user, Permission.PENSION_VIEW) == []:
        return None
    return pension_report(user, period.start, period.end, unit=unit)


def _dashboard_context(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    query = _query(request)
    unit, period, options = report_args(user, query)
    report = kpi.kpi_summary(unit, period, **options)
    body = kpi_body(report)
    bucket = trend_bucket(period)
    trend = kpi.kpi_trend(unit, period, bucket, **options)
    overdue_rows = _overdue(user, unit, period, report.basis)
    top = kpi.report_unit(user, None)
    drillable = {g.key for g in report.breakdown if g.kind in REGION_KINDS and g.key != unit.code}
    chart: dict[str, Any] = {
        "trend": {
            "labels": [start.isoformat() for start, _f in trend],
            "accepted": [f.accepted for _s, f in trend],
            "completed": [f.completed for _s, f in trend],
            "satisfaction": [
                float(f.satisfaction_rate) if f.satisfaction_rate is not None else None for _s, f in trend
            ],
        },
        "ranking": [
            {"name": g.label, "accepted": g.figures.accepted, "completion_rate": rate(g.figures.completion_rate)}
            for g in report.ranked()
        ],
        "ratings": ratings_body(report.figures),
        "labels": {
            "accepted": _("Accepted"),
            "completed": _("Completed"),
            "satisfaction": _("Satisfaction rate (%)"),
            "completion_rate": _("Completion rate (%)"),
        },
    }
    pension = _pension(user, unit, period)
    if pension is not None:
        chart["pension"] = {
            "days": [row["day"].isoformat() for row in pension.by_day],
            "total": [row["total"] for row in pension.by_day],
        }
        chart["labels"]["pension"] = _("Certifications")
    return {
        "pension": pension,
        "report": body,
        "query": query,
        "unit": unit,
        "trail": _trail(unit, top) if unit.pk != top.pk else [unit],
        "presets": presets(timezone.localdate()),
        "bucket": bucket,
        # Regions always; other units (departments, the service center) only where matters arose with them.
        # Regions always; other units (the service center) only where matters arose with them. Those with too
        # few accepted cases to rank are listed apart.
        "breakdown": [group_body(g) for g in report.ranked()],
        "unranked": [
            group_body(g)
            for g in report.unranked()
            if g.kind in REGION_KINDS or g.figures.accepted or g.figures.overdue
        ],
        "ranking_minimum": settings.RANKING_MIN_ACCEPTED,
        "departments": [group_body(g) for g in report.ranked(report.departments)],
        "departments_unranked": [group_body(g) for g in report.unranked(report.departments) if g.figures.accepted],
        # The application figures by unit, where applications were filed.
        "application_rows": sorted(
            (g for g in body["breakdown"] if g["applications_received"]), key=lambda g: -g["applications_received"]
        ),
        "drillable": drillable,
        "overdue_rows": overdue_rows,
        "overdue_total": report.figures.overdue,
        "analysis": kpi.analysis_figures(unit, period, basis=options["basis"]),
        "rectification": kpi.rectification_figures(unit, period, basis=options["basis"]),
        "chart": chart,
        "params": request.GET.urlencode(),
        "calendar_warning": schedule_warning(period.start, period.end),
    }


def _render(request: HttpRequest, template: str) -> HttpResponse:
    try:
        context = _dashboard_context(request)
    except DomainError as exc:
        return render(request, "reports/unavailable.html", {"message": exc.describe()}, status=exc.status)
    return render(request, template, context)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return _render(request, "reports/dashboard.html")


@login_required
def wall(request: HttpRequest) -> HttpResponse:
    """The full-screen wall view (大屏) for the service center's display: refreshes itself every minute."""
    return _render(request, "reports/wall.html")


def _download(path: Path, filename: str) -> FileResponse:
    # The file was written to a temporary path and is streamed from disk; unlinking it now is safe on
    # POSIX (the open handle keeps it readable) and leaves nothing behind.
    handle = path.open("rb")
    path.unlink()
    return FileResponse(handle, as_attachment=True, filename=filename)


def _scratch(suffix: str) -> Path:
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as scratch:
        return Path(scratch.name)


@login_required
def kpi_xlsx(request: HttpRequest) -> HttpResponseBase:
    try:
        unit, period, options = report_args(_user(request), _query(request))
        report = kpi.kpi_summary(unit, period, **options)
    except DomainError as exc:
        return render(request, "reports/unavailable.html", {"message": exc.describe()}, status=exc.status)
    path = kpi_workbook(report, _scratch(".xlsx"))
    return _download(path, f"{unit.name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")


@login_required
def cases_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The period's cases of the unit (those the caller may see), optionally only the overdue ones."""
    user = _user(request)
    try:
        unit, period, options = report_args(user, _query(request))
    except DomainError as exc:
        return render(request, "reports/unavailable.html", {"message": exc.describe()}, status=exc.status)
    basis = options["basis"] or kpi.default_basis(unit)
    visible = Case.objects.restrict(user, Permission.CASE_VIEW).values("pk")
    cases = kpi.cases_in(unit, period, basis).filter(pk__in=visible)
    if request.GET.get("overdue") == "true":
        cases = cases.filter(Measures(None).overdue())
    path = _scratch(".xlsx")
    try:
        cases_workbook(cases, user, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _download(path, f"{unit.name}-{_('Cases')}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")
