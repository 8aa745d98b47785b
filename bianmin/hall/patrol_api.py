"""Patrols, violations, notices and monthly scores under /api/v1/hall/ (mounted by `bianmin.hall.api`)."""

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
from bianmin.hall import patrols, ranking
from bianmin.hall.choices import ViolationStatus
from bianmin.hall.models import FindingKind, Hall, HallNotice, Violation, Window
from bianmin.hall.schemas import Strict
from bianmin.hall.services import local_day
from bianmin.org.api import actor
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.schemas import SaneDate

router = Router(tags=["hall"])


class FindingKindOut(Schema):
    code: str
    name: str
    points: Decimal


class ObservationIn(Strict):
    window: int = Field(description="The window's number.")
    present: bool = True
    kind: str = Field("", max_length=30, description="A code of the checklist ('' for nothing found).")
    note: str = Field("", max_length=500)


class PatrolIn(Strict):
    note: str = Field("", max_length=500)
    observations: list[ObservationIn] = Field(min_length=1, max_length=200)


class ViolationOut(Schema):
    id: int
    person: str
    window: int
    kind: str
    points: Decimal
    at: datetime
    status: ViolationStatus = Field(description="Where it stands: reminded, fix_ordered, fixed or noticed.")
    status_label: str
    fix_by: date | None = Field(description="The deadline of a yellow card.")


class PatrolOut(Schema):
    id: int
    at: datetime
    violations: list[ViolationOut]


class NoticeIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    start: SaneDate
    end: SaneDate
    public: bool = False


class NoticeOut(Schema):
    id: int
    title: str
    start: date
    end: date
    public: bool
    published_at: datetime
    violations: list[ViolationOut]


class Period(Strict):
    start: SaneDate | None = None
    end: SaneDate | None = None


class Month(Strict):
    year: int = Field(2026, ge=2000, le=2100)
    month: int = Field(1, ge=1, le=12)


class ScoreOut(Schema):
    person: str
    deducted: Decimal
    score: Decimal


def _hall(user: User, pk: int, permission: Permission) -> Hall:
    hall = Hall.objects.restrict(user, permission).filter(pk=pk).select_related("unit").first()
    if hall is None:
        raise NotFound(_("No such hall in your scope."))
    return hall


def violation_out(v: Violation) -> dict[str, Any]:
    return {
        "id": v.pk,
        "person": v.person.display_name or v.person.username,
        "window": v.finding.window.number,
        "kind": v.kind.name,
        "points": v.points,
        "at": v.at,
        "status": v.status,
        "status_label": str(ViolationStatus(v.status).label),
        "fix_by": v.fix_by,
    }


def _violations(queryset: Any) -> list[dict[str, Any]]:
    rows = queryset.select_related("person", "kind", "finding__window").order_by("at", "id")
    return [violation_out(v) for v in rows]


def notice_out(notice: HallNotice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "title": notice.title,
        "start": notice.period_start,
        "end": notice.period_end,
        "public": notice.public,
        "published_at": notice.published_at,
        "violations": _violations(notice.violations.all()),
    }


@router.get(
    "/finding-kinds",
    response={200: list[FindingKindOut], **error_responses()},
    summary="The patrol's checklist with the deduction of each finding",
)
def list_finding_kinds(request: HttpRequest) -> list[FindingKind]:
    actor(request)
    return list(FindingKind.objects.filter(active=True))


@router.post(
    "/halls/{hall_id}/patrols",
    response={201: PatrolOut, **error_responses(403, 404)},
    summary="Record a patrol round; a finding against the person signed in is a violation",
)
def record_patrol(request: HttpRequest, hall_id: int, payload: PatrolIn) -> Status[dict[str, Any]]:
    user = actor(request)
    hall = _hall(user, hall_id, Permission.HALL_PATROL)
    windows = {w.number: w for w in Window.objects.filter(hall=hall)}
    missing = {
        f"observations.{i}.window": _("This hall has no such window.")
        for i, o in enumerate(payload.observations)
        if o.window not in windows
    }
    if missing:
        raise InvalidInput(missing)
    observations = [
        patrols.Observation(window=windows[o.window], present=o.present, kind=o.kind, note=o.note)
        for o in payload.observations
    ]
    patrol = patrols.record_patrol(hall, actor=user, observations=observations, note=payload.note)
    found = Violation.objects.filter(finding__patrol=patrol)
    return Status(201, {"id": patrol.pk, "at": patrol.at, "violations": _violations(found)})


