"""Projects and funds for staff: the projects of the villages in scope (filtered, paged), the form for a new
project (amounts typed in yuan, kept in fen; its prior notice drafted by the service), a project's record
with its ledger and conflict-of-interest flags, the village committee starting work, paying and completing it,
and the township closing a flag. Thin: parse, look up through `restrict`, call the service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bianmin.errors import DomainError, InvalidInput, PermissionDenied
from bianmin.inputs import day
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.village import presenters, projects
from bianmin.village.choices import DecisionStatus, FlagOutcome, FundSource, ProjectStatus
from bianmin.village.models import ConflictFlag, Decision, Project
from bianmin.village.shared import fen, field_errors, forbidden, staff, villages

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


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    """The projects of the villages in scope, newest first, with what was spent and the open flags."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    shown = villages(user, Permission.VILLAGE_VIEW)
    village = next((v for v in shown if v.code == request.GET.get("village")), None)
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
        "villages": shown,
        "village": village,
        "status": status,
        "statuses": ProjectStatus.choices,
        "query": urlencode(keep),
        "can_create": Unit.objects.restrict(user, Permission.VILLAGE_CHANGE).exists(),
    }
    return render(request, "village/projects.html", context)


def _parse(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The service's fields from the form's text, and the errors of what could not be read."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {name: values[name] for name in TEXT_FIELDS}
    fields["fund_source"] = values["fund_source"]
    budget = fen(values["budget"])
    if budget is None:
        errors["budget"] = _("Enter the amount in yuan, like 52000 or 52000.50.")
    fields["budget_fen"] = budget or 0
    for name in ("period_start", "period_end"):
        fields[name] = day(values[name])
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
    user = staff(request, Permission.VILLAGE_CHANGE)
    if user is None:
        return forbidden(request)
    keeps = villages(user, Permission.VILLAGE_CHANGE)
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
        village = next((v for v in keeps if v.code == values["village"]), None)
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
                errors = field_errors(exc, "name", {"budget_fen": "budget"})
            else:
                messages.success(
                    request, _("Project saved; its prior notice is drafted for the supervision committee to sign.")
                )
                return HttpResponseRedirect(reverse("village:project", args=[created.pk]))
    context = {
        "villages": keeps,
        "decisions": linkable,
        "fund_sources": FundSource.choices,
        "values": values,
        "errors": errors,
    }
    return render(request, "village/project_new.html", context, status=400 if errors else 200)


def _project_page(
    request: HttpRequest,
    user: User,
    project: Project,
    *,
    close: dict[str, Any] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The project's record; `close` or `form` keep a refused flag closing or work form with its messages."""
    context = {
        "p": presenters.project_row(project, user, full=True),
        "project": project,
        "supervises": in_scope(user, Permission.VILLAGE_SUPERVISE, project.village.path),
        "keeps": in_scope(user, Permission.VILLAGE_CHANGE, project.village.path),
        "left_fen": project.budget_fen - project.disbursed_fen,
        "notice_days": projects.prior_notice_days(),
        "today": f"{timezone.localdate():%Y-%m-%d}",
        "outcomes": FlagOutcome.choices,
        "close": close or {},
        "form": form or {},
    }
    return render(request, "village/project.html", context, status=status)


@login_required
@require_GET
def project(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request, Permission.VILLAGE_VIEW)
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


# What each of the project's work forms sends; the first field takes a refusal that names none.
WORK_FORMS = {
    "start": ("on",),
    "pay": ("amount", "paid_on", "payee_name", "payee_code", "voucher"),
    "complete": ("on", "summary"),
}
WORK_DONE = {
    "start": gettext_lazy("Work started: payments can now be recorded."),
    "pay": gettext_lazy("Payment recorded in the ledger."),
    "complete": gettext_lazy(
        "Project completed; its completion notice is drafted for the supervision committee to sign."
    ),
}


def _work(project: Project, user: User, action: str, values: dict[str, str]) -> dict[str, str]:
    """Do the work form's `action`; the errors to show at its fields (none when done)."""
    errors: dict[str, str] = {}
    on = day(values.get("on") or values.get("paid_on") or "")
    if on is None:
        errors["paid_on" if action == "pay" else "on"] = _("Enter a date, like 2026-03-01.")
    amount = fen(values.get("amount", "")) if action == "pay" else 0
    if amount is None:
        errors["amount"] = _("Enter the amount in yuan, like 52000 or 52000.50.")
    if errors or on is None or amount is None:
        return errors
    if action == "start":
        projects.start_work(project, actor=user, on=on)
    elif action == "pay":
        projects.disburse(
            project,
            actor=user,
            payee_name=values["payee_name"],
            payee_code=values["payee_code"],
            amount_fen=amount,
            paid_on=on,
            voucher=values["voucher"],
        )
    else:
        projects.complete_project(project, actor=user, on=on, summary=values["summary"])
    return {}


@login_required
@require_POST
def project_work(request: HttpRequest, pk: int) -> HttpResponse:
    """The village committee starts the work, records a payment or completes the project; a refusal is shown at
    the form's fields, the rest of the page as it was."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    found = Project.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village", "decision")
    project = found.filter(pk=pk).first()
    if project is None:
        raise Http404
    action = request.POST.get("action", "")
    if action not in WORK_FORMS:
        return HttpResponseBadRequest()
    values = {name: request.POST.get(name, "").strip()[:5000] for name in WORK_FORMS[action]}
    try:
        errors = _work(project, user, action, values)
    except PermissionDenied:
        return forbidden(request)
    except DomainError as exc:
        errors = field_errors(exc, WORK_FORMS[action][0], {"amount_fen": "amount"})
    if errors:
        form = {"action": action, "values": values, "errors": errors}
        return _project_page(request, user, found.get(pk=pk), form=form, status=400)
    messages.success(request, WORK_DONE[action])
    return HttpResponseRedirect(reverse("village:project", args=[pk]))


@login_required
@require_POST
def close_flag(request: HttpRequest, pk: int) -> HttpResponse:
    """The township closes a flag with its finding and reason; a refusal is shown at the flag's form."""
    user = staff(request, Permission.VILLAGE_VIEW)
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
