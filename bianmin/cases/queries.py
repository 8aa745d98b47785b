"""The workbench's search, shared by the API and the pages."""

import re
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.cases import sla, store
from bianmin.cases.choices import OPEN_STATUSES, PAUSED_STATUSES, CaseStatus
from bianmin.cases.models import Case, OpenCaseText
from bianmin.cases.schemas import CaseFilters
from bianmin.errors import InvalidInput
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import subtree_q

CASE_NUMBER = re.compile(r"\d{8}-\d{5,}")


def is_case_number(q: str | None) -> bool:
    return q is not None and CASE_NUMBER.fullmatch(q.strip()) is not None


def visible_case_by_number(user: User, number: str) -> Case | None:
    """The case numbered `number`, with what a list item shows, if `user` may see it; else None.

    One plain statement reads the row by its unique index with its names (`store.read_listed`), and the scope
    is decided in Python (`Case.in_scope`, the rule of `restrict` for one case), as `perform` decides it.
    Looking a case up by its number is the commonest search, and compiling the scoped query cost more than
    running it."""
    found = store.read_listed("number", [number], user)
    return found[0] if found and found[0].in_scope(user, Permission.CASE_VIEW) else None


def search_cases(cases: QuerySet[Case], user: User, filters: CaseFilters) -> QuerySet[Case]:
    """Narrow an already scoped queryset by the workbench's filters."""
    if filters.status:
        cases = cases.filter(status__in=filters.status)
    if filters.unit:
        unit = Unit.objects.restrict(user, Permission.UNIT_VIEW).filter(code=filters.unit).first()
        if unit is None:
            raise InvalidInput({"unit": _("No unit with code %(code)s in your scope.") % {"code": filters.unit}})
        cases = cases.filter(subtree_q([unit.path], "unit__path"))
    if filters.category:
        cases = cases.filter(category__code=filters.category)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.item:
        cases = cases.filter(application__item_version__item__code=filters.item)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    now = timezone.now()
    open_running = Q(status__in=OPEN_STATUSES - PAUSED_STATUSES)
    if filters.overdue is not None:
        overdue = open_running & Q(due_at__lt=now)
        cases = cases.filter(overdue) if filters.overdue else cases.exclude(overdue)
    if filters.supervised is not None:
        cases = cases.filter(supervise_count__gt=0) if filters.supervised else cases.filter(supervise_count=0)
    if filters.extension_requested is not None:
        cases = cases.filter(extension_requested__isnull=not filters.extension_requested)
    if filters.q:
        q = filters.q.strip()
        if is_case_number(q):
            cases = cases.filter(number=q)  # a case number is looked up by its unique index, not searched
        elif filters.status and OPEN_STATUSES.issuperset(filters.status):
            # The workbench (open cases): one pass over the open cases' words, not their scattered rows.
            cases = cases.filter(pk__in=OpenCaseText.objects.filter(text__contains=q).values("case_id"))
        else:
            cases = cases.filter(Q(title__contains=q) | Q(content__contains=q))
    if filters.received_from:
        cases = cases.filter(received_at__gte=datetime.combine(filters.received_from, time(), tzinfo=sla.SHANGHAI))
    if filters.received_to:
        end = datetime.combine(filters.received_to + timedelta(days=1), time(), tzinfo=sla.SHANGHAI)
        cases = cases.filter(received_at__lt=end)
    return cases


def rebuild_open_case_text() -> None:
    """Write `OpenCaseText` afresh from the cases, for a load that bypassed its triggers (PostgreSQL's
    bulk demo skips triggers to skip the per-row foreign-key checks)."""
    table, cases = OpenCaseText._meta.db_table, Case._meta.db_table
    marks = ", ".join(["%s"] * len(OPEN_STATUSES))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (table names)
        cursor.execute(
            f"INSERT INTO {table} (case_id, text) "  # noqa: S608
            f"SELECT id, title || %s || content FROM {cases} WHERE status IN ({marks})",
            ["\n", *sorted(OPEN_STATUSES)],
        )


def analysis_counts(cases: QuerySet[Case]) -> list[dict[str, object]]:
    """The three-level analysis figures (三级研判): per level, cases solved there and cases being solved
    there now. One aggregate query over the (scoped, filtered) cases."""
    from django.db.models import Count

    from bianmin.cases.choices import DONE_STATUSES, AnalysisLevel

    rows: dict[str, dict[str, int]] = {
        row["analysis_level"]: {"solved": row["solved"], "being_solved": row["being_solved"]}
        for row in cases.exclude(analysis_level="")
        .order_by()
        .values("analysis_level")
        .annotate(
            # Counting a column of the report index lets the reports answer from the index alone.
            solved=Count("status", filter=Q(status__in=DONE_STATUSES)),
            being_solved=Count("status", filter=Q(status__in=OPEN_STATUSES - {CaseStatus.SUBMITTED})),
        )
    }
    empty = {"solved": 0, "being_solved": 0}
    return [
        {
            "level": level.value,
            "label": str(level.label),
            "solved": rows.get(level.value, empty)["solved"],
            "being_solved": rows.get(level.value, empty)["being_solved"],
        }
        for level in AnalysisLevel
    ]
