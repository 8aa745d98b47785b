"""The citizen's sign-in (or sign-up) by mobile number and one-time code, and their real-name details."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from bianmin.errors import DomainError, InvalidInput
from bianmin.org import citizens
from bianmin.org.forms import CodeForm, PhoneForm, RealNameForm
from bianmin.org.models import User
from bianmin.org.schemas import mask_phone
from bianmin.throttle import client_address


def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1 asks for the number and sends a code; step 2 takes the code. The number waits in the session,
    never in a URL."""
    phone = request.session.get("sign_in_phone", "")
    phone_form, code_form = PhoneForm(initial={"phone": phone}), CodeForm()
    if request.method == "POST" and "code" not in request.POST:
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            try:
                citizens.send_code(phone_form.cleaned_data["phone"], address=client_address(request))
            except DomainError as exc:
                _form_error(phone_form, exc)
            else:
                phone = citizens.clean_mobile(phone_form.cleaned_data["phone"])
                request.session["sign_in_phone"] = phone
                messages.success(request, _("A code was sent to %(phone)s.") % {"phone": mask_phone(phone)})
                return redirect(request.get_full_path())
    elif request.method == "POST" and phone:
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                user = citizens.sign_in(phone, code_form.cleaned_data["code"])
            except DomainError as exc:
                _form_error(code_form, exc)
            else:
                del request.session["sign_in_phone"]
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                wanted = request.GET.get("next", "")
                safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
                return redirect(wanted if safe and wanted else "cases:my_matters")
    context = {"phone_form": phone_form, "code_form": code_form, "masked": mask_phone(phone) if phone else ""}
    return render(request, "org/sign_in.html", context)


@login_required(login_url="org:sign_in")
def real_name(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (login_required has let only a signed-in user through)
    form = RealNameForm(request.POST or None, initial={"name": user.display_name, "id_number": user.id_number})
    if request.method == "POST" and form.is_valid():
        try:
            citizens.set_real_name(user, name=form.cleaned_data["name"], id_number=form.cleaned_data["id_number"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your details were saved."))
            return redirect("cases:my_matters")
    return render(request, "org/real_name.html", {"form": form})


def _form_error(form: PhoneForm | CodeForm | RealNameForm, exc: DomainError) -> None:
    if isinstance(exc, InvalidInput):
        for name, text in exc.fields.items():
            form.add_error(name if name in form.fields else None, str(text))
    else:
        form.add_error(None, str(exc.message))
