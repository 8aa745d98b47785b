"""The pension figures for a period and a unit's subtree: certifications per day, per method, per village and
township, the daily average (the source's "700+ a day" for the county), coverage, overdue and suspended counts.
Each figure is one aggregate query; the pages, the API and the Excel export all call `pension_report`.

For the dashboard: `pension_report(user, start, end)` and its figures `daily_average`, `coverage`,
`overdue`, `suspended`, `by_day`; `in_village` counts those done at a village's hall or by a home visit, for
the "without leaving the village" figures of DESIGN §5 where the administrator counts them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_units
from bianmin.pension.choices import Method, PensionerStatus, Result
from bianmin.pension.models import Certification, Pensioner
from bianmin.reports.figures import truncated_percent, truncated_ratio
from bianmin.workdays.services import schedule_warning, workdays_between

MAX_DAYS = 366 * 3

PASSED = Q(result=Result.PASSED)
# Done without leaving the village (DESIGN §5): at a village's or community's hall, or by a home visit.
IN_VILLAGE = Q(method=Method.HOME_VISIT) | Q(unit__kind__in=PLACE_KINDS)


@dataclass
class PensionReport:
    start: date
    end: date
    unit: Unit | None
    total: int = 0
    passed: int = 0
    days: int = 0
    workdays: int = 0
    daily_average: Decimal | None = None
    daily_average_workdays: Decimal | None = None
    pensioners: int = 0
    covered: int = 0
    coverage: Decimal | None = None
    overdue: int = 0
    suspended: int = 0
    in_village: int = 0  # done at a village's hall or by a home visit: "without leaving the village" (DESIGN §5)
    by_day: list[dict[str, Any]] = field(default_factory=list)
    by_method: list[dict[str, Any]] = field(default_factory=list)
    by_village: list[dict[str, Any]] = field(default_factory=list)
    by_township: list[dict[str, Any]] = field(default_factory=list)
    warning: str | None = None


def _scoped(user: User | AnonymousUser, unit: Unit | None) -> Q:
    """The villages counted: those of the caller's scope, within `unit`'s subtree when one is given."""
    units = scope_units(user, Permission.PENSION_VIEW)
    q = Q() if units is None else Q(village_id__in=units)
    if unit is not None:
        q &= Q(village__in=Unit.objects.subtree(unit).values("id"))
    return q


def pension_report(
    user: User | AnonymousUser, start: date, end: date, unit: Unit | None = None, as_of: date | None = None
) -> PensionReport:
    """The figures over [start, end] (Asia/Shanghai dates) and, as of `as_of` (today), the register's state."""
    as_of = as_of or timezone.localdate()
    report = PensionReport(start, end, unit)
    where = _scoped(user, unit)
    certs = Certification.objects.filter(where, certified_on__gte=start, certified_on__lte=end).order_by()
    report.in_village = certs.filter(IN_VILLAGE).count()
    report.by_day = [
        {"day": row["certified_on"], "total": row["total"], "passed": row["passed"]}
        for row in certs.values("certified_on")
        .annotate(total=Count("id"), passed=Count("id", filter=PASSED))
        .order_by("certified_on")
    ]
    labels = dict(Method.choices)
    methods: dict[str, dict[str, Any]] = {
        row["method"]: dict(row)
        for row in certs.values("method").annotate(total=Count("id"), passed=Count("id", filter=PASSED))
    }
    report.by_method = [
        {
            "method": m,
            "label": str(labels[m]),
            "total": methods.get(m, {}).get("total", 0),
            "passed": methods.get(m, {}).get("passed", 0),
        }
        for m in Method.values
    ]
    villages: dict[int, dict[str, Any]] = {
        row["village_id"]: dict(row)
        for row in certs.values("village_id").annotate(total=Count("id"), passed=Count("id", filter=PASSED))
    }
    register = Pensioner.objects.filter(where).exclude(status=PensionerStatus.STOPPED).order_by()
    states: dict[int, dict[str, Any]] = {
        row["village_id"]: dict(row)
        for row in register.values("village_id").annotate(
            pensioners=Count("id"),
            covered=Count("id", filter=Q(due_on__gte=as_of)),
            overdue=Count("id", filter=Q(status=PensionerStatus.ACTIVE, due_on__lt=as_of)),
            suspended=Count("id", filter=Q(status=PensionerStatus.SUSPENDED)),
        )
    }
    names = {u.pk: u for u in Unit.objects.filter(pk__in=set(villages) | set(states)).select_related("parent")}
    townships: dict[int, dict[str, Any]] = {}
    for pk in sorted(names, key=lambda k: names[k].path):
        village = names[pk]
        row = {
            "code": village.code,
            "name": village.name,
            "township": village.parent.name if village.parent else "",
            "total": villages.get(pk, {}).get("total", 0),
            "passed": villages.get(pk, {}).get("passed", 0),
            "pensioners": states.get(pk, {}).get("pensioners", 0),
            "covered": states.get(pk, {}).get("covered", 0),
            "overdue": states.get(pk, {}).get("overdue", 0),
            "suspended": states.get(pk, {}).get("suspended", 0),
        }
        row["coverage"] = truncated_percent(row["covered"], row["pensioners"])
        report.by_village.append(row)
        parent = village.parent
        key = parent.pk if parent else pk
        town = townships.setdefault(
            key,
            {"code": parent.code if parent else village.code, "name": parent.name if parent else village.name}
            | {k: 0 for k in ("total", "passed", "pensioners", "covered", "overdue", "suspended")},
        )
        for k in ("total", "passed", "pensioners", "covered", "overdue", "suspended"):
            town[k] += row[k]
    for town in townships.values():
        town["coverage"] = truncated_percent(town["covered"], town["pensioners"])
    report.by_township = list(townships.values())
    report.total = sum(r["total"] for r in report.by_day)
    report.passed = sum(r["passed"] for r in report.by_day)
    report.days = (end - start).days + 1
    report.workdays = workdays_between(start - timedelta(days=1), end)
    report.daily_average = truncated_ratio(report.total, report.days)
    report.daily_average_workdays = truncated_ratio(report.total, report.workdays)
    report.pensioners = sum(r["pensioners"] for r in report.by_village)
    report.covered = sum(r["covered"] for r in report.by_village)
    report.coverage = truncated_percent(report.covered, report.pensioners)
    report.overdue = sum(r["overdue"] for r in report.by_village)
    report.suspended = sum(r["suspended"] for r in report.by_village)
    report.warning = schedule_warning(start, end)
    return report


