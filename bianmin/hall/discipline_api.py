"""The escalation chain, accountability, the duty officer's marks and the half-year assessment under
/api/v1/hall/ (mounted by `bianmin.hall.api`): act on a violation, list the measures taken, enter the month's
marks, read the assessment and enter its manual items."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from bianmin.errors import InvalidInput, NotFound, error_responses
from bianmin.hall import assessment, escalation, ranking
from bianmin.hall.choices import Measure, ViolationAction
from bianmin.hall.models import Hall, Violation, Window
from bianmin.hall.patrol_api import Period, ViolationOut, violation_out
from bianmin.hall.schemas import Strict
from bianmin.hall.services import local_day
from bianmin.org.api import actor
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.schemas import SaneDate

router = Router(tags=["hall"])

MANUAL_ACTIONS = [s.action.value for s in escalation.STEPS.values() if s.manual]


class ViolationActionIn(Strict):
    action: ViolationAction = Field(description=f"One of {', '.join(MANUAL_ACTIONS)}.")
    note: str = Field("", max_length=500)
    measure: Measure | None = Field(None, description="The measure taken, for `account`.")
    fix_days: int | None = Field(None, ge=1, le=30, description="Working days to fix, for `order_fix`.")


class AccountabilityOut(Schema):
    violation: int
    person: str
    kind: str
    measure: str
    measure_label: str
    note: str
    by: str
    at: datetime


class HalfYearQuery(Strict):
    year: int = Field(2026, ge=2000, le=2100)
    half: int = Field(1, ge=1, le=2, description="1: January to June; 2: July to December.")


class PersonAssessment(Schema):
    person: str
    months: int
    monthly_mean: Decimal | None
    items: Decimal
    score: Decimal | None
    grade: str


class WindowAssessment(Schema):
    window: int
    name: str
    months: int
    monthly_mean: Decimal | None
    items: Decimal
    score: Decimal | None
    grade: str


class HalfYearAssessmentOut(Schema):
    half: date
    months: int
    people: list[PersonAssessment]
    windows: list[WindowAssessment]


class AssessmentItemIn(Strict):
    year: int = Field(ge=2000, le=2100)
    half: int = Field(ge=1, le=2)
    title: str = Field(min_length=1, max_length=200)
    points: Decimal = Field(ge=-100, le=5, max_digits=4, decimal_places=1)
    person: str | None = Field(None, max_length=150, description="The person's username.")
    window: int | None = Field(None, description="The window's number.")


class AssessmentItemOut(Schema):
    id: int
    half: date
    title: str
    points: Decimal


def _hall(user: User, pk: int) -> Hall:
    hall = Hall.objects.restrict(user, Permission.HALL_VIEW).filter(pk=pk).select_related("unit").first()
    if hall is None:
        raise NotFound(_("No such hall in your scope."))
    return hall


@router.post(
    "/violations/{violation_id}/actions",
    response={200: ViolationOut, **error_responses(403, 404, 409)},
    summary="Order a fix by a deadline, confirm it, name the violation in the hall-wide notice, or record an "
    "accountability measure (the hall's managers)",
)
def act_on_violation(request: HttpRequest, violation_id: int, payload: ViolationActionIn) -> dict[str, Any]:
    user = actor(request)
    violation = Violation.objects.restrict(user, Permission.HALL_VIEW).filter(pk=violation_id).first()
    if violation is None:
        raise NotFound(_("No such violation in your scope."))
    changed = escalation.act(
        violation,
        payload.action,
        actor=user,
        note=payload.note,
        measure=payload.measure or "",
        fix_days=payload.fix_days,
    )
    found = Violation.objects.select_related("person", "kind", "finding__window").get(pk=changed.pk)
    return violation_out(found)


@router.get(
    "/halls/{hall_id}/measures",
    response={200: list[AccountabilityOut], **error_responses(404)},
    summary="The accountability measures of a period (default: this month)",
)
def list_measures(request: HttpRequest, hall_id: int, period: Query[Period]) -> list[dict[str, Any]]:
    hall = _hall(actor(request), hall_id)
    today = local_day(timezone.now())
    start, end = period.start or today.replace(day=1), period.end or today
    return [
        {
            "violation": e.violation_id,
            "person": e.violation.person.display_name or e.violation.person.username,
            "kind": e.violation.kind.name,
            "measure": e.measure,
            "measure_label": str(Measure(e.measure).label),
            "note": e.note,
            "by": (e.actor.display_name or e.actor.username) if e.actor else "",
            "at": e.at,
        }
        for e in escalation.measures_taken(hall, start, end)
    ]


@router.get(
    "/halls/{hall_id}/assessment",
    response={200: HalfYearAssessmentOut, **error_responses(404)},
    summary="The half-year assessment of the hall's people and windows (monthly figures plus manual items)",
)
def get_assessment(request: HttpRequest, hall_id: int, query: Query[HalfYearQuery]) -> dict[str, Any]:
    hall = _hall(actor(request), hall_id)
    return assessment.half_year(hall, query.year, query.half)


@router.post(
    "/halls/{hall_id}/assessment-items",
    response={201: AssessmentItemOut, **error_responses(403, 404)},
    summary="Enter a manual item of the half-year assessment for a person or a window (the hall's managers)",
)
def add_assessment_item(request: HttpRequest, hall_id: int, payload: AssessmentItemIn) -> Status[dict[str, Any]]:
    user = actor(request)
    hall = _hall(user, hall_id)
    person = window = None
    if payload.person:
        # Only someone who has served at the hall's windows: the form names no one else.
        person = assessment.people_served(hall).filter(username=payload.person).first()
        if person is None:
            raise InvalidInput({"person": _("No one of this name has served at the hall's windows.")})
    if payload.window is not None:
        window = Window.objects.filter(hall=hall, number=payload.window).first()
        if window is None:
            raise InvalidInput({"window": _("This hall has no such window.")})
    item = assessment.add_item(
        hall,
        actor=user,
        year=payload.year,
        half=payload.half,
        title=payload.title,
        points=payload.points,
        person=person,
        window=window,
    )
    return Status(201, {"id": item.pk, "half": item.half, "title": item.title, "points": item.points})


class MarkIn(Strict):
    window: int = Field(description="The window's number.")
    score: int | None = Field(ge=0, le=100, description="0–100; null removes the window's mark.")


class DutyMarksIn(Strict):
    month: SaneDate = Field(description="Any day of the month (its first day is kept).")
    marks: list[MarkIn] = Field(min_length=1, max_length=200)


class DutyMarksOut(Schema):
    month: date
    saved: int


@router.post(
    "/halls/{hall_id}/duty-marks",
    response={200: DutyMarksOut, **error_responses(403, 404)},
    summary="Enter the duty officer's marks of the month's windows, a part of the ranking (the hall's managers)",
)
def set_duty_marks(request: HttpRequest, hall_id: int, payload: DutyMarksIn) -> dict[str, Any]:
    user = actor(request)
    hall = _hall(user, hall_id)
    windows = dict(Window.objects.filter(hall=hall).values_list("number", "pk"))
    unknown = {
        f"marks.{i}.window": _("This hall has no such window.")
        for i, m in enumerate(payload.marks)
        if m.window not in windows
    }
    if unknown:
        raise InvalidInput(unknown)
    scores = {windows[m.window]: m.score for m in payload.marks}
    saved = ranking.set_marks(hall, actor=user, month=payload.month, scores=scores)
    return {"month": payload.month.replace(day=1), "saved": saved}
