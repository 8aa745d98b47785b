"""A place's roster pages: its people (add, change post, leader flag and order, take off and bring back, the
head who approves changes) and its holiday plans (春节, 国庆: a fixed block that replaces the rotation)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext

from bianmin import inputs
from bianmin.duty import services
from bianmin.duty.models import DutyDay, DutyMember, DutyPlace, HolidayPlan
from bianmin.duty.views import _place, _user, field_errors
from bianmin.errors import DomainError, InvalidInput
from bianmin.org.models import User
from bianmin.org.permissions import Permission


def _unit_people(place: DutyPlace) -> list[User]:
    """The accounts holding a role in the place's unit: who may take turns there, or be its head."""
    return list(User.objects.filter(memberships__unit=place.unit, is_active=True).distinct().order_by("username"))


def _int(value: str | None, default: int | None = None) -> int | None:
    if value is None or not value.strip():
        return default
    return int(value)


@login_required
def people(request: HttpRequest, pk: int) -> HttpResponse:
    place = _place(request, pk)
    user = _user(request)
    error = ""
    if request.method == "POST":
        try:
            _save_people(request, place, user)
            messages.success(request, gettext("Saved; the months ahead are worked out again."))
            return HttpResponseRedirect(request.path)
        except DomainError as exc:
            error = exc.describe()
        except (ValueError, DutyMember.DoesNotExist, User.DoesNotExist):
            error = gettext("Some fields are not valid.")
    members = list(DutyMember.objects.filter(place=place).select_related("user").order_by("-active", "position", "id"))
    unit_people = _unit_people(place)
    on_roster = {m.user_id for m in members if m.active}
    return render(
        request,
        "duty/people.html",
        {
            "place": place,
            "members": members,
            "candidates": [u for u in unit_people if u.pk not in on_roster],
            "unit_people": unit_people,
            "can_change": services.may(user, Permission.DUTY_CHANGE, place),
            "error": error,
        },
    )


def _save_people(request: HttpRequest, place: DutyPlace, user: User) -> None:
    data = request.POST
    what = data.get("do", "")
    if what == "head":
        head_id = _int(data.get("head"))
        head = User.objects.get(pk=head_id) if head_id else None
        services.set_head(place, actor=user, head=head)
        return
    if what == "add":
        account_id = _int(data.get("user"))
        services.add_member(
            place,
            actor=user,
            post=data.get("post", ""),
            user=User.objects.get(pk=account_id) if account_id else None,
            name=data.get("name", ""),
            is_leader=data.get("is_leader") == "1",
            position=_int(data.get("position")),
        )
        return
    member = DutyMember.objects.get(place=place, pk=_int(data.get("member")) or 0)
    if what == "remove":
        services.remove_member(member, actor=user)
    elif what in ("save", "restore"):
        services.update_member(
            member,
            actor=user,
            post=data.get("post", member.post),
            is_leader=data.get("is_leader") == "1" if what == "save" else member.is_leader,
            position=_int(data.get("position"), member.position) or 0,
            name=data.get("name", ""),
            active=True,
        )
    else:
        raise InvalidInput({"do": gettext("Unknown action.")})


def _day(data: QueryDict, field: str) -> date:
    found = inputs.day(data.get(field))
    if found is None:
        raise InvalidInput({field: gettext("Write the date as 2026-10-09.")})
    return found


def _shifts(values: Sequence[str]) -> dict[date, list[int]]:
    """`2026-10-01:12` → roster member 12 on 1 October (the service checks who and when)."""
    shifts: dict[date, list[int]] = {}
    try:
        for value in values:
            day, _sep, member = value.partition(":")
            shifts.setdefault(date.fromisoformat(day), []).append(int(member))
    except ValueError:
        raise InvalidInput({"shifts": gettext("Tick who is on duty on each day.")}) from None
    return shifts


def _save_plan(data: QueryDict, place: DutyPlace, user: User) -> None:
    if data.get("do") == "delete":
        plan = HolidayPlan.objects.filter(place=place, pk=_int(data.get("plan")) or 0).first()
        if plan is None:
            raise Http404
        services.delete_holiday_plan(plan, actor=user)
        return
    services.save_holiday_plan(
        place,
        actor=user,
        name=data.get("name", ""),
        start=_day(data, "start"),
        end=_day(data, "end"),
        hours=data.get("hours", ""),
        shifts=_shifts(data.getlist("shift")),
    )


def _plan_table(
    data: QueryDict, place: DutyPlace, members: list[DutyMember], ticked: set[str]
) -> list[tuple[date, list[tuple[DutyMember, bool]]]]:
    """The second step: a row per day of the chosen span, a box per person, ticked as given (else from the
    roster as it now resolves). Refuses days the plan could not have, as saving it would."""
    start, end = _day(data, "start"), _day(data, "end")
    services.check_plan_days(start, end)
    if not ticked:
        on = DutyDay.objects.filter(place=place, date__range=(start, end)).values_list("date", "member_id")
        ticked = {f"{d.isoformat()}:{m}" for d, m in on}
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return [(day, [(m, f"{day.isoformat()}:{m.pk}" in ticked) for m in members]) for day in days]


@login_required
def plans(request: HttpRequest, pk: int) -> HttpResponse:
    """A place's holiday plans; a new one in two steps: its days, then its name, hours and who is on each day
    (the roster as it now resolves is ticked to start from). `services.save_holiday_plan` checks it all; its
    refusals are shown beside the fields they name."""
    place = _place(request, pk)
    user = _user(request)
    data = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        try:
            _save_plan(data, place, user)
            messages.success(request, gettext("Saved; the months ahead are worked out again."))
            return HttpResponseRedirect(request.path)
        except DomainError as exc:
            errors, error = field_errors(exc), str(exc.message)
        except ValueError:
            error = gettext("Some fields are not valid.")
    members = list(DutyMember.objects.filter(place=place, active=True).order_by("position", "id"))
    table: list[tuple[date, list[tuple[DutyMember, bool]]]] = []
    if data.get("start") or data.get("end"):
        ticked = set(data.getlist("shift")) if request.method == "POST" else set()
        try:
            table = _plan_table(data, place, members, ticked)
        except DomainError as exc:
            errors = {**field_errors(exc), **errors}
            error = error or str(exc.message)
    return render(
        request,
        "duty/plans.html",
        {
            "place": place,
            "plans": HolidayPlan.objects.filter(place=place).prefetch_related("shifts__member").order_by("-start")[:50],
            "members": members,
            "table": table,
            "form": {k: data.get(k, "") for k in ("name", "start", "end", "hours")},
            "can_change": services.may(user, Permission.DUTY_CHANGE, place),
            "error": error,
            "errors": errors,
        },
    )
