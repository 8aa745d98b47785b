"""The half-year assessment (半年一考核) of a hall's people and windows, from the same data as the monthly
figures plus the manual items its managers enter:

- a person: the mean of their monthly scores (100 less the month's deductions, `patrols.monthly_scores`)
  over the months of the half they served in (signed in at a window, or had a violation), plus the manual
  items, whose bonus counts up to +5 in all;
- a window: the mean of its monthly ranking totals (`ranking.month_ranking`) over the months it was ranked,
  plus its manual items, likewise.

Grades (a county scheme the anchors cite): 80 and above 合格 (pass), 60 to 80 基本合格 (basic pass), below 60
不合格 (fail). Months after today are not counted."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.hall import patrols, ranking
from bianmin.hall.models import AssessmentItem, Hall, Violation, Window, WindowSession
from bianmin.hall.services import local_day
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope

BONUS_CAP = Decimal(5)
GRADES = ((Decimal(80), pgettext_lazy("assessment", "Pass")), (Decimal(60), _("Basic pass")))
FAIL = pgettext_lazy("assessment", "Fail")


def half_start(year: int, half: int) -> date:
    return date(year, 1 if half == 1 else 7, 1)


def months_of(first: date, today: date) -> list[date]:
    """The first days of the half's months up to today's month."""
    return [m for m in (date(first.year, first.month + i, 1) for i in range(6)) if m <= today]


def grade(score: Decimal) -> str:
    return str(next((label for floor, label in GRADES if score >= floor), FAIL))


def _with_items(mean: Decimal | None, items: list[AssessmentItem]) -> dict[str, Any]:
    bonus = min(BONUS_CAP, sum((i.points for i in items if i.points > 0), Decimal(0)))
    minus = sum((i.points for i in items if i.points < 0), Decimal(0))
    if mean is None and not items:
        return {"monthly_mean": None, "items": Decimal(0), "score": None, "grade": ""}
    score = ((mean if mean is not None else Decimal(100)) + bonus + minus).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {
        "monthly_mean": None if mean is None else mean.quantize(Decimal("0.1"), ROUND_HALF_UP),
        "items": bonus + minus,
        "score": score,
        "grade": grade(score),
    }


def sessions_at(hall: Hall, start: datetime | None = None, end: datetime | None = None) -> QuerySet[WindowSession]:
    """The sign-ins at the hall's windows (在岗): all of them, or those that overlap [`start`, `end`)."""
    sessions = WindowSession.objects.filter(window__hall=hall)
    if end is not None:
        sessions = sessions.filter(started_at__lt=end)
    if start is not None:
        sessions = sessions.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start))
    return sessions


def people_served(hall: Hall) -> QuerySet[User]:
    """Everyone who has served at the hall's windows: the people its assessment may name."""
    return User.objects.filter(pk__in=sessions_at(hall).values("user_id"))


def _served_months(hall: Hall, months: list[date], low: datetime, end: datetime) -> dict[int, set[date]]:
    """Each person's months of the half (from `low` to `end`) in which they were signed in at one of the
    hall's windows."""
    served: dict[int, set[date]] = defaultdict(set)
    for user_id, started, ended in sessions_at(hall, low, end).values_list("user_id", "started_at", "ended_at"):
        first, last = local_day(max(started, low)), local_day(min(ended or end, end))
        served[user_id] |= {
            m for m in months if (first.year, first.month) <= (m.year, m.month) <= (last.year, last.month)
        }
    return served


def half_year(hall: Hall, year: int, half: int, *, today: date | None = None) -> dict[str, Any]:
    """The half-year's assessment of every person and window of `hall`, best first."""
    today = today or local_day(timezone.now())
    first = half_start(year, half)
    months = months_of(first, today)
    items = list(AssessmentItem.objects.filter(hall=hall, half=first).select_related("person", "window"))
    by_person: dict[int, list[AssessmentItem]] = defaultdict(list)
    by_window: dict[int, list[AssessmentItem]] = defaultdict(list)
    for item in items:
        if item.person_id is not None:
            by_person[item.person_id].append(item)
        elif item.window_id is not None:
            by_window[item.window_id].append(item)
    people: list[dict[str, Any]] = []
    windows: list[dict[str, Any]] = []
    if months:
        # From the half's start to the end of the last month counted: today's month is counted too.
        after = ranking.next_month(months[-1])
        low, end = patrols.local_range(first, first)[0], patrols.local_range(after, after)[0]
        served = _served_months(hall, months, low, end)
        deducted: dict[int, dict[date, Decimal]] = defaultdict(dict)
        for v in Violation.objects.filter(hall=hall, at__gte=low, at__lt=end):
            month = local_day(v.at).replace(day=1)
            deducted[v.person_id][month] = deducted[v.person_id].get(month, Decimal(0)) + v.points
            served[v.person_id].add(month)
        totals: dict[int, list[Decimal]] = defaultdict(list)
        for month in months:
            for row in ranking.month_ranking(hall, month.year, month.month):
                totals[row["window"]].append(row["total"])
    else:
        served, deducted, totals = defaultdict(set), defaultdict(dict), defaultdict(list)
    names = {u.pk: u.display_name or u.username for u in User.objects.filter(pk__in=set(served) | set(by_person))}
    for person_id in set(served) | set(by_person):
        scores = [Decimal(100) - deducted[person_id].get(m, Decimal(0)) for m in sorted(served[person_id])]
        mean = sum(scores, Decimal(0)) / len(scores) if scores else None
        people.append({"person": names[person_id], "months": len(scores), **_with_items(mean, by_person[person_id])})
    for window in Window.objects.filter(hall=hall).order_by("number"):
        ranked = totals.get(window.number, [])
        if not ranked and not by_window[window.pk]:
            continue
        mean = sum(ranked, Decimal(0)) / len(ranked) if ranked else None
        windows.append(
            {
                "window": window.number,
                "name": window.name,
                "months": len(ranked),
                **_with_items(mean, by_window[window.pk]),
            }
        )
    for rows in (people, windows):
        rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0)))
    return {"half": first, "months": len(months), "people": people, "windows": windows, "items": items}


def add_item(
    hall: Hall,
    *,
    actor: User,
    year: int,
    half: int,
    title: str,
    points: Decimal,
    person: User | None = None,
    window: Window | None = None,
    at: datetime | None = None,
) -> AssessmentItem:
    """A manual item of the half-year assessment, for a person or a window (the hall's managers)."""
    if not in_scope(actor, Permission.HALL_MANAGE, hall.unit.path):
        raise PermissionDenied(_("Only the hall's managers enter assessment items."))
    errors: dict[str, str] = {}
    if (person is None) == (window is None):
        errors["person"] = str(_("Name either a person or a window."))
    if window is not None and window.hall_id != hall.pk:
        errors["window"] = str(_("This window is not in the hall."))
    if not title.strip():
        errors["title"] = str(_("Give the item a title."))
    if not points.is_finite() or not Decimal(-100) <= points <= BONUS_CAP:  # NaN has no order: ask first
        errors["points"] = str(_("Points are from −100 to +5."))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        return AssessmentItem.objects.create(
            hall=hall,
            half=half_start(year, half),
            person=person,
            window=window,
            title=title.strip()[:200],
            points=points,
            added_by=actor,
            at=at or timezone.now(),
        )
