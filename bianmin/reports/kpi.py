"""The KPI engine (DESIGN §5): for a period and a unit's subtree, as of a moment, the source's figures,
their breakdowns and trends. Every page, export, API answer and command reads its figures from here.

Counting is SQL aggregation over indexed columns (one GROUP BY over the cases per answer, and one over the
applications among them); Python only sums the few groups that come back (one per unit, category or day),
never loops over cases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.cases.choices import CaseKind, Channel
from bianmin.cases.models import Case, Category
from bianmin.cases.queries import analysis_counts
from bianmin.cases.sla import SHANGHAI, local_date
from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.org.choices import REGION_KINDS, UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission, roles_granting
from bianmin.org.scope import PATH_WIDTH
from bianmin.reports.figures import BY_NAME, CASE_COUNTS, COUNTED, truncated_percent, truncated_ratio
from bianmin.reports.measures import ROW, Measures
from bianmin.workdays.services import current_calendar

MAX_PERIOD_DAYS = 3 * 366


class Basis(StrEnum):
    """Which unit a case counts for: where it arose (a township's figures) or who handles it now (a
    department's figures)."""

    ORIGIN = "origin"
    HANDLING = "handling"


def default_basis(unit: Unit) -> Basis:
    return Basis.ORIGIN if unit.kind in REGION_KINDS else Basis.HANDLING


class Figures:
    """The counted figures of one group (the whole unit, a township, a category, a day), by name, and every other
    figure of the registry (`bianmin.reports.figures`) computed from them: `figures.completion_rate`."""

    def __init__(self, counts: Mapping[str, Any] | None = None) -> None:
        given = counts or {}
        self.counts: dict[str, int] = {name: int(given.get(name) or 0) for name in COUNTED}
        self.ratings: dict[int, int] = {}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Figures:
        return cls(row)

    def add(self, other: Figures) -> None:
        for name in COUNTED:
            self.counts[name] += other.counts[name]
        for level, count in other.ratings.items():
            self.ratings[level] = self.ratings.get(level, 0) + count

    def __getattr__(self, name: str) -> Any:
        figure = BY_NAME.get(name)
        if figure is None:
            raise AttributeError(name)
        return figure.value(self.counts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Figures) and (self.counts, self.ratings) == (other.counts, other.ratings)

    def __repr__(self) -> str:
        return f"Figures({self.counts}, ratings={self.ratings})"


@dataclass(frozen=True)
class Period:
    """Whole days in Asia/Shanghai, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput({"end": _("The end of the period is before its start.")})
        if (self.end - self.start).days >= MAX_PERIOD_DAYS:
            raise InvalidInput({"end": _("A period can be at most three years long.")})

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=SHANGHAI)

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=SHANGHAI)

    def days(self, as_of: datetime) -> tuple[int, int]:
        """Calendar days and working days of the period elapsed at `as_of` (a period still running is
        averaged over its days so far)."""
        last = min(self.end, local_date(as_of))
        if last < self.start:
            return 0, 0
        calendar = current_calendar()
        calendar_days = (last - self.start).days + 1
        workdays = sum(1 for n in range(calendar_days) if calendar.is_workday(self.start + timedelta(days=n)))
        return calendar_days, workdays


@dataclass
class Group:
    """One row of a breakdown: a unit, a category, a kind or a channel, with its figures."""

    key: str
    label: str
    figures: Figures
    kind: str = ""


@dataclass
class KpiReport:
    unit: Unit
    basis: Basis
    period: Period
    as_of: datetime
    figures: Figures
    breakdown: list[Group]
    calendar_days: int
    workdays: int
    # A county's (or city's, province's) departments by the cases they handle now, beside the breakdown by
    # origin, where a department counts only what was taken in there (applications at the county hall's
    # windows): a grievance arises in a township, and the department it is sent to handles it.
    departments: list[Group] = field(default_factory=list)

    def ranked(self, groups: Iterable[Group] | None = None) -> list[Group]:
        """The groups with enough accepted cases to rank (RANKING_MIN_ACCEPTED), by completion rate."""
        enough = [g for g in (self.breakdown if groups is None else groups) if g.figures.accepted >= _minimum()]
        return sorted(enough, key=lambda g: (-(g.figures.completion_rate or -1), -g.figures.accepted))

    def unranked(self, groups: Iterable[Group] | None = None) -> list[Group]:
        """The groups listed apart: fewer accepted cases than the ranking needs, by accepted cases."""
        few = [g for g in (self.breakdown if groups is None else groups) if g.figures.accepted < _minimum()]
        return sorted(few, key=lambda g: -g.figures.accepted)

    @property
    def daily_average(self) -> Decimal | None:
        return truncated_ratio(self.figures.accepted, self.calendar_days)

    @property
    def daily_average_workdays(self) -> Decimal | None:
        return truncated_ratio(self.figures.accepted, self.workdays)


def _minimum() -> int:
    return int(settings.RANKING_MIN_ACCEPTED)


# The levels that have departments of their own.
DEPARTMENT_LEVELS = (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY)


def report_unit(user: User, code: str | None) -> Unit:
    """The unit a report is about: `code` if the user may view cases there, else (no code) the highest unit
    the user serves in. A township sees its own subtree only (DESIGN §6.3)."""
    units = Unit.objects.restrict(user, Permission.CASE_VIEW)
    if code:
        unit = units.filter(code=code).first()
        if unit is None:
            raise InvalidInput({"unit": _("No unit with code %(code)s in your scope.") % {"code": code}})
        return unit
    if user.is_superuser:
        top = units.filter(parent__isnull=True).order_by("path").first()
    else:
        held = user.memberships.filter(role__in=roles_granting(Permission.CASE_VIEW)).values("unit_id")
        top = units.filter(pk__in=held).order_by("depth", "path").first()
    if top is None:
        raise PermissionDenied(_("You have no unit whose figures you may see."))
    return top


def cases_in(unit: Unit, period: Period, basis: Basis, kinds: Iterable[str] = ()) -> QuerySet[Case]:
    """Cases received in the period that count for the unit's subtree (by origin or by handling unit),
    optionally only for units of some kinds (the departments of a county)."""
    field = "origin_unit_id" if basis == Basis.ORIGIN else "unit_id"
    units = Unit.objects.subtree(unit)
    if kinds:
        units = units.filter(kind__in=kinds)
    return Case.objects.filter(
        received_at__gte=period.since, received_at__lt=period.until, **{f"{field}__in": units.values("id")}
    )


def _grouped(
    cases: QuerySet[Case], measures: Measures, by: str, added: Iterable[Mapping[str, Any]] = ()
) -> list[dict[str, Any]]:
    """The figures of each group: one GROUP BY over the cases (the report index alone), one over the
    applications among them (joined with their application rows), merged by group; the `added` rows' counts
    (the village services of `village_services`) are added to the group's."""
    counted = measures.annotate(cases).order_by().values(by).annotate(**measures.aggregates()).values(by, *CASE_COUNTS)
    rows: dict[Any, dict[str, Any]] = {row[by]: row for row in counted}
    for row in measures.applications(cases, by):
        rows.setdefault(row[by], {}).update(row)
    for extra in added:
        group = rows.setdefault(extra[by], {by: extra[by]})
        for name, count in extra.items():
            if name != by:
                group[name] = (group.get(name) or 0) + count
    return list(rows.values())


def village_services(unit: Unit, period: Period, basis: Basis, by: str) -> list[dict[str, Any]]:
    """Services done without leaving the village besides the applications, counted in the 不出村 figures when
    the administrator says so (settings.VILLAGE_FIGURES_COUNT_CERTIFICATIONS, DESIGN §5): the pension
    certifications at a village's hall or by a home visit, by the pensioner's village (by origin) or the
    certifying unit (by handling unit)."""
    if not settings.VILLAGE_FIGURES_COUNT_CERTIFICATIONS:
        return []
    from bianmin.pension.reports import village_service_counts

    key = by if by == "day" else ("origin_unit_id" if basis == Basis.ORIGIN else "unit_id")
    rows = village_service_counts(Unit.objects.subtree(unit).values("id"), period.since, period.until, key)
    return [{by: row.pop(key), **row} for row in rows]


def kpi_summary(
    unit: Unit,
    period: Period,
    *,
    as_of: datetime | None = None,
    basis: Basis | None = None,
    ratings: bool = True,
    kinds: Iterable[str] = (),
    departments: bool = True,
) -> KpiReport:
    """The unit's figures and their breakdown by its child units, from one GROUP BY over the cases;
    `kinds` keeps only units of those kinds. With `departments`, a county-level unit's report by origin also
    carries its departments by handling unit (one more GROUP BY), as every page, export and API shows them."""
    basis = basis or default_basis(unit)
    measures = Measures(as_of)
    field = "origin_unit_id" if basis == Basis.ORIGIN else "unit_id"
    cases = cases_in(unit, period, basis, kinds)
    rows = _grouped(cases, measures, field, [] if kinds else village_services(unit, period, basis, field))
    children = {
        child.path: child for child in Unit.objects.filter(parent=unit, is_active=True).order_by("kind", "code")
    }
    paths = dict(Unit.objects.filter(pk__in=[row[field] for row in rows]).values_list("pk", "path"))
    total = Figures()
    by_child: dict[str, Figures] = defaultdict(Figures)
    own = Figures()
    segment = len(unit.path) + PATH_WIDTH  # a child's path is its parent's plus one segment
    for row in rows:
        figures = Figures.from_row(row)
        total.add(figures)
        child_path = paths[row[field]][:segment]
        if child_path in children:
            by_child[child_path].add(figures)
        else:
            own.add(figures)
    breakdown = [
        Group(child.code, child.name, by_child.get(path, Figures()), child.kind) for path, child in children.items()
    ]
    if own.accepted or own.overdue:
        breakdown.append(Group(unit.code, str(_("%(unit)s itself") % {"unit": unit.name}), own, unit.kind))
    if ratings:
        total.ratings = measures.ratings(cases)
    moment = as_of or timezone.now()
    calendar_days, workdays = period.days(moment)
    report = KpiReport(unit, basis, period, moment, total, breakdown, calendar_days, workdays)
    if departments and basis == Basis.ORIGIN and unit.kind in DEPARTMENT_LEVELS and not kinds:
        handling = kpi_summary(
            unit, period, as_of=as_of, basis=Basis.HANDLING, ratings=False, kinds=[UnitKind.DEPARTMENT]
        )
        report.departments = [g for g in handling.breakdown if g.kind == UnitKind.DEPARTMENT]
    return report


class Dimension(StrEnum):
    CATEGORY = "category"
    KIND = "kind"
    CHANNEL = "channel"


def kpi_by(
    unit: Unit, period: Period, dimension: Dimension, *, as_of: datetime | None = None, basis: Basis | None = None
) -> list[Group]:
    """The figures by category, kind or channel (one GROUP BY)."""
    basis = basis or default_basis(unit)
    field = {Dimension.CATEGORY: "category_id", Dimension.KIND: "kind", Dimension.CHANNEL: "channel"}[dimension]
    rows = _grouped(cases_in(unit, period, basis), Measures(as_of), field)
    labels: Mapping[object, tuple[str, str]]
    if dimension == Dimension.CATEGORY:
        found = Category.objects.filter(pk__in=[r[field] for r in rows if r[field] is not None])
        labels = {c.pk: (c.code, c.name) for c in found}
    else:
        choices = CaseKind.choices if dimension == Dimension.KIND else Channel.choices
        labels = {value: (value, str(label)) for value, label in choices}
    groups = [Group(*labels.get(row[field], ("", str(_("Uncategorised")))), Figures.from_row(row)) for row in rows]
    return sorted(groups, key=lambda g: -g.figures.accepted)


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class LocalDay(Func):
    """The Asia/Shanghai calendar day of a timestamp, natively on each database (China keeps no summer
    time, so on SQLite it is the UTC time plus eight hours)."""

    def __init__(self, expression: str) -> None:
        from django.db.models import DateField

        super().__init__(F(expression), output_field=DateField())

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '+8 hours')", params

    def as_postgresql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE 'Asia/Shanghai')::date", params


