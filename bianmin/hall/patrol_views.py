"""The patrol form (巡岗记录) and a hall's notices page (通报), with the month's scores."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bianmin import inputs
from bianmin.errors import DomainError, InvalidInput
from bianmin.hall import escalation, excel, patrols, presenters, ranking
from bianmin.hall.choices import Measure
from bianmin.hall.models import FindingKind, Hall, HallNotice, Violation, Window
from bianmin.hall.services import local_day
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 (login_required ran)
    return request.user


def _hall(request: HttpRequest, pk: int, permission: Permission) -> Hall:
    hall = Hall.objects.restrict(_user(request), permission).filter(pk=pk).select_related("unit").first()
    if hall is None:
        raise Http404
    return hall


@login_required
@require_http_methods(["GET", "POST"])
def patrol(request: HttpRequest, hall_id: int) -> HttpResponse:
    """Every window with who is signed in; the inspector marks absence and a finding, with a photo."""
    hall = _hall(request, hall_id, Permission.HALL_PATROL)
    windows = list(Window.objects.filter(hall=hall).order_by("number"))
    if request.method == "POST":
        observations = [
            patrols.Observation(
                window=w,
                present=request.POST.get(f"present-{w.pk}") != "no",
                kind=request.POST.get(f"kind-{w.pk}", ""),
                note=request.POST.get(f"note-{w.pk}", ""),
                photo=request.FILES.get(f"photo-{w.pk}"),
            )
            for w in windows
            if request.POST.get(f"kind-{w.pk}") or request.POST.get(f"present-{w.pk}") == "no"
        ]
        try:
            done = patrols.record_patrol(
                hall, actor=_user(request), observations=observations, note=request.POST.get("note", "")
            )
        except DomainError as exc:
            messages.error(request, exc.describe())
        else:
            found = Violation.objects.filter(finding__patrol=done).count()
            messages.success(request, _("Patrol recorded: %(n)s violations.") % {"n": found})
            return HttpResponseRedirect(reverse("hall:notices", args=[hall.pk]))
    context = {"hall": hall, "windows": presenters.windows(hall), "kinds": FindingKind.objects.filter(active=True)}
    return render(request, "hall/patrol.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notices(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The month's violations and scores, the published notices, and (for managers) a notice to publish."""
    user = _user(request)
    hall = _hall(request, hall_id, Permission.HALL_VIEW)
    manager = in_scope(user, Permission.HALL_MANAGE, hall.unit.path)
    today = local_day(timezone.now())
    if request.method == "POST":
        start, end = inputs.day(request.POST.get("start")), inputs.day(request.POST.get("end"))
        try:
            if start is None or end is None:
                raise InvalidInput({"start": _("Give the period as two days from 2000 to 2100.")})
            patrols.publish_notice(
                hall,
                actor=user,
                title=request.POST.get("title", ""),
                start=start,
                end=end,
                public=request.POST.get("public") == "1",
            )
        except DomainError as exc:
            messages.error(request, exc.describe())
        else:
            messages.success(request, _("The notice is published."))
        return HttpResponseRedirect(reverse("hall:notices", args=[hall.pk]))
    low, high = patrols.local_range(today.replace(day=1), today)
    found = Violation.objects.filter(hall=hall, at__range=(low, high)).select_related(
        "person", "kind", "finding__window"
    )
    # Each violation with the actions a manager may take on it now (the escalation table's rows).
    month = [{"v": v, "steps": escalation.buttons(v.status) if manager else []} for v in found]
    published = HallNotice.objects.filter(hall=hall).prefetch_related(
        "violations__person", "violations__kind", "violations__finding__window"
    )[:20]
    context = {
        "hall": hall,
        "manager": manager,
        "patroller": in_scope(user, Permission.HALL_PATROL, hall.unit.path),
        "month": month,
        "scores": patrols.monthly_scores(hall, today.year, today.month),
        "people": patrols.people_with_violations(hall.unit, today.replace(day=1), today),
        "notices": published,
        "measures": escalation.measures_taken(hall, today.replace(day=1), today),
        "measure_choices": Measure.choices,
        "today": today,
        "first": today.replace(day=1),
    }
    return render(request, "hall/notices.html", context)


def ranking_page(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The monthly public ranking of the windows (this month unless ?month=2026-11)."""
    hall = Hall.objects.filter(pk=hall_id, active=True).first()
    if hall is None:
        raise Http404
    today = local_day(timezone.now())
    chosen = inputs.month(request.GET.get("month")) or today
    context = {"hall": hall, **ranking.with_flags(hall, chosen.year, chosen.month)}
    return render(request, "hall/ranking.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def stats_export(request: HttpRequest, hall_id: int) -> HttpResponse:
    """A day's statistics as a workbook (?day=2026-12-09; today by default)."""
    hall = _hall(request, hall_id, Permission.HALL_VIEW)
    day = inputs.day(request.GET.get("day")) or local_day(timezone.now())
    response = HttpResponse(excel.stats_workbook(hall, day), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="hall-{hall.pk}-{day:%Y%m%d}.xlsx"'
    return response


def ranking_export(request: HttpRequest, hall_id: int) -> HttpResponse:
    """A month's public window ranking as a workbook (?month=2026-11; this month by default)."""
    hall = Hall.objects.filter(pk=hall_id, active=True).first()
    if hall is None:
        raise Http404
    chosen = inputs.month(request.GET.get("month")) or local_day(timezone.now())
    response = HttpResponse(excel.ranking_workbook(hall, chosen.year, chosen.month), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="hall-{hall.pk}-ranking-{chosen:%Y%m}.xlsx"'
    return response
