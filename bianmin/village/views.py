"""Village-affairs pages for staff: the publications of the villages in scope (to sign, drafts, published,
overdue), a publication with its actions, renderings and channel records, drafting, decisions (projects are
in views_projects.py, the catalogue, charters and relatives in views_records.py), and the township's report
with its Excel export. Thin: parse, look up through `restrict`, call the service, render."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bianmin.errors import DomainError
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.village import decisions, presenters, reports, services
from bianmin.village.choices import (
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
from bianmin.village.models import ConflictFlag, Decision, Project, Publication

LIST_SIZE = 50
TABS = ("to_sign", "drafts", "published", "overdue")


def _user(request: HttpRequest, permission: Permission) -> User | None:
    """The signed-in user if they hold `permission` on any unit, else None (the page answers 403)."""
    user = request.user
    if isinstance(user, User) and Unit.objects.restrict(user, permission).exists():
        return user
    return None


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "village/forbidden.html", status=403)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request, Permission.VILLAGE_VIEW)
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
        "published": _("Published"),
        "overdue": _("Overdue"),
    }
    rows = lists[tab].select_related("village", "current").order_by("due_on" if tab == "overdue" else "-id")[:LIST_SIZE]
    villages = Unit.objects.restrict(user, Permission.VILLAGE_VIEW).filter(kind__in=PLACE_KINDS).order_by("path")[:200]
    context = {
        "tab": tab,
        "tabs": [(t, labels[t], lists[t].count()) for t in TABS],
        "rows": rows,
        "villages": villages,
        "can_draft": Unit.objects.restrict(user, Permission.VILLAGE_CHANGE).exists(),
        "supervises": Unit.objects.restrict(user, Permission.VILLAGE_SUPERVISE).exists(),
        "today": today,
    }
    return render(request, "village/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = _user(request, Permission.VILLAGE_CHANGE)
    if user is None:
        return forbidden(request)
    villages = list(
        Unit.objects.restrict(user, Permission.VILLAGE_CHANGE).filter(kind__in=PLACE_KINDS).order_by("path")[:500]
    )
    values = {k: request.POST.get(k, "") for k in ("village", "category", "title", "body")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        village = next((v for v in villages if v.code == values["village"]), None)
        if village is None:
            errors["village"] = _("Choose a village.")
        else:
            try:
                pub = services.draft_publication(
                    actor=user, village=village, category=values["category"], title=values["title"], body=values["body"]
                )
            except DomainError as exc:
                errors = {k: str(v) for k, v in exc.fields.items()} or {"title": str(exc.message)}
            else:
                messages.success(request, _("Draft saved; the supervision committee reviews and signs it next."))
                return HttpResponseRedirect(reverse("village:publication", args=[pub.pk]))
    context = {"villages": villages, "categories": PublicityCategory.choices, "values": values, "errors": errors}
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
    user = _user(request, Permission.VILLAGE_VIEW)
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
    user = _user(request, Permission.VILLAGE_VIEW)
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
    user = _user(request, Permission.VILLAGE_VIEW)
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
    user = _user(request, Permission.VILLAGE_VIEW)
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
    user = _user(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    villages = list(
        Unit.objects.restrict(user, Permission.VILLAGE_CHANGE).filter(kind__in=PLACE_KINDS).order_by("path")[:500]
    )
    values = {
        k: request.POST.get(k, "").strip() for k in ("village", "title", "kind", "amount", "per_person", "summary")
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not villages:
            return forbidden(request)
        village = next((v for v in villages if v.code == values["village"]), None)
        amount_fen, per_person_fen = _fen(values["amount"]), _fen(values["per_person"])
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
                names = {"amount_fen": "amount", "per_person_fen": "per_person"}
                errors = {names.get(k, k): str(v) for k, v in exc.fields.items()}
                errors = errors or {"title": str(exc.message)}
            else:
                messages.success(request, _("Decision started: record the village party organisation's proposal."))
                return HttpResponseRedirect(reverse("village:decision", args=[started.pk]))
    rows = Decision.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village")[:LIST_SIZE]
    projects = Project.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village")[:LIST_SIZE]
    context = {
        "rows": rows,
        "projects": projects,
        "villages": villages,
        "kinds": DecisionKind.choices,
        "cap": decisions.levy_cap_fen(),
        "values": values,
        "errors": errors,
    }
    return render(request, "village/decisions.html", context, status=400 if errors else 200)


def _fen(text: str) -> int | None:
    """An amount typed in yuan as fen (an integer), or None when it is not a plain non-negative amount."""
    if not text:
        return 0
    try:
        amount = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    # Bounds first: quantizing a huge amount ("1e30") raises InvalidOperation.
    if not amount.is_finite() or amount < 0 or amount > 10**10 or amount != amount.quantize(Decimal("0.01")):
        return None
    return int(amount * 100)


@login_required
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    d = Decision.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village").filter(pk=pk).first()
    if d is None:
        raise Http404
    if request.method == "POST":
        try:
            decisions.record_step(
                d,
                actor=user,
                step=_int(request.POST.get("step")),
                meeting_type=request.POST.get("meeting_type", ""),
                held_on=_date(request.POST.get("held_on")),
                present=_int(request.POST.get("present")),
                votes_for=_int(request.POST.get("votes_for")),
                votes_against=_int(request.POST.get("votes_against")),
                abstaining=_int(request.POST.get("abstaining")),
                households_present=_int(request.POST.get("households_present")),
                minutes=request.POST.get("minutes", "")[:20000],
                observer=request.POST.get("observer", "")[:50],
                attachment=request.FILES.get("attachment"),
            )
        except DomainError as exc:
            messages.error(request, exc.describe())
        except ValueError:
            messages.error(request, _("Enter whole numbers and a date."))
        return HttpResponseRedirect(reverse("village:decision", args=[pk]))
    context = {
        "d": presenters.decision_row(d, steps=True),
        "decision": d,
        "steps": Step.choices,
        "meetings": MeetingType.choices,
        "can_change": in_scope(user, Permission.VILLAGE_CHANGE, d.village.path),
        "projects": d.projects.order_by("-id")[:20],
        "blocked": d.status == DecisionStatus.BLOCKED,
    }
    return render(request, "village/decision.html", context)


def _int(value: str | None) -> int:
    number = int(value or 0)
    if number < 0 or number > 10**7:
        raise ValueError(value)
    return number


def _date(value: str | None) -> date:
    return date.fromisoformat(value or "")


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

    def within(rows: Any) -> Any:
        return rows.filter(village__in=Unit.objects.subtree(unit).values("id")) if unit else rows

    r = reports.village_report(within(Publication.objects.restrict(user, p)), units, start, end, today)
    reports.add_other_figures(
        r,
        within(Decision.objects.restrict(user, p)),
        within(Project.objects.restrict(user, p)),
        within(ConflictFlag.objects.restrict(user, p)),
    )
    query = f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}" + (f"&unit={unit.code}" if unit else "")
    return r, unit, query


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    user = _user(request, Permission.VILLAGE_SUPERVISE)
    if user is None:
        return forbidden(request)
    r, unit, query = _report(request, user)
    p = Permission.VILLAGE_SUPERVISE

    def within(rows: Any) -> Any:
        return rows.filter(village__in=Unit.objects.subtree(unit).values("id")) if unit else rows

    overdue = reports.overdue_list(within(Publication.objects.restrict(user, p)), r.today)[: reports.OVERDUE_LIMIT]
    flags = (
        within(ConflictFlag.objects.restrict(user, p))
        .filter(closed_at__isnull=True)
        .select_related("project", "case", "village")[:100]
    )
    townships = Unit.objects.restrict(user, p).exclude(kind__in=PLACE_KINDS).order_by("path")[:100]
    context = {"r": r, "unit": unit, "query": query, "overdue": overdue, "flags": flags, "units": townships}
    return render(request, "village/report.html", context)


@login_required
@require_GET
def report_export(request: HttpRequest) -> HttpResponse:
    user = _user(request, Permission.VILLAGE_SUPERVISE)
    if user is None:
        return forbidden(request)
    r, _unit, _query = _report(request, user)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="village-report-{r.start:%Y%m%d}-{r.end:%Y%m%d}.xlsx"'
    export_report(r, response)
    return response
