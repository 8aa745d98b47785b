"""Village-affairs figures for a unit's subtree (DESIGN §5's rules: rates truncated to one decimal): the
timeliness of publications per village and per township with the overdue list, decisions and their validity,
projects and funds per source, and the open conflict flags. Each figure is one aggregate query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from bianmin.org.models import Unit
from bianmin.reports.figures import truncated_percent
from bianmin.village.choices import DecisionStatus, FundSource
from bianmin.village.models import ConflictFlag, Decision, DecisionStep, Project, Publication

OVERDUE_LIMIT = 500  # rows of the overdue list on a page; the export has them all


@dataclass
class Timeliness:
    code: str
    name: str
    due: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0

    @property
    def rate(self) -> str | None:
        """On time of due in percent, truncated (DESIGN §5), always with its decimal: "25.0", not "25"."""
        rate = truncated_percent(self.on_time, self.due)
        return None if rate is None else f"{rate:.1f}"


@dataclass
class VillageReport:
    start: date
    end: date
    today: date
    villages: list[Timeliness] = field(default_factory=list)
    townships: list[Timeliness] = field(default_factory=list)
    total: Timeliness = field(default_factory=lambda: Timeliness("", ""))
    decisions: dict[str, int] = field(default_factory=dict)
    steps: dict[str, int] = field(default_factory=dict)
    funds: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0


def timeliness_rows(pubs: QuerySet[Publication], start: date, end: date, today: date) -> list[dict[str, Any]]:
    """Per village: publications due in [start, end] (and by today), published on time, late, still overdue."""
    due = pubs.filter(due_on__range=(start, min(end, today)))
    rows = [
        dict(row)
        for row in due.values("village_id")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(first_published_on__lte=F("due_on"))),
            late=Count("id", filter=Q(first_published_on__gt=F("due_on"))),
            overdue=Count("id", filter=Q(first_published_on__isnull=True, due_on__lt=today)),
        )
        .order_by()
    ]
    return rows


def village_report(
    pubs: QuerySet[Publication], villages: QuerySet[Unit], start: date, end: date, today: date
) -> VillageReport:
    """The report over `pubs` (already restricted to the caller's scope, and to a unit if one was chosen)."""
    report = VillageReport(start, end, today)
    counts = {row["village_id"]: row for row in timeliness_rows(pubs, start, end, today)}
    units = {u.pk: u for u in villages.select_related("parent").filter(pk__in=list(counts))}
    towns: dict[int, Timeliness] = {}
    for pk, row in counts.items():
        unit = units.get(pk)
        if unit is None:
            continue
        line = Timeliness(unit.code, unit.name, row["due"], row["on_time"], row["late"], row["overdue"])
        report.villages.append(line)
        parent = unit.parent
        if parent is not None:
            town = towns.setdefault(parent.pk, Timeliness(parent.code, parent.name))
            for name in ("due", "on_time", "late", "overdue"):
                setattr(town, name, getattr(town, name) + getattr(line, name))
                setattr(report.total, name, getattr(report.total, name) + getattr(line, name))
    report.villages.sort(key=lambda t: (-t.overdue, t.code))
    report.townships = sorted(towns.values(), key=lambda t: t.code)
    return report


def add_other_figures(
    report: VillageReport,
    decisions: QuerySet[Decision],
    projects: QuerySet[Project],
    flags: QuerySet[ConflictFlag],
) -> VillageReport:
    """Decisions by status and their meetings' validity, projects and funds per source, open flags."""
    by_status = dict(decisions.values_list("status").annotate(n=Count("id")).order_by())
    report.decisions = {str(label): by_status.get(value, 0) for value, label in DecisionStatus.choices}
    steps = DecisionStep.objects.filter(decision__in=decisions.values("id")).aggregate(
        n_held=Count("id"), n_valid=Count("id", filter=Q(valid=True)), n_invalid=Count("id", filter=Q(valid=False))
    )
    report.steps = {k.removeprefix("n_"): int(v or 0) for k, v in steps.items()}
    rows = {
        r["fund_source"]: r
        for r in projects.values("fund_source")
        .annotate(n=Count("id"), budget=Sum("budget_fen"), disbursed=Sum("disbursed_fen"))
        .order_by()
    }
    report.funds = [
        {
            "source": value,
            "label": str(label),
            "projects": rows[value]["n"],
            "budget_fen": int(rows[value]["budget"] or 0),
            "disbursed_fen": int(rows[value]["disbursed"] or 0),
        }
        for value, label in FundSource.choices
        if value in rows
    ]
    report.flags = flags.filter(closed_at__isnull=True).count()
    return report


def overdue_list(pubs: QuerySet[Publication], today: date) -> QuerySet[Publication]:
    return (
        pubs.filter(due_on__lt=today, first_published_on__isnull=True)
        .select_related("village")
        .order_by("due_on", "id")
    )
