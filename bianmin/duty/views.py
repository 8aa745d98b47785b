"""Pages: the public "今日值班" board per village and township (no login, cacheable, a QR code to print and a
full-screen version for the village hall's screen), the iCalendar feeds, and the staff pages (my duty and
check-in, the month review and publishing, changes, reception visits)."""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from bianmin.duty import changes, presence, services, store
from bianmin.duty.choices import ChangeKind, ChangeState, DayRule, PlaceKind
from bianmin.duty.models import (
    FIRST_DAY,
    LAST_DAY,
    Attendance,
    DutyChange,
    DutyDay,
    DutyLayer,
    DutyMember,
    DutyMonth,
    DutyPlace,
    ReceptionVisit,
)
from bianmin.duty.store import BoardRow, BoardUnit
from bianmin.errors import DomainError
from bianmin.org.choices import PLACE_KINDS, UnitKind
from bianmin.org.models import Unit, UnitQuerySet, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths

TOWNSHIP_KINDS = (UnitKind.TOWNSHIP, UnitKind.STREET)
BOARD_KINDS = frozenset({*PLACE_KINDS, *TOWNSHIP_KINDS})
PUBLIC_MAX_AGE = 60  # seconds a phone or proxy may keep the public board
BOARD_CACHE_SECONDS = 300  # a worker's rendering, keyed by the ETag (so never stale)


def board(unit: BoardUnit, today: date) -> list[BoardRow]:
    """The one read of the public board: the unit's and (for a village) its township's duty days this week;
    the rows carry name, post and hours, never a phone."""
    units = [unit.id] + ([unit.parent_id] if unit.kind in PLACE_KINDS and unit.parent_id else [])
    return store.board_rows(units, today, today + timedelta(days=6))


def office_phone(unit: BoardUnit) -> tuple[str, str]:
    """(phone, whose): the unit's office phone, else its parent's or grandparent's: never a person's."""
    for phone, whose in (
        (unit.phone, ""),
        (unit.parent_phone, unit.parent_name),
        (unit.grandparent_phone, unit.grandparent_name),
    ):
        if phone:
            return phone, whose
    return "", ""


def qr_svg(url: str) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True, title=url))


@require_GET
def today(request: HttpRequest, code: str) -> HttpResponse:
    """今日值班: who is on duty today and this week at a village's hall or a township, the unit's office phone
    and the township reception room's leader today. Public; ETag and Cache-Control for a crowd."""
    unit = store.board_unit(code)
    if unit is None or unit.kind not in BOARD_KINDS:
        raise Http404
    day = timezone.localdate()
    rows = board(unit, day)
    screen = request.GET.get("screen") == "1"
    key = repr((request.get_host(), unit, day, screen, request.LANGUAGE_CODE, rows))
    etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        # The page is a function of what went into the ETag: each worker keeps the rendering (the QR code
        # alone costs ~10 ms), so a crowd costs two indexed reads and a lookup.
        body = cache.get(f"duty:board:{etag}")
        if body is None:
            body = _render_board(request, unit, day, rows, screen)
            cache.set(f"duty:board:{etag}", body, BOARD_CACHE_SECONDS)
        response = HttpResponse(body)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    # The language comes from the header or the language cookie.
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def _render_board(request: HttpRequest, unit: BoardUnit, day: date, rows: list[BoardRow], screen: bool) -> str:
    own = [r for r in rows if r.unit_id == unit.id]
    week: dict[date, list[BoardRow]] = {}
    for row in own:
        week.setdefault(row.date, []).append(row)
    reception = [r for r in rows if r.place_kind == PlaceKind.RECEPTION_ROOM and r.date == day and r.is_leader]
    url = request.build_absolute_uri(reverse("duty:today", args=[unit.code]))
    context = {
        "office": office_phone(unit),
        "unit": unit,
        "township": unit.parent_name if unit.kind in PLACE_KINDS else unit.name,
        "day": day,
        "on_duty": week.get(day, []),
        "week": [(d, week.get(d, [])) for d in (day + timedelta(days=i) for i in range(1, 7))],
        "reception": reception,
        "qr": mark_safe(qr_svg(url)),  # noqa: S308 (segno's own SVG of our own URL)
        "page_url": url,
        "screen": screen,
    }
    # No request in the context: the page holds nothing of one visitor, so it can be shared.
    return render_to_string("duty/screen.html" if screen else "duty/today.html", context)


