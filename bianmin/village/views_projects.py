"""Projects and funds for staff: the projects of the villages in scope (filtered, paged), the form for a new
project (amounts typed in yuan, kept in fen; its prior notice drafted by the service), a project's record
with its ledger and conflict-of-interest flags, and the township closing a flag. Thin: parse, look up through
`restrict`, call the service, render."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bianmin.errors import DomainError, InvalidInput, PermissionDenied
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.village import presenters, projects
from bianmin.village.choices import DecisionStatus, FlagOutcome, FundSource, ProjectStatus
from bianmin.village.models import ConflictFlag, Decision, Project
from bianmin.village.views import _fen, _user, forbidden

PAGE_SIZE = 50
# The text fields of the form, as the service takes them (amounts, dates and numbers are parsed apart).
TEXT_FIELDS = (
    "name",
    "place",
    "content",
    "implementer",
    "responsible",
    "contractor_name",
    "contractor_code",
    "procurement",
    "expected_results",
    "poverty_mechanism",
    "supervision_phone",
)
FORM_FIELDS = (
    "village",
    "decision",
    "fund_source",
    "budget",
    "period_start",
    "period_end",
    "beneficiaries",
    *TEXT_FIELDS,
)


def _villages(user: User, permission: Permission) -> list[Unit]:
    return list(Unit.objects.restrict(user, permission).filter(kind__in=PLACE_KINDS).order_by("path")[:500])


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    """The projects of the villages in scope, newest first, with what was spent and the open flags."""
    user = _user(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    villages = _villages(user, Permission.VILLAGE_VIEW)
    village = next((v for v in villages if v.code == request.GET.get("village")), None)
    status = request.GET.get("status", "")
    status = status if status in ProjectStatus.values else ""
    rows = Project.objects.restrict(user, Permission.VILLAGE_VIEW)
    if village is not None:
        rows = rows.filter(village=village)
    if status:
        rows = rows.filter(status=status)
    listed = (
        rows.select_related("village")
        .annotate(open_flags=Count("flags", filter=Q(flags__closed_at__isnull=True)))
        .order_by("-period_start", "-id")
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in (("village", village.code if village else ""), ("status", status)) if v}
    context = {
        "page": page,
        "villages": villages,
        "village": village,
        "status": status,
        "statuses": ProjectStatus.choices,
        "query": urlencode(keep),
        "can_create": Unit.objects.restrict(user, Permission.VILLAGE_CHANGE).exists(),
    }
    return render(request, "village/projects.html", context)


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _parse(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The service's fields from the form's text, and the errors of what could not be read."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {name: values[name] for name in TEXT_FIELDS}
    fields["fund_source"] = values["fund_source"]
    budget = _fen(values["budget"])
    if budget is None:
        errors["budget"] = _("Enter the amount in yuan, like 52000 or 52000.50.")
    fields["budget_fen"] = budget or 0
    for name in ("period_start", "period_end"):
        fields[name] = _date_or_none(values[name])
        if fields[name] is None:
            errors[name] = _("Enter a date, like 2026-03-01.")
    beneficiaries = values["beneficiaries"] or "0"
    if beneficiaries.isdecimal() and int(beneficiaries) <= 10**7:
        fields["beneficiaries"] = int(beneficiaries)
    else:
        errors["beneficiaries"] = _("Enter a whole number.")
    return fields, errors


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    """A new project of a village the caller keeps the records of; its prior notice is drafted with it."""
    user = _user(request, Permission.VILLAGE_CHANGE)
    if user is None:
        return forbidden(request)
    villages = _villages(user, Permission.VILLAGE_CHANGE)
    linkable = list(
        Decision.objects.restrict(user, Permission.VILLAGE_CHANGE)
        .exclude(status=DecisionStatus.BLOCKED)
        .select_related("village")
        .order_by("-created_at", "-id")[:200]
    )
    source = request.POST if request.method == "POST" else request.GET
    values = {name: source.get(name, "").strip() for name in FORM_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "GET" and values["decision"]:
        # Started from a decision's page: what the decision already says.
        chosen = next((d for d in linkable if str(d.pk) == values["decision"]), None)
        if chosen is not None:
            values["village"] = values["village"] or chosen.village.code
            values["name"] = values["name"] or chosen.title
            values["content"] = values["content"] or chosen.summary
            fen = chosen.amount_fen
            values["budget"] = values["budget"] or (f"{fen // 100}.{fen % 100:02d}" if fen else "")
    if request.method == "POST":
        village = next((v for v in villages if v.code == values["village"]), None)
        decision = next((d for d in linkable if str(d.pk) == values["decision"]), None)
        fields, errors = _parse(values)
        if village is None:
            errors["village"] = _("Choose a village.")
        if values["decision"] and decision is None:
            errors["decision"] = _("Link a decision of this village that is not blocked.")
        if not errors:
            try:
                created = projects.create_project(actor=user, village=village, decision=decision, **fields)  # type: ignore[arg-type]
            except DomainError as exc:
                errors = {("budget" if k == "budget_fen" else k): str(v) for k, v in exc.fields.items()}
                errors = errors or {"name": str(exc.message)}
            else:
                messages.success(
                    request, _("Project saved; its prior notice is drafted for the supervision committee to sign.")
                )
                return HttpResponseRedirect(reverse("village:project", args=[created.pk]))
    context = {
        "villages": villages,
        "decisions": linkable,
        "fund_sources": FundSource.choices,
        "values": values,
        "errors": errors,
    }
    return render(request, "village/project_new.html", context, status=400 if errors else 200)


def _project_page(
    request: HttpRequest, user: User, project: Project, *, close: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "p": presenters.project_row(project, user, full=True),
        "project": project,
        "supervises": in_scope(user, Permission.VILLAGE_SUPERVISE, project.village.path),
        "outcomes": FlagOutcome.choices,
        "close": close or {},
    }
    return render(request, "village/project.html", context, status=status)


@login_required
@require_GET
def project(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    p = (
        Project.objects.restrict(user, Permission.VILLAGE_VIEW)
        .select_related("village", "decision")
        .filter(pk=pk)
        .first()
    )
    if p is None:
        raise Http404
    return _project_page(request, user, p)


@login_required
@require_POST
def close_flag(request: HttpRequest, pk: int) -> HttpResponse:
    """The township closes a flag with its finding and reason; a refusal is shown at the flag's form."""
    user = _user(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    flag = (
        ConflictFlag.objects.restrict(user, Permission.VILLAGE_VIEW)
        .select_related("project__village", "project__decision")
        .filter(pk=pk)
        .first()
    )
    if flag is None:
        raise Http404
    values = {"outcome": request.POST.get("outcome", ""), "reason": request.POST.get("reason", "")[:4000]}
    try:
        projects.close_flag(flag, actor=user, outcome=values["outcome"], reason=values["reason"])
    except PermissionDenied:
        return forbidden(request)
    except InvalidInput as exc:
        close = {"flag": flag.pk, "values": values, "errors": {k: str(v) for k, v in exc.fields.items()}}
        return _project_page(request, user, flag.project, close=close, status=400)
    except DomainError as exc:
        messages.error(request, str(exc.message))  # closed already: the page shows by whom and when
        return _project_page(request, user, flag.project, status=exc.status)
    messages.success(request, _("Flag closed; the supervision case stays linked to it."))
    return HttpResponseRedirect(reverse("village:project", args=[flag.project_id]))
