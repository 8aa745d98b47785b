"""The village's standing records for staff: its publicity catalogue (add, change, retire and reinstate an
item), its rules
and charter with their versions (a new version adopted by a recorded valid meeting, then published), and the
relatives its cadres and supervision committee declared for the conflict-of-interest check (identity numbers
masked for those who do not keep the records). Thin: parse, look up through `restrict`, call the service,
render."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bianmin.errors import DomainError, PermissionDenied
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.village import decisions, presenters, projects, rules, services
from bianmin.village.choices import Cadence, ChannelKind, CharterKind, PublicityCategory
from bianmin.village.models import CatalogueItem, Charter, Relative
from bianmin.village.shared import field_errors, forbidden, staff, villages

PAGE_SIZE = 50
ITEM_FIELDS = ("category", "name", "cadence", "legal_basis", "responsible", "due_day")


# -- the publicity catalogue ----------------------------------------------------------------------------------


def _item_values(request: HttpRequest) -> dict[str, Any]:
    values: dict[str, Any] = {k: request.POST.get(k, "").strip() for k in ("village", "starts_on", *ITEM_FIELDS)}
    values["channels"] = request.POST.getlist("channels")
    return values


def _item_fields(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The service's keywords from the form (the day of the month read as a number)."""
    day = values["due_day"] or str(rules.DEFAULT_DUE_DAY)
    if not day.isdecimal() or len(day) > 2:
        errors["due_day"] = _("A day of the month, 1 to 31.")
    return {
        "category": values["category"],
        "name": values["name"],
        "cadence": values["cadence"],
        "legal_basis": values["legal_basis"],
        "responsible": values["responsible"],
        "channels": values["channels"],
        "due_day": int(day) if day.isdecimal() and len(day) <= 2 else rules.DEFAULT_DUE_DAY,
    }


def _choices() -> dict[str, Any]:
    return {"categories": PublicityCategory.choices, "cadences": Cadence.choices, "channels": ChannelKind.choices}


@login_required
@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue items of the villages in scope (by village, paged) and the form to add one."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    seen = villages(user, Permission.VILLAGE_VIEW)
    keeps = villages(user, Permission.VILLAGE_CHANGE)
    today = timezone.localdate()
    values = _item_values(request) if request.method == "POST" else {"starts_on": f"{today:%Y-%m-%d}"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not keeps:
            return forbidden(request)
        village = next((v for v in keeps if v.code == values["village"]), None)
        fields = _item_fields(values, errors)
        try:
            starts_on = date.fromisoformat(values["starts_on"])
        except ValueError:
            errors["starts_on"] = _("Enter a date, like 2026-03-01.")
        if village is None:
            errors["village"] = _("Choose a village.")
        if not errors:
            try:
                item = services.add_catalogue_item(actor=user, village=village, starts_on=starts_on, **fields)  # type: ignore[arg-type]
            except DomainError as exc:
                errors = field_errors(exc, "name")
            else:
                messages.success(request, _("Item added; the schedule makes its publications from its start."))
                return HttpResponseRedirect(reverse("village:catalogue") + f"?village={item.village.code}")
    shown = next((v for v in seen if v.code == request.GET.get("village")), None)
    rows = CatalogueItem.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village")
    if shown is not None:
        rows = rows.filter(village=shown)
    rows = rows.order_by("village__path", "-is_active", "category", "name")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "villages": seen,
        "shown": shown,
        "query": urlencode({"village": shown.code} if shown else {}),
        "keeps": keeps,
        "values": values,
        "errors": errors,
        **_choices(),
    }
    return render(request, "village/catalogue.html", context, status=400 if errors else 200)


def _visible_item(user: User, pk: int) -> CatalogueItem:
    found = (
        CatalogueItem.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village").filter(pk=pk).first()
    )
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One item, the form to change it and the button to retire it (or, once retired, to reinstate it)."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    item = _visible_item(user, pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _item_values(request)
        fields = _item_fields(values, errors)
        if not errors:
            try:
                services.change_catalogue_item(item, actor=user, **fields)
            except PermissionDenied:
                return forbidden(request)
            except DomainError as exc:
                errors = field_errors(exc, "name")
            else:
                messages.success(request, _("Item changed."))
                return HttpResponseRedirect(reverse("village:catalogue_item", args=[pk]))
    else:
        values = {k: getattr(item, k) for k in ITEM_FIELDS} | {"channels": item.channels}
    context = {
        "item": item,
        "values": values,
        "errors": errors,
        "keeps": in_scope(user, Permission.VILLAGE_CHANGE, item.village.path),
        **_choices(),
    }
    return render(request, "village/catalogue_item.html", context, status=400 if errors else 200)


@login_required
@require_POST
def catalogue_retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    item = _visible_item(user, pk)
    try:
        services.retire_catalogue_item(item, actor=user)
    except PermissionDenied:
        return forbidden(request)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Item retired: no more publications are scheduled for it."))
    return HttpResponseRedirect(reverse("village:catalogue_item", args=[pk]))


@login_required
@require_POST
def catalogue_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    item = _visible_item(user, pk)
    try:
        reinstated = services.reinstate_catalogue_item(item, actor=user)
    except PermissionDenied:
        return forbidden(request)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Item reinstated: the schedule makes its publications again from %(day)s.")
            % {"day": f"{reinstated.starts_on:%Y-%m-%d}"},
        )
    return HttpResponseRedirect(reverse("village:catalogue_item", args=[pk]))


