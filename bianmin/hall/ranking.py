"""The monthly public ranking of a hall's windows (月度窗口排名, 红旗窗口): four components scored 0–100 and
weighted by the hall's `RankingWeights` (default 30 / 30 / 20 / 20), all derived from the month's events,
violations, ratings and the duty officer's marks; windows ranked last two months running are flagged for
a talk (约谈).

- efficiency: the window's finished services as a share of the busiest window's (100 for the busiest);
- staff: 100 less the points of the violations found at the window (no floor);
- duty officer: the month's mark, where one was entered;
- citizens: the satisfied share of the window's on-the-spot ratings.
A component with no data for a window (no mark, no rating) is left out and the others' weights scaled up,
so that a window is not ranked down for what no one measured."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.hall.choices import TicketAction
from bianmin.hall.models import DutyOfficerMark, Hall, PadRating, RankingWeights, TicketEvent, Violation, Window
from bianmin.hall.services import LOCAL
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope

COMPONENTS = ("efficiency", "staff", "duty_officer", "citizens")
DEFAULT_WEIGHTS = {"efficiency": 30, "staff": 30, "duty_officer": 20, "citizens": 20}


def weights_of(hall: Hall) -> dict[str, int]:
    row = RankingWeights.objects.filter(hall=hall).first()
    return {c: getattr(row, c) for c in COMPONENTS} if row else dict(DEFAULT_WEIGHTS)


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _bounds(first: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time.min, tzinfo=LOCAL), datetime.combine(next_month(first), time.min, tzinfo=LOCAL)


def month_ranking(hall: Hall, year: int, month: int) -> list[dict[str, Any]]:
    """The windows of `hall` for the month, best first, with each component and the weighted total."""
    first = month_start(year, month)
    low, high = _bounds(first)
    weights = weights_of(hall)
    windows = list(Window.objects.filter(hall=hall).order_by("number"))
    served = dict(
        TicketEvent.objects.filter(hall=hall, action=TicketAction.FINISH, at__gte=low, at__lt=high)
        .values("window_id")
        .annotate(n=Count("id"))
        .values_list("window_id", "n")
    )
    deducted = dict(
        Violation.objects.filter(hall=hall, at__gte=low, at__lt=high)
        .values("finding__window_id")
        .annotate(p=Sum("points"))
        .values_list("finding__window_id", "p")
    )
    rated = {
        r["window_id"]: r
        for r in PadRating.objects.filter(window__hall=hall, at__gte=low, at__lt=high)
        .values("window_id")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(level__gte=settings.SATISFIED_MIN_RATING)))
    }
    marks = dict(DutyOfficerMark.objects.filter(window__hall=hall, month=first).values_list("window_id", "score"))
    busiest = max(served.values(), default=0)
    rows: list[dict[str, Any]] = []
    for w in windows:
        if not (served.get(w.pk) or w.pk in deducted or w.pk in rated or w.pk in marks):
            continue  # not in service this month: not ranked
        parts: dict[str, Decimal | None] = {
            "efficiency": Decimal(100 * served.get(w.pk, 0)) / busiest if busiest else None,
            "staff": Decimal(100) - (deducted.get(w.pk) or 0),
            "duty_officer": Decimal(marks[w.pk]) if w.pk in marks else None,
            "citizens": Decimal(100 * rated[w.pk]["ok"]) / rated[w.pk]["n"] if w.pk in rated else None,
        }
        counted = {c: weights[c] for c in COMPONENTS if parts[c] is not None and weights[c]}
        total_weight = sum(counted.values())
        total = sum((parts[c] or 0) * counted[c] for c in counted) / total_weight if total_weight else Decimal(0)
        rows.append(
            {
                "window": w.number,
                "name": w.name,
                **{c: None if parts[c] is None else round(parts[c] or 0, 1) for c in COMPONENTS},
                "total": round(Decimal(total), 2),
            }
        )
    rows.sort(key=lambda r: (-r["total"], r["window"]))
    for place, row in enumerate(rows, start=1):
        row["place"] = place
    return rows


def with_flags(hall: Hall, year: int, month: int) -> dict[str, Any]:
    """The month's ranking with the last place flagged when the same window was last the month before too."""
    rows = month_ranking(hall, year, month)
    first = month_start(year, month)
    before = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    previous = month_ranking(hall, before.year, before.month)
    last_now = rows[-1]["window"] if rows else None
    last_before = previous[-1]["window"] if previous and any(r["total"] for r in previous) else None
    for row in rows:
        row["flagged"] = row["window"] == last_now == last_before
    return {"month": first, "weights": weights_of(hall), "rows": rows}


def set_marks(hall: Hall, *, actor: User, month: date, scores: dict[int, int | None]) -> int:
    """The duty officer's marks (0–100) of the hall's windows for `month`, by window id: a number sets the
    window's mark, None removes it. All or nothing: a bad mark writes none."""
    if not in_scope(actor, Permission.HALL_MANAGE, hall.unit.path):
        raise PermissionDenied(_("Only the hall's managers enter the duty officer's marks."))
    windows = set(Window.objects.filter(hall=hall, pk__in=scores).values_list("pk", flat=True))
    errors = {
        f"mark-{pk}": str(_("A mark is a whole number from 0 to 100."))
        for pk, score in scores.items()
        if pk not in windows or (score is not None and not 0 <= score <= 100)
    }
    if errors:
        raise InvalidInput(errors)
    first = month.replace(day=1)
    with transaction.atomic():
        DutyOfficerMark.objects.filter(
            window_id__in=[pk for pk, s in scores.items() if s is None], month=first
        ).delete()
        DutyOfficerMark.objects.bulk_create(
            [DutyOfficerMark(window_id=pk, month=first, score=s) for pk, s in scores.items() if s is not None],
            update_conflicts=True,
            unique_fields=["window", "month"],
            update_fields=["score"],
        )
    return sum(s is not None for s in scores.values())