def as_dict(report: PensionReport) -> dict[str, Any]:
    return {
        "start": report.start,
        "end": report.end,
        "unit": report.unit.code if report.unit else None,
        "total": report.total,
        "passed": report.passed,
        "days": report.days,
        "workdays": report.workdays,
        "daily_average": report.daily_average,
        "daily_average_workdays": report.daily_average_workdays,
        "pensioners": report.pensioners,
        "covered": report.covered,
        "coverage": report.coverage,
        "overdue": report.overdue,
        "suspended": report.suspended,
        "in_village": report.in_village,
        "by_day": report.by_day,
        "by_method": report.by_method,
        "by_village": report.by_village,
        "by_township": report.by_township,
        "warning": report.warning,
    }


# The KPI engine's grouping keys (bianmin.reports.kpi) and the certification's field for each: where the
# pensioner lives for figures by origin, the unit that certified for figures by handling unit, the local day.
KPI_GROUPS = {"origin_unit_id": "village_id", "unit_id": "unit_id", "day": "certified_on"}


def village_service_counts(
    units: QuerySet[Unit, Any], since: datetime, until: datetime, by: str
) -> list[dict[str, Any]]:
    """The certifications done without leaving the village in [since, until) among `units`, by the KPI
    engine's key `by`, as its 不出村 figures: every one handled, the passed ones completed. The engine adds
    them to the applications' when the administrator counts them (settings.VILLAGE_FIGURES_COUNT_CERTIFICATIONS,
    DESIGN §5). One GROUP BY."""
    field = KPI_GROUPS[by]
    where = Q(unit_id__in=units) if by == "unit_id" else Q(village_id__in=units)
    rows = (
        Certification.objects.filter(IN_VILLAGE, where, certified_at__gte=since, certified_at__lt=until)
        .order_by()
        .values(field)
        .annotate(village_handled=Count("id"), village_completed=Count("id", filter=PASSED))
    )
    return [
        {by: row[field], "village_handled": row["village_handled"], "village_completed": row["village_completed"]}
        for row in rows
    ]