# -- rules and charters ---------------------------------------------------------------------------------------


def _adopt(user: User, village: Unit | None, kind: str, values: dict[str, str], errors: dict[str, str]) -> Any:
    """Adopt the version the form describes; None (with `errors`) when it cannot be."""
    step = (
        decisions.meetings(user, village).filter(pk=values["adopted_by"]).first()
        if values["adopted_by"].isdecimal()
        else None
    )
    if step is None:
        errors["adopted_by"] = _("Choose the valid meeting of the village that adopted this text.")
    if not values["body"]:
        errors["body"] = _("This field is required.")
    if errors or village is None or step is None:
        return None
    try:
        return decisions.adopt_charter(
            actor=user, village=village, kind=kind, title=values["title"], body=values["body"], adopted_by=step
        )
    except DomainError as exc:
        errors.update(field_errors(exc, "adopted_by"))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def charter_list(request: HttpRequest) -> HttpResponse:
    """The rules and charters of the villages in scope, and the form to adopt a village's first version."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    keeps = villages(user, Permission.VILLAGE_CHANGE)
    values = {k: request.POST.get(k, "").strip() for k in ("village", "kind", "title", "body", "adopted_by")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not keeps:
            return forbidden(request)
        village = next((v for v in keeps if v.code == values["village"]), None)
        if village is None:
            errors["village"] = _("Choose a village.")
        version = _adopt(user, village, values["kind"], values, errors)
        if version is not None:
            messages.success(request, _("Version adopted; its publication is drafted for the committee to sign."))
            return HttpResponseRedirect(reverse("village:charter", args=[version.charter_id]))
    rows = (
        Charter.objects.restrict(user, Permission.VILLAGE_VIEW)
        .select_related("village")
        .annotate(count=Count("versions"))
        .order_by("village__path", "kind")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "keeps": keeps,
        "kinds": CharterKind.choices,
        "meetings": list(decisions.meetings(user)[:200]) if keeps else [],
        "values": values,
        "errors": errors,
    }
    return render(request, "village/charters.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def charter(request: HttpRequest, pk: int) -> HttpResponse:
    """A village's rules or charter: every version with the meeting that adopted it and its publication; the
    form to adopt a new version."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    found = Charter.objects.restrict(user, Permission.VILLAGE_VIEW).select_related("village").filter(pk=pk).first()
    if found is None:
        raise Http404
    can_change = in_scope(user, Permission.VILLAGE_CHANGE, found.village.path)
    versions = list(found.versions.select_related("adopted_by__decision", "publication__current").order_by("-number"))
    values = {k: request.POST.get(k, "").strip() for k in ("title", "body", "adopted_by")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_change:
            return forbidden(request)
        version = _adopt(user, found.village, found.kind, values, errors)
        if version is not None:
            messages.success(request, _("Version adopted; its publication is drafted for the committee to sign."))
            return HttpResponseRedirect(reverse("village:charter", args=[pk]))
    else:
        values = {"title": found.title, "body": versions[0].body if versions else "", "adopted_by": ""}
    context = {
        "charter": found,
        "versions": versions,
        "can_change": can_change,
        "meetings": list(decisions.meetings(user, found.village)[:100]) if can_change else [],
        "values": values,
        "errors": errors,
    }
    return render(request, "village/charter.html", context, status=400 if errors else 200)


# -- declared relatives ---------------------------------------------------------------------------------------


@login_required
@require_GET
def relative_villages(request: HttpRequest) -> HttpResponse:
    """The villages in scope with how many relatives each has declared."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    seen = villages(user, Permission.VILLAGE_VIEW)
    counts = dict(
        Relative.objects.restrict(user, Permission.VILLAGE_VIEW)
        .values("village")
        .annotate(n=Count("id"))
        .values_list("village", "n")
    )
    rows = [(v, counts.get(v.pk, 0)) for v in seen]
    return render(request, "village/relative_villages.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def relatives(request: HttpRequest, code: str) -> HttpResponse:
    """A village's declared relatives (identity numbers in full only to those who keep its records) and the
    form to declare one."""
    user = staff(request, Permission.VILLAGE_VIEW)
    if user is None:
        return forbidden(request)
    village = Unit.objects.restrict(user, Permission.VILLAGE_VIEW).filter(code=code, kind__in=PLACE_KINDS).first()
    if village is None:
        raise Http404
    can_change = in_scope(user, Permission.VILLAGE_CHANGE, village.path)
    values = {k: request.POST.get(k, "").strip() for k in ("of_name", "name", "relation", "code")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_change:
            return forbidden(request)
        try:
            projects.declare_relative(actor=user, village=village, **values)
        except DomainError as exc:
            errors = field_errors(exc, "name")
        else:
            messages.success(request, _("Declared; contractors and payees are checked against it from now on."))
            return HttpResponseRedirect(reverse("village:relatives", args=[code]))
    rows = Relative.objects.restrict(user, Permission.VILLAGE_VIEW).filter(village=village).select_related("village")
    declarers = projects.declarers(village)
    context = {
        "village": village,
        "rows": [presenters.relative_row(r, user) for r in rows.order_by("of_name", "id")[:500]],
        "declarers": sorted({m.user.display_name or m.user.username for m in declarers}),
        "can_change": can_change,
        "values": values,
        "errors": errors,
    }
    return render(request, "village/relatives.html", context, status=400 if errors else 200)
