"""Village-affairs pages for staff: the publications of the villages in scope (to sign, drafts, published,
overdue), a publication with its actions, renderings and channel records, drafting, decisions (projects are
in views_projects.py, the catalogue, charters and relatives in views_records.py), and the township's report
with its Excel export. Thin: parse, look up through `restrict`, call the service, render."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bianmin.errors import DomainError, InvalidInput
from bianmin.inputs import day
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.village import decisions, presenters, reports, services
from bianmin.village.choices import (
    STEP_MEETINGS,
    TRANSITIONS,
    ChannelKind,
    DecisionKind,
    DecisionStatus,
    MeetingType,
    PublicationStatus,
    PublicityCategory,
    Step,
)
from bianmin.village.excel import export_report
from bianmin.village.models import ConflictFlag, Decision, Project, Publication, Register
from bianmin.village.shared import count, fen, field_errors, forbidden, staff, villages, within

LIST_SIZE = 50
TABS = ("to_sign", "drafts", "published", "overdue")


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    tab = request.GET.get("tab", "")
    tab = (
        tab
        if tab in TABS
        else ("to_sign" if Unit.objects.restrict(user, Permission.VILLAGE_SIGN).exists() else "drafts")
    )
    today = timezone.localdate()
    base = Publication.objects.restrict(user, Permission.VILLAGE_VIEW)
    lists = {
        "to_sign": base.filter(status=PublicationStatus.DRAFT).exclude(body=""),
        "drafts": base.filter(status__in=[PublicationStatus.DRAFT, PublicationStatus.SIGNED]),
        "published": base.filter(status=PublicationStatus.PUBLISHED),
        "overdue": services.overdue(base, today),
    }
    labels = {
        "to_sign": _("Awaiting signature"),
        "drafts": _("Drafts"),
        "published": pgettext("publication", "Published"),
        "overdue": pgettext("village", "Overdue"),
    }
    rows = lists[tab].select_related("village", "current").order_by("due_on" if tab == "overdue" else "-id")[:LIST_SIZE]
    context = {
        "tab": tab,
        "tabs": [(t, labels[t], lists[t].count()) for t in TABS],
        "rows": rows,
        "villages": villages(user, Permission.VILLAGE_VIEW),
        "can_draft": Unit.objects.restrict(user, Permission.VILLAGE_CHANGE).exists(),
        "supervises": Unit.objects.restrict(user, Permission.VILLAGE_SUPERVISE).exists(),
        "today": today,
    }
    return render(request, "village/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = staff(request, Permission.VILLAGE_CHANGE)
    if user is None:
        return forbidden(request)
    keeps = villages(user, Permission.VILLAGE_CHANGE)
    values = {k: request.POST.get(k, "") for k in ("village", "category", "title", "body")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        village = next((v for v in keeps if v.code == values["village"]), None)
        if village is None:
            errors["village"] = _("Choose a village.")
        else:
            try:
                pub = services.draft_publication(
                    actor=user, village=village, category=values["category"], title=values["title"], body=values["body"]
                )
            except DomainError as exc:
                errors = field_errors(exc, "title")
            else:
                messages.success(request, _("Draft saved; the supervision committee reviews and signs it next."))
                return HttpResponseRedirect(reverse("village:publication", args=[pub.pk]))
    context = {"villages": keeps, "categories": PublicityCategory.choices, "values": values, "errors": errors}
    return render(request, "village/new.html", context, status=400 if errors else 200)


def _visible(user: User, pk: int) -> Publication:
    found = (
        Publication.objects.restrict(user, Permission.VILLAGE_VIEW)
        .select_related("village", "current")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    pub = _visible(user, pk)
    detail = presenters.publication_detail(pub, user, _base(request))
    actions = [TRANSITIONS[a] for a in detail["actions"]]
    context = {
        "pub": pub,
        "paragraphs": [line for line in pub.body.splitlines() if line.strip()],
        "d": detail,
        "actions": actions,
        "channels": ChannelKind.choices,
        "can_change": in_scope(user, Permission.VILLAGE_CHANGE, pub.village.path),
        "can_take_questions": in_scope(user, Permission.CASE_CREATE, pub.village.path),
    }
    return render(request, "village/publication.html", context)


def _back(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("village:publication", args=[pk]))


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    pub = _visible(user, pk)
    action = request.POST.get("action", "")
    try:
        services.act(
            pub,
            action,
            actor=user,
            title=request.POST.get("title") or None,
            body=request.POST.get("body") if "body" in request.POST else None,
            note=request.POST.get("note", "")[:2000],
        )
    except DomainError as exc:
        messages.error(request, exc.describe())
    else:
        row = TRANSITIONS[action]
        messages.success(request, _("Done: %(action)s.") % {"action": row.action.label})
    return _back(pk)


@login_required
@require_POST
def channel(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    pub = _visible(user, pk)
    try:
        services.record_channel(
            pub,
            actor=user,
            channel=request.POST.get("channel", ""),
            place=request.POST.get("place", ""),
            photo=request.FILES.get("photo"),
        )
    except DomainError as exc:
        messages.error(request, exc.describe())
    else:
        messages.success(request, _("Channel recorded."))
    return _back(pk)


@login_required
@require_POST
def question(request: HttpRequest, pk: int) -> HttpResponse:
    """A question a villager asked at the hall, written down by staff."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    pub = _visible(user, pk)
    if not in_scope(user, Permission.CASE_CREATE, pub.village.path):
        return forbidden(request)
    try:
        case = services.ask_question(
            pub,
            actor=user,
            name=request.POST.get("name", "")[:50],
            phone=request.POST.get("phone", "")[:20],
            text=request.POST.get("text", "")[:2000],
        )
    except DomainError as exc:
        messages.error(request, exc.describe())
    else:
        messages.success(request, _("Registered as case %(number)s.") % {"number": case.number})
    return _back(pk)


