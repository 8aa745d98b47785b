"""The township's pages: its villages × the days of a month at once (and as Excel), and the overview of the
people on duty who show no sign of presence (no check-in, patrol round or grievance taken in)."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from bianmin.duty import activity, grid, presence
from bianmin.duty.models import DutyDay, DutyPlace
from bianmin.duty.views import _user, month_start, townships, visible_townships
from bianmin.errors import DomainError
from bianmin.org.models import Unit
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths

# How far back the overview looks: a month of duty days is what a township reviews.
OVERVIEW_DAYS = 31
OVERVIEW_ROWS = 1000


def _township(request: HttpRequest, code: str) -> Unit:
    """A township or street the user sees the rosters of (a village's cadre does not see the township's)."""
    unit = visible_townships(_user(request)).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


@login_required
@require_GET
def township(request: HttpRequest, code: str, year: int, number: int) -> HttpResponse:
    """Every village's hall and the township's own places × the days of the month, gaps highlighted."""
    unit = _township(request, code)
    first = month_start(year, number)
    found, error = None, ""
    try:
        found = grid.township_grid(unit, first)
    except DomainError as exc:
        error = exc.describe()
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "duty/township.html",
        {"unit": unit, "first": first, "grid": found, "error": error, "previous": previous, "following": following},
    )


@login_required
@require_GET
def township_xlsx(request: HttpRequest, code: str, year: int, number: int) -> HttpResponseBase:
    unit = _township(request, code)
    first = month_start(year, number)
    try:
        found = grid.township_grid(unit, first)
    except DomainError as exc:
        return render(
            request,
            "duty/township.html",
            {"unit": unit, "first": first, "grid": None, "error": exc.describe()},
            status=409,
        )
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    grid.export_grid(found, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"duty-{unit.code}-{first:%Y-%m}.xlsx")


@login_required
@require_GET
def missing(request: HttpRequest) -> HttpResponse:
    """Who was on duty on a day at the places the user sees, and how each showed presence (or did not)."""
    user = _user(request)
    if scope_paths(user, Permission.DUTY_VIEW) == []:
        return HttpResponseRedirect(reverse("on_duty"))
    today = timezone.localdate()
    day, error = today, ""
    if request.GET.get("date"):
        try:
            day = date.fromisoformat(request.GET["date"])
        except ValueError:
            error = gettext("Write the date as 2026-10-09.")
        else:
            if not today - timedelta(days=OVERVIEW_DAYS) <= day <= today:
                error = gettext("Choose a day of the last %(n)s days.") % {"n": OVERVIEW_DAYS}
                day = today
    only_missing = request.GET.get("all") != "1"
    places = DutyPlace.objects.restrict(user, Permission.DUTY_VIEW)
    found = presence.roll_call(places, day, missing_only=only_missing, limit=OVERVIEW_ROWS + 1)
    since = day.replace(day=1)
    summary = activity.absences_by_person(DutyDay.objects.filter(place__in=places), since, day)
    return render(
        request,
        "duty/missing.html",
        {
            "day": day,
            "today": today,
            "rows": found[:OVERVIEW_ROWS],
            "capped": len(found) > OVERVIEW_ROWS,
            "only_missing": only_missing,
            "error": error,
            "earliest": today - timedelta(days=OVERVIEW_DAYS),
            "before_start": day == today and timezone.localtime().hour < 9,
            "townships": townships(user),
            "since": since,
            "summary": summary,
        },
    )