@require_GET
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The iCalendar feed of a person's (a roster member's secret) or a place's (the place's secret) duty days."""
    from bianmin.duty.feeds import ical

    start = timezone.localdate() - timedelta(days=31)
    member = DutyMember.objects.filter(feed_secret=secret, active=True).select_related("place").first()
    if member is not None:
        rows = DutyDay.objects.filter(member=member, date__gte=start).select_related("place")
        title = f"{member.name} · {member.place.name}"
    else:
        place = DutyPlace.objects.filter(feed_secret=secret).first()
        if place is None:
            raise Http404
        rows = DutyDay.objects.filter(place=place, date__gte=start).select_related("place")
        title = place.name
    body = ical(title, rows.order_by("date", "id"), request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _user(request: HttpRequest) -> User:
    """The signed-in user of a @login_required page."""
    if not isinstance(request.user, User):
        raise Http404
    return request.user


def field_errors(exc: DomainError) -> dict[str, str]:
    """A refusal's messages by the field they name, to show beside it (pages never show a field's code name)."""
    return {name: str(text) for name, text in exc.fields.items()}


def _place(request: HttpRequest, pk: int, permission: Permission = Permission.DUTY_VIEW) -> DutyPlace:
    place = DutyPlace.objects.restrict(_user(request), permission).select_related("unit", "head").filter(pk=pk).first()
    if place is None:
        raise Http404
    return place


def visible_townships(user: User) -> UnitQuerySet:
    """The townships and streets whose rosters the user sees (a village's cadre does not see the township's):
    the one place that decides it, for the links, the month grid page and the API."""
    return Unit.objects.restrict(user, Permission.DUTY_VIEW).filter(kind__in=TOWNSHIP_KINDS, is_active=True)


def townships(user: User) -> list[Unit]:
    """The townships whose month grid the user may open (links on the home and overview pages)."""
    return list(visible_townships(user).order_by("path")[:100])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My duty: the days ahead with check-in and check-out, the changes waiting for me, the places I see."""
    user = _user(request)
    if scope_paths(user, Permission.DUTY_VIEW) == []:
        # A villager (or anyone without a roster to see) is looking for who is on duty: the public page.
        return HttpResponseRedirect(reverse("on_duty"))
    day = timezone.localdate()
    rows = DutyDay.objects.filter(user=user, date__range=(day, day + timedelta(days=30))).select_related("place")
    checked = {a.place_id: a for a in Attendance.objects.filter(user=user, date=day)}
    mine = [(row, checked.get(row.place_id) if row.date == day else None) for row in rows[:20]]
    waiting = list(
        DutyChange.objects.restrict(user, Permission.DUTY_VIEW)
        .filter(state__in=[ChangeState.REQUESTED, ChangeState.ACCEPTED])
        .select_related("place__unit", "member", "colleague")[:50]
    )
    places = list(DutyPlace.objects.restrict(user, Permission.DUTY_VIEW).select_related("unit").order_by("id")[:200])
    feeds = [
        (m.place.name, request.build_absolute_uri(reverse("duty:feed", args=[m.feed_secret])))
        for m in DutyMember.objects.filter(user=user, active=True).select_related("place")
    ]
    managed = DutyPlace.objects.restrict(user, Permission.DUTY_CHANGE)
    missing = presence.roll_call(managed, day, limit=20) if timezone.localtime().hour >= 9 else []
    return render(
        request,
        "duty/home.html",
        {
            "mine": mine,
            "today": day,
            "waiting": [(c, changes.actions_for(c, user)) for c in waiting],
            "places": places,
            "missing": missing,
            "townships": townships(user),
            "feeds": feeds,
            "missing_years": services.missing_years(day),
            "month": day.replace(day=1),
        },
    )


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    place = _place(request, pk)
    try:
        if what == "in":
            presence.check_in(place, actor=_user(request))
            messages.success(request, gettext("Checked in."))
        else:
            presence.check_out(place, actor=_user(request))
            messages.success(request, gettext("Checked out."))
    except DomainError as exc:
        messages.error(request, exc.describe())
    return HttpResponseRedirect(reverse("duty:home"))


