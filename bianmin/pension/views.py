"""The pension pages: the working lists of a village or township, a pensioner's record with its actions, the
hall's keyboard flow and the report. Thin: parse, look up through `restrict`, call the service, render."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bianmin.errors import DomainError
from bianmin.org.choices import PLACE_KINDS, UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission, roles_granting
from bianmin.org.scope import in_scope
from bianmin.pension import services
from bianmin.pension.choices import Method, PensionList, Result, StopReason
from bianmin.pension.models import Pensioner
from bianmin.pension.presenters import detail, summary, working_list
from bianmin.pension.reports import MAX_DAYS, pension_report

PAGE_SIZE = 30
MAX_QUERY = 50
# Units offered in the lists' filter: villages and the townships above them.
FILTER_KINDS = {*PLACE_KINDS, UnitKind.TOWNSHIP, UnitKind.STREET}


def _user(request: HttpRequest, permission: Permission) -> User | None:
    """The signed-in user if they hold `permission` on any unit, else None (the page answers 403)."""
    user = request.user
    if isinstance(user, User) and Unit.objects.restrict(user, permission).exists():
        return user
    return None


def explain(exc: DomainError) -> str:
    """A refusal as a person reads it: each field's own sentence, which says what to fix, else the message;
    never the field's code (`describe` writes "failure_reason: …", meant for the admin and the CLI)."""
    texts = [str(text) for text in exc.fields.values() if str(text)]
    return " ".join(texts) or str(exc.message)


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "pension/forbidden.html", status=403)


def _units(user: User) -> list[Unit]:
    return list(Unit.objects.restrict(user, Permission.PENSION_VIEW).filter(kind__in=FILTER_KINDS).order_by("path"))


@login_required
@require_GET
def lists(request: HttpRequest) -> HttpResponse:
    """Due in 30 days, overdue, suspended, home visits: for every village in the caller's scope or one unit."""
    user = _user(request, Permission.PENSION_VIEW)
    if user is None:
        return forbidden(request)
    which = request.GET.get("list", PensionList.DUE)
    which = which if which in PensionList.values else PensionList.DUE
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    units = _units(user)
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), None)
    base = Pensioner.objects.restrict(user, Permission.PENSION_VIEW)
    if unit is not None:
        base = base.filter(village__in=Unit.objects.subtree(unit).values("id"))
    today = timezone.localdate()
    rows = working_list(base, which, today=today, q=q).select_related("village", "scheme")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in (("unit", unit.code if unit else ""), ("q", q)) if v}
    tabs = [
        (value, label, working_list(base, value, today=today).count(), urlencode({**keep, "list": value}))
        for value, label in PensionList.choices
        if value != PensionList.ALL
    ]
    context = {
        "which": which,
        "tabs": tabs,
        "units": units,
        "unit": unit,
        "q": q,
        "rows": [summary(p, user, today) for p in page.object_list],
        "page": page,
        "query": urlencode({**keep, "list": which}),
        "can_certify": Unit.objects.restrict(user, Permission.PENSION_CERTIFY).exists(),
        "can_manage": Unit.objects.restrict(user, Permission.PENSION_MANAGE).exists(),
    }
    return render(request, "pension/lists.html", context)


def _visible(user: User, pk: int) -> Pensioner | None:
    return (
        Pensioner.objects.restrict(user, Permission.PENSION_VIEW)
        .select_related("village", "scheme", "assistant")
        .filter(pk=pk)
        .first()
    )


