"""What counts as being there on a duty day: a check-in, a patrol round of a service hall the person recorded
(巡岗), or a grievance they took in at the village hall (a case of channel village_hall they created, received
that day in the place's unit or below it).

Read as three EXISTS subqueries on the duty-day rows: one query however many rows, each subquery found by the
person's index (attendance by place and date; patrols by inspector, cases by creator) and bounded by the span
asked for, so that a cadre's years of cases are not read for one day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from bianmin.cases.choices import Channel
from bianmin.cases.models import Case
from bianmin.duty.models import Attendance, DutyDay
from bianmin.hall.models import Patrol


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def with_presence(rows: QuerySet[DutyDay], first: date, last: date) -> QuerySet[DutyDay]:
    """`rows` (duty days within [first, last]) annotated with `checked_in`, `patrolled` and `took_in`."""
    zone = timezone.get_default_timezone()
    since, until = _start(first), _start(last + timedelta(days=1))
    checked = Attendance.objects.filter(
        place_id=OuterRef("place_id"), date=OuterRef("date"), user_id=OuterRef("user_id")
    )
    patrolled = (
        Patrol.objects.filter(inspector_id=OuterRef("user_id"), at__gte=since, at__lt=until)
        .annotate(day=TruncDate("at", tzinfo=zone))
        .filter(day=OuterRef("date"), hall__unit__path__startswith=OuterRef("place__unit__path"))
    )
    took_in = (
        Case.objects.filter(
            created_by_id=OuterRef("user_id"),
            channel=Channel.VILLAGE_HALL,
            received_at__gte=since,
            received_at__lt=until,
        )
        .annotate(day=TruncDate("received_at", tzinfo=zone))
        .filter(day=OuterRef("date"), origin_unit__path__startswith=OuterRef("place__unit__path"))
    )
    return rows.annotate(checked_in=Exists(checked), patrolled=Exists(patrolled), took_in=Exists(took_in))


# On rows from `with_presence`: none of the three signs.
NO_SIGN = Q(checked_in=False, patrolled=False, took_in=False)


def absences_by_person(rows: QuerySet[DutyDay], first: date, last: date, *, limit: int = 200) -> list[dict[str, Any]]:
    """Per person and place, over the duty days of `rows` in [first, last]: how many, and how many with no sign
    of presence (those with any first). One grouped query."""
    grouped = (
        with_presence(rows.filter(date__range=(first, last)), first, last)
        .values("place_id", "place__name", "place__unit__name", "member_id", "name")
        .annotate(days=Count("id"), absent=Count("id", filter=NO_SIGN))
        .filter(absent__gt=0)
        .order_by("-absent", "place__unit__name", "name")
    )
    return [dict(row) for row in grouped[:limit]]
