"""The pages every user starts from: login and the home page with their units and roles."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET

from bianmin.org.choices import PLACE_KINDS, UnitKind
from bianmin.org.citizens import is_citizen
from bianmin.org.models import Unit, User
from bianmin.workdays.services import is_workday, may_change_calendar, schedule_warning


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponse:
    """The site's root serves citizens first: the public start page, or a signed-in citizen's matters;
    staff get their units and roles."""
    user = request.user
    if not isinstance(user, User):
        return render(request, "bianmin/citizen_home.html")
    if is_citizen(user):
        return redirect("cases:my_matters")
    today = timezone.localdate()
    memberships = user.memberships.select_related("unit", "unit__parent").order_by("unit__path", "role")
    context = {
        "memberships": memberships,
        "today": today,
        "today_is_workday": is_workday(today),
        # Only those who can enter the missing year hear of it; deadlines say it where they are computed.
        "calendar_warning": may_change_calendar(user) and schedule_warning(today, date(today.year + 1, 12, 31)),
    }
    return render(request, "bianmin/home.html", context)


@require_GET
def on_duty(request: HttpRequest) -> HttpResponse:
    """Who is on duty today (今日值班), for citizens: each township and street with its villages and
    communities, each linked to its public duty board. One query."""
    places = Unit.objects.filter(is_active=True, kind__in=[UnitKind.TOWNSHIP, UnitKind.STREET, *PLACE_KINDS]).order_by(
        "path"
    )
    towns: dict[int, tuple[Unit, list[Unit]]] = {}
    for unit in places.only("code", "name", "kind", "parent_id", "path"):
        if unit.kind in (UnitKind.TOWNSHIP, UnitKind.STREET):
            towns[unit.pk] = (unit, [])
        elif unit.parent_id in towns:
            towns[unit.parent_id][1].append(unit)
    return render(request, "bianmin/on_duty.html", {"towns": list(towns.values())})


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(static("bianmin/favicon.svg"))


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and the install script: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