@login_required
@require_GET
def pensioner(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, Permission.PENSION_VIEW)
    if user is None:
        return forbidden(request)
    found = _visible(user, pk)
    if found is None:
        return render(request, "pension/not_found.html", status=404)
    path = found.village.path
    context = {
        "p": detail(found, user),
        "can_certify": in_scope(user, Permission.PENSION_CERTIFY, path),
        "can_manage": in_scope(user, Permission.PENSION_MANAGE, path),
        "methods": Method.choices,
        "results": Result.choices,
        "reasons": StopReason.choices,
        "today": timezone.localdate(),
    }
    return render(request, "pension/pensioner.html", context)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The record page's forms: certify (with a home visit's photo), flag for a home visit, stop."""
    user = _user(request, Permission.PENSION_VIEW)
    if user is None:
        return forbidden(request)
    found = _visible(user, pk)
    if found is None:
        return render(request, "pension/not_found.html", status=404)
    data = request.POST
    try:
        if action == "certify":
            done = services.certify(
                found,
                actor=user,
                method=data.get("method", ""),
                result=data.get("result", Result.PASSED),
                failure_reason=data.get("failure_reason", ""),
                device_ref=data.get("device_ref", ""),
                location=data.get("location", ""),
                photo=request.FILES.get("photo"),
            )
            text = _("Certification recorded.")
            if done.resumed:
                text += " " + _("The pension is resumed; back-pay %(n)s months.") % {"n": done.back_pay_months}
            messages.success(request, text)
        elif action == "home_visit":
            services.update_pensioner(found, actor=user, needs_home_visit=data.get("needs_home_visit") == "1")
            messages.success(request, _("Saved."))
        elif action == "stop":
            try:
                ended = date.fromisoformat(data.get("ended_on", ""))
            except ValueError:
                messages.error(request, _("Enter the date as 2026-03-15."))
                return HttpResponseRedirect(reverse("pension:pensioner", args=[pk]))
            _p, months = services.stop_pensioner(
                found, actor=user, reason=data.get("reason", ""), ended_on=ended, note=data.get("note", "")
            )
            messages.success(request, _("The pension is stopped; %(n)s months were overpaid.") % {"n": months})
        else:
            return render(request, "pension/not_found.html", status=404)
    except DomainError as exc:
        messages.error(request, explain(exc))
    except ValueError:  # an unknown method, result or reason from a hand-made form
        messages.error(request, _("Some fields are not valid."))
    return HttpResponseRedirect(reverse("pension:pensioner", args=[pk]))


@login_required
@require_GET
def hall(request: HttpRequest) -> HttpResponse:
    """The hall's keyboard flow: type or scan the identity number, Enter, next (static/pension/hall.js)."""
    user = _user(request, Permission.PENSION_CERTIFY)
    if user is None:
        return forbidden(request)
    methods = [(v, label) for v, label in Method.choices if v != Method.DATA_COMPARISON]
    # Where the counter is: the units where the caller certifies, their own first (a township's hall).
    places = (
        Unit.objects.restrict(user, Permission.PENSION_CERTIFY)
        .filter(memberships__user=user, memberships__role__in=roles_granting(Permission.PENSION_CERTIFY))
        .distinct()
    )
    context = {"methods": methods, "default": Method.IN_PERSON_HALL, "places": places.order_by("depth", "code")}
    return render(request, "pension/hall.html", context)


def period(request: HttpRequest) -> tuple[date, date, str | None]:
    """The report's period from the query (default: this month to today), or an error to show."""
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("start") or today.replace(day=1).isoformat())
        end = date.fromisoformat(request.GET.get("end") or today.isoformat())
    except ValueError:
        return today.replace(day=1), today, _("Enter the dates as 2026-03-15.")
    if end < start or (end - start).days > MAX_DAYS or start.year < 1990:
        return today.replace(day=1), today, _("The period must run forwards and last at most three years.")
    return start, end, None


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    user = _user(request, Permission.PENSION_VIEW)
    if user is None:
        return forbidden(request)
    start, end, error = period(request)
    units = _units(user)
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), None)
    figures = pension_report(user, start, end, unit)
    peak = max((r["total"] for r in figures.by_day), default=0)
    query = urlencode({k: v for k, v in (("start", start), ("end", end), ("unit", unit.code if unit else "")) if v})
    context: dict[str, Any] = {
        "r": figures,
        "error": error,
        "units": units,
        "unit": unit,
        "peak": peak,
        "query": query,
        "yesterday": timezone.localdate() - timedelta(days=1),
    }
    return render(request, "pension/report.html", context)