@login_required
@require_http_methods(["GET", "POST"])
def decision_list(request: HttpRequest) -> HttpResponse:
    """The decisions and projects in scope; the village committee starts a decision here (its first step,
    村党组织提议, is then recorded on the decision's page)."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    keeps = villages(user, Permission.VILLAGE_CHANGE)
    values = {
        k: request.POST.get(k, "").strip() for k in ("village", "title", "kind", "amount", "per_person", "summary")
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not keeps:
            return forbidden(request)
        village = next((v for v in keeps if v.code == values["village"]), None)
        amount_fen, per_person_fen = fen(values["amount"]), fen(values["per_person"])
        if village is None:
            errors["village"] = _("Choose a village.")
        if amount_fen is None:
            errors["amount"] = _("Enter the amount in yuan, like 52000 or 52000.50.")
        if per_person_fen is None:
            errors["per_person"] = _("Enter the amount in yuan, like 15 or 15.50.")
        if not errors:
            try:
                started = decisions.start_decision(
                    actor=user,
                    village=village,  # type: ignore[arg-type]
                    title=values["title"],
                    summary=values["summary"],
                    kind=values["kind"] or DecisionKind.MAJOR,
                    amount_fen=amount_fen or 0,
                    per_person_fen=per_person_fen or None,
                )
            except DomainError as exc:
                errors = field_errors(exc, "title", {"amount_fen": "amount", "per_person_fen": "per_person"})
            else:
                messages.success(request, _("Decision started: record the village party organisation's proposal."))
                return HttpResponseRedirect(reverse("village:decision", args=[started.pk]))
    rows = Decision.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village")[:LIST_SIZE]
    projects = Project.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village")[:LIST_SIZE]
    context = {
        "rows": rows,
        "projects": projects,
        "villages": keeps,
        "kinds": DecisionKind.choices,
        "cap": decisions.levy_cap_fen(),
        "values": values,
        "errors": errors,
    }
    return render(request, "village/decisions.html", context, status=400 if errors else 200)


# The meeting form's counts, as the service takes them; and where the service's own field names go on the form.
STEP_COUNTS = ("present", "votes_for", "votes_against", "abstaining", "households_present")
STEP_FIELD_OF = {
    "for": "votes_for",
    "against": "votes_against",
    "entitled": "meeting_type",
    "households": "meeting_type",
}


def _step_fields(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The service's keywords from the meeting form, and the errors of what could not be read."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {"meeting_type": values["meeting_type"], "held_on": day(values["held_on"])}
    if fields["held_on"] is None:
        errors["held_on"] = _("Enter a date, like 2026-03-01.")
    for name in STEP_COUNTS:
        fields[name] = count(values[name], empty=None if name in ("present", "votes_for") else 0)
        if fields[name] is None:
            errors[name] = _("Enter a whole number.")
    fields["minutes"], fields["observer"] = values["minutes"][:20000], values["observer"][:50]
    return fields, errors


@login_required
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision's six steps and its meetings; the form records the meeting of the step it waits for (kept
    with its messages at the fields when refused)."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    d = Decision.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village").filter(pk=pk).first()
    if d is None:
        raise Http404
    can_change = in_scope(user, Permission.VILLAGE_CHANGE, d.village.path)
    row = presenters.decision_row(d, steps=True)
    values = {
        k: request.POST.get(k, "").strip() for k in ("meeting_type", "held_on", "minutes", "observer", *STEP_COUNTS)
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_change:
            return forbidden(request)
        fields, errors = _step_fields(values)
        if not errors:
            try:
                recorded = decisions.record_step(
                    d,
                    actor=user,
                    # The step the page showed: if another hand recorded it meanwhile, the service refuses.
                    step=count(request.POST.get("step", "")) or 0,
                    attachment=request.FILES.get("attachment"),
                    **fields,
                )
            except InvalidInput as exc:
                errors = field_errors(exc, "held_on", STEP_FIELD_OF)
            except DomainError as exc:
                messages.error(request, exc.describe())
                return HttpResponseRedirect(reverse("village:decision", args=[pk]))
            else:
                if recorded.valid:
                    messages.success(request, _("Meeting recorded: it was valid."))
                else:
                    messages.error(
                        request, _("Meeting recorded, not valid: %(reasons)s") % {"reasons": " ".join(recorded.reasons)}
                    )
                return HttpResponseRedirect(reverse("village:decision", args=[pk]))
    step = row["next_step"]
    register = (
        Register.objects.restrict(user, Permission.VILLAGE_VIEW)
        .filter(village=d.village, as_of__lte=timezone.localdate())
        .order_by("-as_of")
        .first()
    )
    meetings = [
        (value, label, decisions.entitled_of(register, value)[0] if register else None)
        for value, label in MeetingType.choices
        if step in STEP_MEETINGS and value in STEP_MEETINGS[step]
    ]
    context = {
        "d": row,
        "decision": d,
        "steps": Step.choices,
        "meetings": meetings,
        "register": register,
        "can_change": can_change,
        "projects": d.projects.order_by("-id")[:20],
        "blocked": d.status == DecisionStatus.BLOCKED,
        "values": values if request.method == "POST" else {n: "0" for n in STEP_COUNTS[2:]},
        "errors": errors,
    }
    return render(request, "village/decision.html", context, status=400 if errors else 200)


def _report(request: HttpRequest, user: User) -> tuple[reports.VillageReport, Unit | None, str]:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    if end < start or (end - start).days > 366 * 5:
        start, end = end - timedelta(days=365), end
    p = Permission.VILLAGE_SUPERVISE
    units = Unit.objects.restrict(user, p)
    unit = units.filter(code=request.GET.get("unit", "")).first() if request.GET.get("unit") else None
    r = reports.village_report(within(Publication.objects.restrict(user, p), unit), units, start, end, today)
    reports.add_other_figures(
        r,
        within(Decision.objects.restrict(user, p), unit),
        within(Project.objects.restrict(user, p), unit),
        within(ConflictFlag.objects.restrict(user, p), unit),
    )
    query = f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}" + (f"&unit={unit.code}" if unit else "")
    return r, unit, query


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    user = staff(request, Permission.VILLAGE_SUPERVISE)
    if user is None:
        return forbidden(request)
    r, unit, query = _report(request, user)
    p = Permission.VILLAGE_SUPERVISE
    overdue = reports.overdue_list(within(Publication.objects.restrict(user, p), unit), r.today)
    flags = (
        within(ConflictFlag.objects.restrict(user, p), unit)
        .filter(closed_at__isnull=True)
        .select_related("project", "case", "village")[:100]
    )
    townships = Unit.objects.restrict(user, p).exclude(kind__in=PLACE_KINDS).order_by("path")[:100]
    context = {
        "r": r,
        "unit": unit,
        "query": query,
        "overdue": overdue[: reports.OVERDUE_LIMIT],
        "flags": flags,
        "units": townships,
    }
    return render(request, "village/report.html", context)


@login_required
@require_GET
def report_export(request: HttpRequest) -> HttpResponse:
    user = staff(request, Permission.VILLAGE_SUPERVISE)
    if user is None:
        return forbidden(request)
    r, _unit, _query = _report(request, user)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="village-report-{r.start:%Y%m%d}-{r.end:%Y%m%d}.xlsx"'
    export_report(r, response)
    return response