@router.get(
    "/halls/{hall_id}/violations",
    response={200: list[ViolationOut], **error_responses(404)},
    summary="A hall's violations of a period (default: this month)",
)
def list_violations(request: HttpRequest, hall_id: int, period: Query[Period]) -> list[dict[str, Any]]:
    hall = _hall(actor(request), hall_id, Permission.HALL_VIEW)
    today = local_day(timezone.now())
    start, end = period.start or today.replace(day=1), period.end or today
    low, high = patrols.local_range(start, end)
    return _violations(Violation.objects.filter(hall=hall, at__range=(low, high)))


@router.get(
    "/halls/{hall_id}/scores",
    response={200: list[ScoreOut], **error_responses(404)},
    summary="Each person's monthly score: 100 less the points of their violations",
)
def monthly_scores(request: HttpRequest, hall_id: int, month: Query[Month]) -> list[dict[str, Any]]:
    hall = _hall(actor(request), hall_id, Permission.HALL_VIEW)
    return patrols.monthly_scores(hall, month.year, month.month)


@router.post(
    "/halls/{hall_id}/notices",
    response={201: NoticeOut, **error_responses(403, 404)},
    summary="Publish a notice (通报) listing the violations of a period (the hall's managers)",
)
def publish_notice(request: HttpRequest, hall_id: int, payload: NoticeIn) -> Status[dict[str, Any]]:
    user = actor(request)
    hall = _hall(user, hall_id, Permission.HALL_VIEW)
    notice = patrols.publish_notice(
        hall, actor=user, title=payload.title, start=payload.start, end=payload.end, public=payload.public
    )
    return Status(201, notice_out(notice))


@router.get(
    "/halls/{hall_id}/notices",
    response={200: list[NoticeOut], **error_responses(404)},
    summary="A hall's notices, for its staff",
)
def list_notices(request: HttpRequest, hall_id: int) -> list[dict[str, Any]]:
    hall = _hall(actor(request), hall_id, Permission.HALL_VIEW)
    return [notice_out(n) for n in HallNotice.objects.filter(hall=hall)[:50]]


@router.get(
    "/halls/{hall_id}/public-notices",
    response={200: list[NoticeOut], **error_responses(404)},
    auth=None,
    summary="The notices a hall chose to publish to the public (public)",
)
def list_public_notices(request: HttpRequest, hall_id: int) -> list[dict[str, Any]]:
    hall = Hall.objects.filter(pk=hall_id, active=True).first()
    if hall is None:
        raise NotFound(_("No such hall."))
    return [notice_out(n) for n in HallNotice.objects.filter(hall=hall, public=True)[:50]]


class RankingRow(Schema):
    place: int
    window: int
    name: str
    efficiency: Decimal | None
    staff: Decimal | None
    duty_officer: Decimal | None
    citizens: Decimal | None
    total: Decimal
    flagged: bool = Field(description="Ranked last this month and the month before.")


class RankingOut(Schema):
    month: date
    weights: dict[str, int]
    rows: list[RankingRow]


@router.get(
    "/halls/{hall_id}/ranking",
    response={200: RankingOut, **error_responses(404)},
    auth=None,
    summary="The monthly ranking of the hall's windows with the configured weights (public)",
)
def get_ranking(request: HttpRequest, hall_id: int, month: Query[Month]) -> dict[str, Any]:
    hall = Hall.objects.filter(pk=hall_id, active=True).first()
    if hall is None:
        raise NotFound(_("No such hall."))
    return ranking.with_flags(hall, month.year, month.month)
