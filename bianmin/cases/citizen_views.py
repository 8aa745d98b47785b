"""The signed-in citizen's own pages: my matters, and claiming a matter filed with my mobile number."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.cases.models import Case
from bianmin.cases.services import perform
from bianmin.cases.workflow import Action
from bianmin.errors import DomainError
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.schemas import mask_phone

MATTERS_SHOWN = 50


@login_required(login_url="org:sign_in")
def my_matters(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (login_required has let only a signed-in user through)
    own = (
        Case.objects.restrict(user, Permission.CASE_VIEW)
        .filter(citizen=user)
        .select_related("unit")
        .order_by("-received_at")[:MATTERS_SHOWN]
    )
    context = {
        "own": list(own),
        "claimable": list(Case.objects.claimable_by(user).select_related("unit").order_by("-received_at")[:20]),
        "masked": mask_phone(user.phone) if user.phone else "",
    }
    return render(request, "cases/my_matters.html", context)


@login_required(login_url="org:sign_in")
@require_POST
def claim(request: HttpRequest, number: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (login_required has let only a signed-in user through)
    case = Case.objects.claimable_by(user).filter(number=number).first()
    if case is None:
        messages.error(request, _("No matter with this number was filed with your mobile number."))
        return redirect("cases:my_matters")
    try:
        perform(case, Action.CLAIM, actor=user, by_citizen=True)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Matter %(number)s is now in your account.") % {"number": case.number})
    return redirect("cases:my_matters")