@login_required
def month(request: HttpRequest, pk: int, year: int, number: int) -> HttpResponse:
    """Review a month: the resolved days, the check's findings, publishing; and asking for a change."""
    place = _place(request, pk)
    user = _user(request)
    first = month_start(year, number)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("do") == "publish":
                services.publish_month(place, actor=user, month=first, reason=request.POST.get("reason", ""))
                messages.success(request, gettext("The month is published."))
            else:
                _request_change(request, place, user)
                messages.success(request, gettext("The change is requested."))
            return HttpResponseRedirect(request.path)
        except DomainError as exc:
            error = exc.describe()
        except (KeyError, ValueError, DutyMember.DoesNotExist):
            error = gettext("Some fields are not valid.")
    findings: list[Any] = []
    try:
        findings = services.check_month(place, first)
    except DomainError as exc:
        error = error or exc.describe()
    days: dict[date, list[DutyDay]] = {}
    for row in DutyDay.objects.filter(place=place, date__range=(first, _last(first))).order_by("date", "id"):
        days.setdefault(row.date, []).append(row)
    members = {m.pk: m for m in DutyMember.objects.filter(place=place, active=True)}
    # The change form: what was sent when it was refused, else the signed-in person and the day they came from.
    asked = request.POST if request.method == "POST" and request.POST.get("do") != "publish" else None
    own = next((m.pk for m in members.values() if m.user_id == user.pk), None)
    form = {k: asked.get(k, "") for k in CHANGE_FIELDS} if asked else {"member": str(own or ""), "date": ""}
    with contextlib.suppress(ValueError):
        came_from = date.fromisoformat(request.GET.get("date", ""))
        if asked is None and first <= came_from <= _last(first):
            form["date"] = came_from.isoformat()
    published = DutyMonth.objects.filter(place=place, month=first).first()
    previous, following = (first - timedelta(days=1)).replace(day=1), _last(first) + timedelta(days=1)
    return render(
        request,
        "duty/month.html",
        {
            "place": place,
            "first": first,
            "days": [(d, days.get(d, [])) for d in _dates(first)],
            "findings": [(f, members.get(f.member_id) if f.member_id else None) for f in findings],
            "published": published,
            "members": members.values(),
            "kinds": ChangeKind.choices,
            "form": form,
            "can_change": services.may(user, Permission.DUTY_CHANGE, place),
            "error": error,
            "previous": previous,
            "following": following,
            "visits": ReceptionVisit.objects.filter(place=place).count()
            if place.kind == PlaceKind.RECEPTION_ROOM
            else None,
        },
    )


def month_start(year: int, number: int) -> date:
    """The first day of the month a page's address names; not found for a month 13 or one out of a roster's
    range (`FIRST_DAY`–`LAST_DAY`: a page links the months either side)."""
    try:
        first = date(year, number, 1)
    except ValueError:
        raise Http404 from None
    if not FIRST_DAY <= first <= LAST_DAY:
        raise Http404
    return first


CHANGE_FIELDS = ("kind", "member", "date", "colleague", "other_date", "end", "reason")


