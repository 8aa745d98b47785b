"""The duty JSON API under /api/v1/duty/: the public board (no login), and for staff the places, resolved days,
layers, the month check and publishing, changes and their steps, and reception visits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Status
from pydantic import Field

from bianmin.duty import changes, grid, presence, services, store
from bianmin.duty.models import DutyChange, DutyDay, DutyLayer, DutyMember, DutyPlace, HolidayPlan, ReceptionVisit
from bianmin.duty.resolver import month_days
from bianmin.duty.schemas import (
    ActIn,
    ChangeIn,
    ChangeOut,
    DutyDayOut,
    FindingOut,
    GridOut,
    HeadIn,
    LayerIn,
    LayerOut,
    MemberChange,
    MemberIn,
    MemberOut,
    MonthOut,
    PlaceOut,
    PlanIn,
    PlanOut,
    PresenceOut,
    PublicBoardOut,
    PublishIn,
    RosterDate,
    VisitIn,
    VisitOut,
)
from bianmin.duty.views import BOARD_KINDS, board, office_phone, visible_townships
from bianmin.duty.workflow import actions_from
from bianmin.errors import InvalidInput, NotFound, error_responses
from bianmin.org.api import actor
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.schemas import mask_phone

UnitCode = Annotated[str, Field(pattern=r"^[0-9A-Za-z-]{1,32}$", description="The unit's code, e.g. 500236101201.")]

router = Router(tags=["duty"])


def _place(request: HttpRequest, pk: int, permission: Permission = Permission.DUTY_VIEW) -> DutyPlace:
    place = DutyPlace.objects.restrict(actor(request), permission).select_related("unit").filter(pk=pk).first()
    if place is None:
        raise NotFound(_("No such duty place."))
    return place


def _place_out(request: HttpRequest, place: DutyPlace) -> dict[str, Any]:
    return {
        "id": place.pk,
        "unit": place.unit.code,
        "kind": place.kind,
        "name": place.name,
        "head": place.head_id,
        "feed_url": request.build_absolute_uri(reverse("duty:feed", args=[place.feed_secret])),
    }


def _change_out(change: DutyChange) -> dict[str, Any]:
    return {
        "id": change.pk,
        "kind": change.kind,
        "state": change.state,
        "member": change.member_id,
        "colleague": change.colleague_id,
        "date": change.date,
        "other_date": change.other_date,
        "end": change.end,
        "reason": change.reason,
        "actions": [str(a) for a in actions_from(change.state, has_colleague=change.colleague_id is not None)],
    }


def _visit_out(visit: ReceptionVisit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "visited_at": visit.visited_at.isoformat(),
        "visitor_name": visit.visitor_name,
        "visitor_phone": mask_phone(visit.visitor_phone),
        "matter": visit.matter,
        "people_count": visit.people_count,
        "case": visit.case.number if visit.case else None,
    }


@router.get(
    "/public/{code}",
    response={200: PublicBoardOut, **error_responses(404)},
    auth=None,
    summary="Who is on duty this week at a village or township (public; the unit's office phone only)",
)
def public_board(request: HttpRequest, code: Path[UnitCode]) -> dict[str, Any]:
    unit = store.board_unit(code)
    if unit is None or unit.kind not in BOARD_KINDS:
        raise NotFound(_("No such village or township."))
    rows = board(unit, timezone.localdate())
    return {"unit": unit.code, "name": unit.name, "office_phone": office_phone(unit)[0], "days": rows}


@router.get("/places", response={200: list[PlaceOut], **error_responses()}, summary="Duty places in your scope")
def list_places(request: HttpRequest) -> list[dict[str, Any]]:
    places = DutyPlace.objects.restrict(actor(request), Permission.DUTY_VIEW).select_related("unit").order_by("id")
    return [_place_out(request, p) for p in places[:500]]


@router.get(
    "/places/{pk}/days",
    response={200: list[DutyDayOut], **error_responses(404)},
    summary="The resolved roster of a place for a month",
)
def list_days(request: HttpRequest, pk: int, month: RosterDate | None = None) -> list[dict[str, Any]]:
    place = _place(request, pk)
    first = (month or timezone.localdate()).replace(day=1)
    days = month_days(first)
    rows = DutyDay.objects.filter(place=place, date__range=(days[0], days[-1])).order_by("date", "id")
    return [
        {"place": place.pk, **row}
        for row in rows.values("date", "name", "post", "hours", "source", "rest_day", "is_leader")
    ]


@router.get("/places/{pk}/layers", response={200: list[LayerOut], **error_responses(404)}, summary="A place's layers")
def list_layers(request: HttpRequest, pk: int) -> list[DutyLayer]:
    return list(DutyLayer.objects.filter(place=_place(request, pk)))


@router.post(
    "/places/{pk}/layers",
    response={201: LayerOut, **error_responses(403, 404)},
    summary="Add a layer (the months ahead are resolved again)",
)
def add_layer(request: HttpRequest, pk: int, payload: LayerIn) -> Status[DutyLayer]:
    place = _place(request, pk)
    layer = services.save_layer(place, actor=actor(request), **payload.model_dump())
    return Status(201, layer)


@router.get(
    "/places/{pk}/check",
    response={200: list[FindingOut], **error_responses(404, 409)},
    summary="Gaps, short Mondays, reception days without a leader, imbalance",
)
def check_month(request: HttpRequest, pk: int, month: RosterDate) -> list[dict[str, Any]]:
    return [f.as_dict() for f in services.check_month(_place(request, pk), month)]


@router.post(
    "/places/{pk}/publish",
    response={200: MonthOut, **error_responses(403, 404, 409)},
    summary="Publish a month (a month with gaps needs a reason)",
)
def publish(request: HttpRequest, pk: int, payload: PublishIn) -> dict[str, Any]:
    row = services.publish_month(_place(request, pk), actor=actor(request), month=payload.month, reason=payload.reason)
    return {"month": row.month, "state": row.state, "gap_reason": row.gap_reason, "findings": row.findings["items"]}


@router.post(
    "/places/{pk}/changes",
    response={201: ChangeOut, **error_responses(403, 404, 409)},
    summary="Ask for leave, a substitute or a swap (the person, or a manager on their behalf)",
)
def request_change(request: HttpRequest, pk: int, payload: ChangeIn) -> Status[dict[str, Any]]:
    place = _place(request, pk)
    members = {m.pk: m for m in DutyMember.objects.filter(place=place, pk__in=[payload.member, payload.colleague or 0])}
    if payload.member not in members or (payload.colleague and payload.colleague not in members):
        raise InvalidInput({"member": _("Both people must take turns at this place.")})
    change = changes.request_change(
        place,
        actor=actor(request),
        kind=payload.kind,
        member=members[payload.member],
        colleague=members.get(payload.colleague or 0),
        day=payload.date,
        other_day=payload.other_date,
        end=payload.end,
        reason=payload.reason,
    )
    return Status(201, _change_out(change))


@router.get("/changes", response={200: list[ChangeOut], **error_responses()}, summary="Changes in your scope")
def list_changes(request: HttpRequest) -> list[dict[str, Any]]:
    rows = DutyChange.objects.restrict(actor(request), Permission.DUTY_VIEW)[:200]
    return [_change_out(c) for c in rows]


@router.post(
    "/changes/{pk}/act",
    response={200: ChangeOut, **error_responses(403, 404, 409)},
    summary="Accept, decline, approve, reject or withdraw a change",
)
def act(request: HttpRequest, pk: int, payload: ActIn) -> dict[str, Any]:
    change = DutyChange.objects.restrict(actor(request), Permission.DUTY_VIEW).filter(pk=pk).first()
    if change is None:
        raise NotFound(_("No such change."))
    return _change_out(changes.act(change, payload.action, actor=actor(request), note=payload.note))


@router.get(
    "/places/{pk}/visits",
    response={200: list[VisitOut], **error_responses(404)},
    summary="Visits received in a reception room (the last 90 days)",
)
def list_visits(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    place = _place(request, pk)
    since = timezone.now() - timedelta(days=90)
    rows = ReceptionVisit.objects.filter(place=place, visited_at__gte=since).select_related("case")[:500]
    return [_visit_out(v) for v in rows]


@router.post(
    "/places/{pk}/visits",
    response={201: VisitOut, **error_responses(403, 404)},
    summary="Record a visit to the petition reception room (the leader on duty)",
)
def record_visit(request: HttpRequest, pk: int, payload: VisitIn) -> Status[dict[str, Any]]:
    place = _place(request, pk)
    village = None
    if payload.village:
        village = Unit.objects.filter(code=payload.village).first()
        if village is None:
            raise InvalidInput({"village": _("Choose a village of this township.")})
    visit = presence.record_visit(
        place,
        actor=actor(request),
        visitor_name=payload.visitor_name,
        visitor_phone=payload.visitor_phone,
        matter=payload.matter,
        people_count=payload.people_count,
        notes=payload.notes,
        village=village,
    )
    return Status(201, _visit_out(visit))


@router.post(
    "/visits/{pk}/case",
    response={201: VisitOut, **error_responses(403, 404, 409)},
    summary="Make a visit a petition case (channel reception, kind petition)",
)
def visit_to_case(request: HttpRequest, pk: int) -> Status[dict[str, Any]]:
    visit = ReceptionVisit.objects.restrict(actor(request), Permission.DUTY_VIEW).filter(pk=pk).first()
    if visit is None:
        raise NotFound(_("No such visit."))
    presence.visit_to_case(visit, actor=actor(request))
    visit.refresh_from_db()
    return Status(201, _visit_out(visit))


def _member_out(member: DutyMember) -> dict[str, Any]:
    return {
        "id": member.pk,
        "name": member.name,
        "post": member.post,
        "is_leader": member.is_leader,
        "position": member.position,
        "active": member.active,
        "user": member.user_id,
    }


def _account(pk: int | None, field: str) -> User | None:
    """An account named in a body; one that does not exist is refused as the service refuses one outside the
    place's unit (the same message: no probing for accounts)."""
    if pk is None:
        return None
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput({field: _("Only people who hold a role in the place's unit take turns there.")})
    return found


