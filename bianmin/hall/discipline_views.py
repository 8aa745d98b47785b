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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bianmin import inputs
from bianmin.errors import DomainError
from bianmin.hall import assessment, escalation, ranking
from bianmin.hall.models import DutyOfficerMark, Hall, HallNotice, Violation, Window
from bianmin.hall.patrol_views import _hall, _user
from bianmin.hall.services import local_day
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
    try:
        escalation.act(
            violation,
            request.POST.get("action", ""),
            actor=user,
            note=request.POST.get("note", ""),
            measure=request.POST.get("measure", ""),
            fix_days=inputs.whole(request.POST.get("fix_days")),
        )
    except DomainError as exc:
        messages.error(request, exc.describe())
    else:
        messages.success(request, _("Saved."))
    return HttpResponseRedirect(reverse("hall:notices", args=[violation.hall_id]) + f"#v{violation.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def marks(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The duty officer's mark (0–100) of each window for a month: a part of the monthly ranking."""
    hall = _hall(request, hall_id, Permission.HALL_MANAGE)
    today = local_day(timezone.now())
    month = inputs.month(request.POST.get("month", request.GET.get("month"))) or today.replace(day=1)
    windows = list(Window.objects.filter(hall=hall).order_by("number"))
    current = dict(DutyOfficerMark.objects.filter(window__hall=hall, month=month).values_list("window_id", "score"))
    typed: dict[int, str] = {}
    wrong: set[int] = set()
    if request.method == "POST":
        typed = {w.pk: request.POST.get(f"mark-{w.pk}", "").strip() for w in windows}
        scores = {pk: inputs.whole(text, high=100) for pk, text in typed.items()}
        # Typed but not a mark: all or nothing, and the form comes back as typed with those flagged.
        wrong = {pk for pk, text in typed.items() if text and scores[pk] is None}
        if not wrong:
            saved = ranking.set_marks(hall, actor=_user(request), month=month, scores=scores)
            messages.success(request, _("%(n)s marks saved.") % {"n": saved})
            return HttpResponseRedirect(reverse("hall:marks", args=[hall.pk]) + f"?month={month:%Y-%m}")
        messages.error(request, _("A mark is a whole number from 0 to 100."))
    rows = [{"window": w, "mark": typed.get(w.pk, current.get(w.pk)), "wrong": w.pk in wrong} for w in windows]
    context = {"hall": hall, "month": month, "rows": rows}
    return render(request, "hall/marks.html", context, status=400 if wrong else 200)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_page(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The half-year assessment of the hall's people and windows; managers add manual items."""
    user = _user(request)
    hall = _hall(request, hall_id, Permission.HALL_VIEW)
    manager = in_scope(user, Permission.HALL_MANAGE, hall.unit.path)
    today = local_day(timezone.now())
    year = min(max(inputs.whole(request.GET.get("year"), high=9999) or today.year, 2000), 2100)
    half = 2 if request.GET.get("half") == "2" or ("half" not in request.GET and today.month > 6) else 1
    if request.method == "POST":
        try:
            points = Decimal(request.POST.get("points", "").strip() or "x")
        except InvalidOperation:
            messages.error(request, _("Points are a number from −100 to +5."))
        else:
            # "p<id>" a person who has served at the hall's windows, "w<id>" one of its windows
            target = request.POST.get("target", "")
            kind, pk = target[:1], inputs.whole(target[1:]) or 0
            person = assessment.people_served(hall).filter(pk=pk).first() if kind == "p" else None
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
    context = {
        "hall": hall,
        "manager": manager,
        "year": year,
        "half": half,
        "result": result,
        "people": assessment.people_served(hall).order_by("username") if manager else [],
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
