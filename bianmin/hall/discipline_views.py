"""Pages of the hall's discipline beside the notices: a manager's action on a violation (the escalation
chain and accountability), the duty officer's marks of the month, the half-year assessment, and the public
page of the notices a hall chose to publish."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bianmin.errors import DomainError
from bianmin.hall import assessment, escalation, ranking
from bianmin.hall.models import DutyOfficerMark, Hall, HallNotice, Violation, Window, WindowSession
from bianmin.hall.patrol_views import _hall, _user
from bianmin.hall.services import local_day
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope


@login_required
@require_POST
def violation_act(request: HttpRequest, violation_id: int) -> HttpResponse:
    """A manager moves a violation along the chain, or records the measure taken, from the notices page."""
    user = _user(request)
    violation = Violation.objects.restrict(user, Permission.HALL_MANAGE).filter(pk=violation_id).first()
    if violation is None:
        raise Http404
    days = request.POST.get("fix_days", "").strip()
    try:
        escalation.act(
            violation,
            request.POST.get("action", ""),
            actor=user,
            note=request.POST.get("note", ""),
            measure=request.POST.get("measure", ""),
            fix_days=int(days) if days.isdigit() else None,
        )
    except DomainError as exc:
        messages.error(request, exc.describe())
    else:
        messages.success(request, _("Saved."))
    return HttpResponseRedirect(reverse("hall:notices", args=[violation.hall_id]) + f"#v{violation.pk}")


def _int_or_none(text: str) -> int | str | None:
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text  # text: refused by the service's check below


@login_required
@require_http_methods(["GET", "POST"])
def marks(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The duty officer's mark (0–100) of each window for a month: a part of the monthly ranking."""
    user = _user(request)
    hall = _hall(request, hall_id, Permission.HALL_VIEW)
    if not in_scope(user, Permission.HALL_MANAGE, hall.unit.path):
        raise Http404
    today = local_day(timezone.now())
    month = parse_date(request.POST.get("month", request.GET.get("month", "")) + "-01") or today.replace(day=1)
    windows = list(Window.objects.filter(hall=hall).order_by("number"))
    if request.method == "POST":
        given = {w.pk: _int_or_none(request.POST.get(f"mark-{w.pk}", "")) for w in windows}
        scores = {pk: v for pk, v in given.items() if not isinstance(v, str)}
        try:
            if len(scores) < len(given):
                raise DomainError("invalid", _("A mark is a whole number from 0 to 100."))
            saved = ranking.set_marks(hall, actor=user, month=month, scores=scores)
        except DomainError as exc:
            messages.error(request, exc.describe())
        else:
            messages.success(request, _("%(n)s marks saved.") % {"n": saved})
            return HttpResponseRedirect(reverse("hall:marks", args=[hall.pk]) + f"?month={month:%Y-%m}")
    current = dict(DutyOfficerMark.objects.filter(window__hall=hall, month=month).values_list("window_id", "score"))
    rows = [{"window": w, "mark": current.get(w.pk)} for w in windows]
    return render(request, "hall/marks.html", {"hall": hall, "month": month, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_page(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The half-year assessment of the hall's people and windows; managers add manual items."""
    user = _user(request)
    hall = _hall(request, hall_id, Permission.HALL_VIEW)
    manager = in_scope(user, Permission.HALL_MANAGE, hall.unit.path)
    today = local_day(timezone.now())
    year = int(request.GET.get("year", "")) if request.GET.get("year", "").isdigit() else today.year
    half = 2 if request.GET.get("half") == "2" or ("half" not in request.GET and today.month > 6) else 1
    year = min(max(year, 2000), 2100)
    if request.method == "POST":
        try:
            points = Decimal(request.POST.get("points", "").strip() or "x")
        except InvalidOperation:
            messages.error(request, _("Points are a number from −100 to +5."))
        else:
            # "p<id>" a person who has served at the hall's windows, "w<id>" one of its windows
            target = request.POST.get("target", "")
            kind, pk = target[:1], int(target[1:]) if target[1:].isdigit() else 0
            served = WindowSession.objects.filter(window__hall=hall).values("user_id")
            person = User.objects.filter(pk=pk, pk__in=served).first() if kind == "p" else None
            window = Window.objects.filter(hall=hall, pk=pk).first() if kind == "w" else None
            try:
                assessment.add_item(
                    hall,
                    actor=user,
                    year=year,
                    half=half,
                    title=request.POST.get("title", ""),
                    points=points,
                    person=person,
                    window=window,
                )
            except DomainError as exc:
                messages.error(request, exc.describe())
            else:
                messages.success(request, _("Saved."))
        return HttpResponseRedirect(reverse("hall:assessment", args=[hall.pk]) + f"?year={year}&half={half}")
    result = assessment.half_year(hall, year, half, today=today)
    served = WindowSession.objects.filter(window__hall=hall).values("user_id")
    context = {
        "hall": hall,
        "manager": manager,
        "year": year,
        "half": half,
        "result": result,
        "people": User.objects.filter(pk__in=served).order_by("username") if manager else [],
        "windows": Window.objects.filter(hall=hall).order_by("number") if manager else [],
        "halves": [(today.year, 1), (today.year, 2), (today.year - 1, 1), (today.year - 1, 2)],
    }
    return render(request, "hall/assessment.html", context)


def public_notices(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The notices a hall chose to publish to the public (定期通报), for anyone."""
    hall = Hall.objects.filter(pk=hall_id, active=True).first()
    if hall is None:
        raise Http404
    notices = HallNotice.objects.filter(hall=hall, public=True).prefetch_related(
        "violations__person", "violations__kind", "violations__finding__window"
    )[:20]
    return render(request, "hall/public_notices.html", {"hall": hall, "notices": notices})