def _last(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _dates(first: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((_last(first) - first).days + 1)]


def _request_change(request: HttpRequest, place: DutyPlace, user: User) -> DutyChange:
    data = request.POST
    member = DutyMember.objects.get(place=place, pk=int(data["member"]))
    colleague = DutyMember.objects.get(place=place, pk=int(data["colleague"])) if data.get("colleague") else None
    other = date.fromisoformat(data["other_date"]) if data.get("other_date") else None
    end = date.fromisoformat(data["end"]) if data.get("end") else None
    return changes.request_change(
        place,
        actor=user,
        kind=data.get("kind", ""),
        member=member,
        colleague=colleague,
        day=date.fromisoformat(data["date"]),
        other_day=other,
        end=end,
        reason=data.get("reason", ""),
    )


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    change = DutyChange.objects.restrict(_user(request), Permission.DUTY_VIEW).filter(pk=pk).first()
    if change is None:
        raise Http404
    try:
        changes.act(change, action, actor=_user(request), note=request.POST.get("note", ""))
        messages.success(request, gettext("Done."))
    except DomainError as exc:
        messages.error(request, exc.describe())
    back = request.POST.get("next", "")
    # Only back to a duty page: never an open redirect.
    return HttpResponseRedirect(back if back.startswith("/duty/") else reverse("duty:home"))


@login_required
def visits(request: HttpRequest, pk: int) -> HttpResponse:
    """A reception room's visits: record one (the leader on duty), make one a petition case, and the report
    of the last 90 days per leader."""
    place = _place(request, pk)
    if place.kind != PlaceKind.RECEPTION_ROOM:
        raise Http404
    user = _user(request)
    error = ""
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("do") == "case":
                visit = ReceptionVisit.objects.filter(place=place, pk=int(data.get("visit", "0"))).first()
                if visit is None:
                    raise Http404
                case = presence.visit_to_case(visit, actor=user)
                messages.success(request, gettext("The visit is now petition case %(n)s.") % {"n": case.number})
            else:
                village = Unit.objects.filter(code=data.get("village", ""), parent=place.unit).first()
                presence.record_visit(
                    place,
                    actor=user,
                    visitor_name=data.get("visitor_name", ""),
                    visitor_phone=data.get("visitor_phone", ""),
                    matter=data.get("matter", ""),
                    people_count=int(data.get("people_count") or 1),
                    notes=data.get("notes", ""),
                    village=village,
                )
                messages.success(request, gettext("The visit is recorded."))
            return HttpResponseRedirect(request.path)
        except DomainError as exc:
            error = exc.describe()
        except ValueError:
            error = gettext("Some fields are not valid.")
    today = timezone.localdate()
    rows = ReceptionVisit.objects.filter(place=place).select_related("leader", "case", "village")[:100]
    report = presence.visit_report(ReceptionVisit.objects.filter(place=place), today - timedelta(days=90), today)
    return render(
        request,
        "duty/visits.html",
        {
            "place": place,
            "rows": rows,
            "report": report,
            "error": error,
            "can_record": services.may(user, Permission.RECEPTION_RECORD, place),
            "villages": Unit.objects.filter(parent=place.unit, kind__in=PLACE_KINDS).order_by("code"),
        },
    )


@login_required
def layers(request: HttpRequest, pk: int) -> HttpResponse:
    """A place's layers and people: add or remove a layer (the months ahead are resolved again)."""
    place = _place(request, pk)
    user = _user(request)
    error = ""
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("do") == "delete":
                layer = DutyLayer.objects.filter(place=place, pk=int(data.get("layer", "0"))).first()
                if layer is None:
                    raise Http404
                services.delete_layer(layer, actor=user)
            else:
                services.save_layer(
                    place,
                    actor=user,
                    name=data.get("name", ""),
                    days=data.get("days", ""),
                    everyone=data.get("everyone") == "1",
                    people_per_day=int(data.get("people_per_day") or 1),
                    hours=data.get("hours", ""),
                    priority=int(data.get("priority") or 1),
                )
            messages.success(request, gettext("Done."))
            return HttpResponseRedirect(request.path)
        except DomainError as exc:
            error = exc.describe()
        except ValueError:
            error = gettext("Some fields are not valid.")
    today = timezone.localdate()
    return render(
        request,
        "duty/layers.html",
        {
            "place": place,
            "layers": DutyLayer.objects.filter(place=place),
            "members": DutyMember.objects.filter(place=place, active=True).select_related("user"),
            "rules": DayRule.choices,
            "error": error,
            "can_change": services.may(user, Permission.DUTY_CHANGE, place),
            "month": today.replace(day=1),
            "missing": services.missing_years(today),
        },
    )
