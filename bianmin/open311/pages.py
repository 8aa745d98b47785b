"""The administrators' page for Open311 client keys: the keys of their jurisdictions, issuing one (shown once)
and revoking one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bianmin.errors import DomainError
from bianmin.open311.forms import KeyForm
from bianmin.open311.models import ClientKey
from bianmin.open311.services import issue_key, revoke_key
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths


def _administrator(request: HttpRequest) -> User | None:
    user = request.user
    if not isinstance(user, User):
        return None
    paths = scope_paths(user, Permission.OPEN311_KEYS)
    return user if paths is None or paths else None


@login_required
def keys(request: HttpRequest) -> HttpResponse:
    user = _administrator(request)
    if user is None:
        return render(request, "open311/forbidden.html", status=403)
    form = KeyForm(request.POST or None, user=user)
    issued = ""
    if request.method == "POST" and form.is_valid():
        try:
            _row, issued = issue_key(
                actor=user,
                name=form.cleaned_data["name"],
                jurisdiction=form.cleaned_data["jurisdiction"],
                intake_unit=form.cleaned_data["intake_unit"],
                per_hour=form.cleaned_data["per_hour"],
            )
        except DomainError as exc:
            form.add_error(None, exc.describe())
        else:
            form = KeyForm(user=user)
    rows = ClientKey.objects.restrict(user, Permission.OPEN311_KEYS).select_related("jurisdiction", "intake_unit")
    context = {"keys": rows, "form": form, "issued": issued, "base": request.build_absolute_uri("/open311/v2/")}
    return render(request, "open311/keys.html", context)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _administrator(request)
    if user is None:
        return render(request, "open311/forbidden.html", status=403)
    key = ClientKey.objects.restrict(user, Permission.OPEN311_KEYS).filter(pk=pk).first()
    if key is None:
        return render(request, "open311/forbidden.html", {"missing": True}, status=404)
    revoke_key(key, actor=user)
    return HttpResponseRedirect(reverse("open311:keys"))