def bucket_start(day: date, bucket: Bucket) -> date:
    if bucket == Bucket.WEEK:
        return day - timedelta(days=day.weekday())
    if bucket == Bucket.MONTH:
        return day.replace(day=1)
    return day


def kpi_trend(
    unit: Unit,
    period: Period,
    bucket: Bucket,
    *,
    as_of: datetime | None = None,
    basis: Basis | None = None,
) -> list[tuple[date, Figures]]:
    """The figures of the cases received on each day, week (from Monday) or month of the period; every
    bucket of the period is present, empty ones with zeros."""
    basis = basis or default_basis(unit)
    cases = cases_in(unit, period, basis).annotate(day=LocalDay("received_at"))
    per_day: dict[date, Figures] = defaultdict(Figures)
    for row in _grouped(cases, Measures(as_of), "day"):
        per_day[_as_date(row["day"])].add(Figures.from_row(row))
    for row in village_services(unit, period, basis, "day"):
        per_day[row["day"]].add(Figures.from_row(row))
    buckets: dict[date, Figures] = {}
    day = period.start
    while day <= period.end:
        buckets.setdefault(bucket_start(day, bucket), Figures())
        day += timedelta(days=1)
    for day, figures in per_day.items():
        buckets[bucket_start(day, bucket)].add(figures)
    return sorted(buckets.items())


