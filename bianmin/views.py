"""The pages every user starts from: login and the home page with their units and roles."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bianmin.org.models import User
from bianmin.workdays.services import is_workday, schedule_warning


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):  # login_required has let only a signed-in user through
        return redirect_to_login(request.get_full_path())
    today = timezone.localdate()
    memberships = user.memberships.select_related("unit", "unit__parent").order_by("unit__path", "role")
    context = {
        "memberships": memberships,
        "today": today,
        "today_is_workday": is_workday(today),
        "calendar_warning": schedule_warning(today, date(today.year + 1, 12, 31)),
    }
    return render(request, "bianmin/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and the install script: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