@router.get(
    "/places/{pk}/members",
    response={200: list[MemberOut], **error_responses(404)},
    summary="The people of a place's roster in rotation order (those taken off included)",
)
def list_members(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    rows = DutyMember.objects.filter(place=_place(request, pk)).order_by("-active", "position", "id")
    return [_member_out(m) for m in rows]


@router.post(
    "/places/{pk}/members",
    response={201: MemberOut, **error_responses(403, 404)},
    summary="Put a person on the roster (an account of the place's unit, or a name alone)",
)
def add_member(request: HttpRequest, pk: int, payload: MemberIn) -> Status[dict[str, Any]]:
    place = _place(request, pk)
    member = services.add_member(
        place,
        actor=actor(request),
        post=payload.post,
        user=_account(payload.user, "user"),
        name=payload.name,
        is_leader=payload.is_leader,
        position=payload.position,
    )
    return Status(201, _member_out(member))


def _member(request: HttpRequest, pk: int) -> DutyMember:
    found = (
        DutyMember.objects.restrict(actor(request), Permission.DUTY_VIEW)
        .select_related("place__unit")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No such person on this roster."))
    return found


@router.patch(
    "/members/{pk}",
    response={200: MemberOut, **error_responses(403, 404)},
    summary="Change a person's post, leader flag or order, or bring them back on the roster",
)
def change_member(request: HttpRequest, pk: int, payload: MemberChange) -> dict[str, Any]:
    member = services.update_member(_member(request, pk), actor=actor(request), **payload.model_dump())
    return _member_out(member)


@router.post(
    "/members/{pk}/deactivate",
    response={200: MemberOut, **error_responses(403, 404)},
    summary="Take a person off the roster (kept for the record; the months ahead are worked out again)",
)
def deactivate_member(request: HttpRequest, pk: int) -> dict[str, Any]:
    member = _member(request, pk)
    services.remove_member(member, actor=actor(request))
    member.refresh_from_db()
    return _member_out(member)


@router.post(
    "/places/{pk}/head",
    response={200: PlaceOut, **error_responses(403, 404)},
    summary="Designate the head who approves changes (村书记 / 党政办)",
)
def set_head(request: HttpRequest, pk: int, payload: HeadIn) -> dict[str, Any]:
    place = services.set_head(_place(request, pk), actor=actor(request), head=_account(payload.head, "head"))
    return _place_out(request, place)


def _plan_out(plan: HolidayPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "name": plan.name,
        "start": plan.start,
        "end": plan.end,
        "hours": plan.hours,
        "shifts": [{"date": s.date, "member": s.member_id} for s in plan.shifts.all()],
    }


@router.get(
    "/places/{pk}/plans",
    response={200: list[PlanOut], **error_responses(404)},
    summary="A place's holiday plans (latest first)",
)
def list_plans(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    plans = HolidayPlan.objects.filter(place=_place(request, pk)).prefetch_related("shifts").order_by("-start")
    return [_plan_out(p) for p in plans[:100]]


@router.post(
    "/places/{pk}/plans",
    response={201: PlanOut, **error_responses(403, 404, 409)},
    summary="Enter a holiday plan (春节, 国庆): who is on each of its days, replacing the rotation",
)
def add_plan(request: HttpRequest, pk: int, payload: PlanIn) -> Status[dict[str, Any]]:
    shifts: dict[date, list[int]] = {}
    for shift in payload.shifts:
        shifts.setdefault(shift.date, []).append(shift.member)
    plan = services.save_holiday_plan(
        _place(request, pk),
        actor=actor(request),
        name=payload.name,
        start=payload.start,
        end=payload.end,
        hours=payload.hours,
        shifts=shifts,
    )
    return Status(201, _plan_out(plan))


@router.delete(
    "/plans/{pk}",
    response={204: None, **error_responses(403, 404, 409)},
    summary="Withdraw a holiday plan (the layers decide its days again)",
)
def delete_plan(request: HttpRequest, pk: int) -> Status[None]:
    plan = HolidayPlan.objects.restrict(actor(request), Permission.DUTY_VIEW).filter(pk=pk).first()
    if plan is None:
        raise NotFound(_("No such holiday plan."))
    services.delete_holiday_plan(plan, actor=actor(request))
    return Status(204, None)


@router.get(
    "/townships/{code}/grid",
    response={200: GridOut, **error_responses(404, 409)},
    summary="A township's month at once: its own places and every village's hall × the days, gaps marked",
)
def township_grid(request: HttpRequest, code: Path[UnitCode], month: RosterDate) -> dict[str, Any]:
    unit = visible_townships(actor(request)).filter(code=code).first()
    if unit is None:
        raise NotFound(_("No such township."))
    found = grid.township_grid(unit, month.replace(day=1))
    return {
        "township": unit.code,
        "month": found.days[0],
        "gaps": found.gaps,
        "rows": [
            {
                "unit": row.unit.code,
                "unit_name": row.unit.name,
                "place": row.place.pk if row.place else None,
                "place_name": row.place.name if row.place else "",
                "kind": row.place.kind if row.place else "",
                "gaps": row.gaps,
                "cells": [
                    {"date": day, "names": list(c.names), "gap": c.gap, "rest": c.rest}
                    for day, c in zip(found.days, row.cells, strict=True)
                ],
            }
            for row in found.rows
        ],
    }


@router.get(
    "/presence",
    response={200: list[PresenceOut], **error_responses()},
    summary="Who was on duty on a day in your scope and how each showed presence (check-in, patrol, intake)",
)
def list_presence(request: HttpRequest, day: RosterDate | None = None, missing_only: bool = True) -> list[DutyDay]:
    places = DutyPlace.objects.restrict(actor(request), Permission.DUTY_VIEW)
    return presence.roll_call(places, day or timezone.localdate(), missing_only=missing_only, limit=1000)