def _as_date(value: date | str) -> date:
    # SQLite's date() answers text.
    return value if isinstance(value, date) else date.fromisoformat(value)


def analysis_figures(unit: Unit, period: Period, *, basis: Basis | None = None) -> list[dict[str, object]]:
    """The three-level analysis (三级研判) for the period's cases: solved and being solved per level."""
    return analysis_counts(cases_in(unit, period, basis or default_basis(unit)))


def rectification_figures(unit: Unit, period: Period, *, basis: Basis | None = None) -> dict[str, Any]:
    """The 差评 loop (DESIGN §4.4) for the period's cases, as it stands now: bad ratings that owe a rectification
    (upheld appeals and 重办 lift it), those not yet rectified and those past their deadline, and the callbacks
    owed to the citizens (every 差评: 100%), with those overdue. One aggregate over the cases."""
    now = timezone.now()
    owed = Q(rectify_due_at__isnull=False)
    open_ = owed & Q(rectified_at__isnull=True)
    not_called = owed & Q(called_back_at__isnull=True)
    counts = cases_in(unit, period, basis or default_basis(unit)).aggregate(
        bad_ratings=Count(ROW, filter=owed),
        rectifications_open=Count(ROW, filter=open_),
        rectifications_overdue=Count(ROW, filter=open_ & Q(rectify_due_at__lt=now)),
        callbacks_owed=Count(ROW, filter=not_called),
        callbacks_overdue=Count(ROW, filter=not_called & Q(rectify_due_at__lt=now)),
    )
    called = counts["bad_ratings"] - counts["callbacks_owed"]
    return {**counts, "callback_rate": truncated_percent(called, counts["bad_ratings"])}
