"""Case pages: the staff workbench, a case with its action forms, intake, and the citizen's pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from pydantic import ValidationError

from bianmin.cases.applications.intake import channels_for, create_application
from bianmin.cases.applications.notices import notice_response
from bianmin.cases.attachments import add_attachment, may_attach
from bianmin.cases.choices import OPEN_STATUSES, CaseKind, CaseStatus, Channel
from bianmin.cases.forms import (
    ActionForm,
    ApplicationForm,
    IntakeForm,
    PublicSubmitForm,
    RatingForm,
    ReopenForm,
    TrackForm,
    place_choices,
)
from bianmin.cases.models import Case, CaseAttachment, CaseDocument
from bianmin.cases.presenters import Presenter
from bianmin.cases.public_api import (
    check_submission,
    proven_case,
    public_view,
    remember_tracked,
    tracked_case,
    tracking_url,
)
from bianmin.cases.queries import search_cases
from bianmin.cases.routing import grouped_choices, held_targets
from bianmin.cases.schemas import CaseFilters
from bianmin.cases.services import allowed_actions, create_case, perform
from bianmin.cases.workflow import Action
from bianmin.catalog.models import ItemMaterial, ServiceItem
from bianmin.errors import DomainError
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission, roles_granting

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionError("login_required lets only signed-in users through")
    return request.user


def _show_error(request: HttpRequest, exc: DomainError, form: Any = None) -> None:
    """A refusal from a service: on the form's fields where it names them, else as a message."""
    if form is not None:
        for name, text in exc.fields.items():
            form.add_error(name if name in form.fields else None, str(text))
    if form is None or not exc.fields:
        messages.error(request, exc.describe())


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    raw: dict[str, Any] = {k: v for k, v in request.GET.items() if v and k in CaseFilters.model_fields}
    # The workbench shows what is still open unless asked for something else ("all", or one status).
    chosen = [s for s in request.GET.getlist("status") if s]
    raw["status"] = [] if chosen == ["all"] else chosen or sorted(OPEN_STATUSES)
    try:
        filters = CaseFilters.model_validate(raw)
    except ValidationError:
        messages.error(request, _("Some filters are not valid; they were ignored."))
        filters = CaseFilters.model_validate({})
    cases: QuerySet[Case] = Case.objects.restrict(user, Permission.CASE_VIEW).select_related(
        "unit", "village", "category", "handler"
    )
    try:
        cases = search_cases(cases, user, filters)
    except DomainError as exc:
        _show_error(request, exc)
    page = Paginator(cases.order_by("due_at", "number"), PAGE_SIZE).get_page(request.GET.get("page"))
    presenter = Presenter(user)
    context = {
        "rows": [presenter.item(case) for case in page.object_list],
        "page": page,
        "filters": filters,
        "status_choice": chosen[0] if len(chosen) == 1 else "",
        "statuses": CaseStatus.choices,
        "kinds": CaseKind.choices,
        "query": request.GET.urlencode(),
        "can_take_in": Unit.objects.restrict(user, Permission.CASE_CREATE).exists(),
        "intake_channels": [(c, Channel(c).label) for c in ("hotline", "window", "village_hall", "reception")],
        "units": grouped_choices(held_targets(user)),
        "people": User.objects.filter(
            memberships__unit__in=Unit.objects.restrict(user, Permission.CASE_HANDLE),
            memberships__role__in=roles_granting(Permission.CASE_HANDLE),
            is_active=True,
        )
        .distinct()
        .order_by("username")[:500],
    }
    return render(request, "cases/workbench.html", context)


BULK_ACTIONS = ("transfer", "assign")


@login_required
def bulk(request: HttpRequest) -> HttpResponse:
    """Transfer or assign many cases at once from the workbench; each goes through `perform` with the
    version the list showed, so a case changed meanwhile is refused, not overwritten."""
    user = _user(request)
    back = reverse("cases:workbench") + ("?" + request.POST.get("query", "") if request.POST.get("query") else "")
    action = request.POST.get("bulk_action", "")
    selected = request.POST.getlist("selected")
    target = {
        "transfer": ("to_unit", request.POST.get("to_unit", "")),
        "assign": ("handler", request.POST.get("handler", "")),
    }
    if request.method != "POST" or action not in BULK_ACTIONS or not selected or not target[action][1]:
        messages.error(request, _("Choose cases, an action and its target."))
        return HttpResponseRedirect(back)
    visible = Case.objects.restrict(user, Permission.CASE_VIEW)
    done, failed = 0, []
    for item in selected[:200]:
        number, _sep, version = item.partition(":")
        case = visible.filter(number=number).first()
        if case is None or not version.isdigit():
            failed.append(f"{number}（{_('No such case in your scope.')}）")
            continue
        try:
            fields: dict[str, Any] = {target[action][0]: target[action][1]}
            perform(case, action, actor=user, version=int(version), **fields)
            done += 1
        except DomainError as exc:
            failed.append(f"{number}（{exc.describe()}）")
    if done:
        messages.success(request, _("%(n)s case(s) done.") % {"n": done})
    if failed:
        messages.error(request, _("Not done: %(list)s") % {"list": "；".join(failed)})
    return HttpResponseRedirect(back)


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    case = Case.objects.restrict(user, Permission.CASE_VIEW).filter(number=number).first()
    if case is None:
        return render(request, "cases/not_found.html", status=404)
    forms = {t.action: ActionForm(t, case, user) for t in allowed_actions(case, user)}
    if request.method == "POST" and request.POST.get("action") == "attach":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to attach."))
        else:
            try:
                add_attachment(case, actor=user, upload=upload)
                messages.success(request, _("File attached."))
            except DomainError as exc:
                _show_error(request, exc)
        return HttpResponseRedirect(request.path)
    if request.method == "POST":
        posted = request.POST.get("action", "")
        action = Action(posted) if posted in Action.values else None
        if action is None or action not in forms:
            messages.error(request, _("This action is not available on this case now."))
            return HttpResponseRedirect(request.path)
        form = ActionForm(forms[action].transition, case, user, request.POST)
        if form.is_valid():
            try:
                perform(case, action, actor=user, version=form.cleaned_data["version"], **form.action_fields())
            except DomainError as exc:
                _show_error(request, exc, form)
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": form.transition.label})
                return HttpResponseRedirect(request.path)
        forms[action] = form
    presenter = Presenter(user)
    shown = Case.objects.select_related("unit", "village", "category", "handler", "classification", "master").get(
        pk=case.pk
    )
    context = {
        "case": presenter.detail(shown),
        "record": shown,  # for other apps' links to where the case came from (the hall's ticket)
        "similar": presenter.similar(shown),
        "forms": forms.values(),
        "open": request.method == "POST",
        "can_attach": may_attach(case, user),
    }
    return render(request, "cases/detail.html", context)


@login_required
def attachment(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    """Download an attachment: only for those who may see its case."""
    user = _user(request)
    case = Case.objects.restrict(user, Permission.CASE_VIEW).filter(number=number).first()
    found = CaseAttachment.objects.filter(case=case, pk=pk).first() if case else None
    if found is None:
        return render(request, "cases/not_found.html", status=404)
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def document(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    """A notice issued on the case, as the PDF the applicant received: only for those who may see the case."""
    user = _user(request)
    case = Case.objects.restrict(user, Permission.CASE_VIEW).filter(number=number).first()
    found = CaseDocument.objects.select_related("case").filter(case=case, pk=pk).first() if case else None
    if found is None:
        return render(request, "cases/not_found.html", status=404)
    return notice_response(found)


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """File an application for one catalogue item: a village cadre for a villager (代办), a window clerk, or
    a signed-in citizen online for themselves."""
    user = _user(request)
    item = ServiceItem.objects.restrict(user).select_related("current__unit").filter(code=code).first()
    if item is None or item.current is None:
        return render(request, "cases/not_found.html", status=404)
    channels = channels_for(user, item.current)
    if not channels:
        return render(request, "cases/apply.html", {"item": item, "form": None}, status=403)
    # A cadre who files only through the village hall chooses among the villages they serve.
    mine = channels == [Channel.VILLAGE_HALL]
    villages = place_choices(Unit.objects.restrict(user, Permission.CASE_CREATE).places() if mine else None)
    initial = {"citizen_name": user.display_name, "citizen_phone": user.phone} if channels == [Channel.WEB] else {}
    labels = dict(Channel.choices)
    materials = list(item.current.materials.all())
    form = ApplicationForm(
        [(c, str(labels[c])) for c in channels],
        villages,
        request.POST or None,
        request.FILES or None,
        initial=initial,
        materials=materials,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, _created = create_application(
                actor=user,
                item=item,
                channel=data["channel"],
                citizen_name=data["citizen_name"],
                citizen_phone=data["citizen_phone"],
                citizen_id_number=data["citizen_id_number"],
                village=Unit.objects.places().filter(code=data["village"]).first(),
                content=data["content"],
                address=data["address"],
            )
        except DomainError as exc:
            _show_error(request, exc, form)
        else:
            attached = _attach_materials(request, case, user, form.uploads())
            messages.success(request, _("Application %(number)s filed.") % {"number": case.number})
            if attached:
                messages.success(request, _("%(n)s materials attached.") % {"n": attached})
            return HttpResponseRedirect(reverse("cases:detail", args=[case.number]))
    return render(request, "cases/apply.html", {"item": item, "form": form})


def _attach_materials(
    request: HttpRequest, case: Case, user: User, uploads: list[tuple[ItemMaterial, UploadedFile[bytes]]]
) -> int:
    """Each material's file, attached through the action's door under the material's name; one that cannot
    be stored is named in a message (the application stands: the unit asks for what is missing)."""
    attached = 0
    for material, upload in uploads:
        upload.name = f"{material.name[:60]}-{upload.name}"
        try:
            add_attachment(case, actor=user, upload=upload)
        except DomainError as exc:
            messages.error(request, f"{material.name}: {exc.message}")
        else:
            attached += 1
    return attached


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = IntakeForm(request.POST or None, initial={"channel": request.GET.get("channel", Channel.HOTLINE)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = Unit.objects.places().filter(code=data["village"]).first()
        try:
            case, _created = create_case(
                actor=user,
                channel=data["channel"],
                kind=data["kind"],
                category=data["category"],
                urgency=data["urgency"],
                title=data["title"],
                content=data["content"],
                citizen_name=data["citizen_name"],
                citizen_phone=data["citizen_phone"],
                citizen_id_number=data["citizen_id_number"],
                village=village,
                address=data["address"],
                submitted=data["on_intake"] == "register",
            )
        except DomainError as exc:
            _show_error(request, exc, form)
        else:
            messages.success(request, _("Case %(number)s taken in.") % {"number": case.number})
            return HttpResponseRedirect(reverse("cases:detail", args=[case.number]))
    return render(request, "cases/intake.html", {"form": form})


def public_submit(request: HttpRequest) -> HttpResponse:
    form = PublicSubmitForm(request.POST or None)
    number, receipt = None, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = Unit.objects.places().filter(code=data["village"]).first()
        try:
            check_submission(request, data["citizen_phone"])
            case, _created = create_case(
                actor=None,
                channel=Channel.WEB,
                kind=data["kind"],
                title=data["title"],
                content=data["content"],
                citizen_name=data["citizen_name"],
                citizen_phone=data["citizen_phone"],
                village=village,
                unit=village,
                address=data["address"],
                submitted=True,
            )
            number, receipt = case.number, Case.objects.select_related("unit").get(pk=case.pk)
        except HttpError:
            form.add_error(None, _("Too many submissions from here; please try again in an hour."))
        except DomainError as exc:
            _show_error(request, exc, form)
    return render(request, "cases/public_submit.html", {"form": form, "number": number, "receipt": receipt})


def public_track(request: HttpRequest) -> HttpResponse:
    """The citizen's tracking page. The proof (number + phone tail) travels in a POST body only; once given,
    the session remembers the number, so the page after the redirect, a rating and a reopening need no
    proof in any URL. A signed-in citizen sees their own case by its number alone."""
    number = request.POST.get("number", "") if request.method == "POST" else request.GET.get("number", "")
    number = number.strip()[:20]
    if request.method == "POST" and "phone_tail" in request.POST:
        form = TrackForm(request.POST)
        if form.is_valid():
            try:
                proven = proven_case(request, form.cleaned_data["number"].strip(), form.cleaned_data["phone_tail"])
            except HttpError:
                form.add_error(None, _("Too many attempts; please try again later."))
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                remember_tracked(request, proven.number)
                return redirect(tracking_url(proven.number))
        return render(request, "cases/public_track.html", _track_context(form))
    case = tracked_case(request, number)
    if case is None:
        return render(request, "cases/public_track.html", _track_context(TrackForm(initial={"number": number})))
    if request.method == "POST":
        rating_form = RatingForm(request.POST if "rating" in request.POST else None)
        reopen_form = ReopenForm(request.POST if "reason" in request.POST else None)
        try:
            if rating_form.is_valid():
                rating = rating_form.cleaned_data
                perform(case, "rate", actor=None, by_citizen=True, rating=rating["rating"], comment=rating["comment"])
                messages.success(request, _("Thank you for your rating."))
                return redirect(tracking_url(case.number))
            if reopen_form.is_valid():
                perform(case, "reopen", actor=None, by_citizen=True, reason=reopen_form.cleaned_data["reason"])
                messages.success(request, _("Your case will be handled again; you will be told of the result."))
                return redirect(tracking_url(case.number))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        form = TrackForm(initial={"number": number})
        return render(request, "cases/public_track.html", _track_context(form, case, rating_form, reopen_form))
    return render(request, "cases/public_track.html", _track_context(TrackForm(initial={"number": number}), case))


def _track_context(
    form: TrackForm,
    case: Case | None = None,
    rating_form: RatingForm | None = None,
    reopen_form: ReopenForm | None = None,
) -> dict[str, Any]:
    found = public_view(Case.objects.select_related("unit").get(pk=case.pk)) if case is not None else None
    return {
        "form": form,
        "case": found,
        "rating_form": rating_form or RatingForm(),
        "reopen_form": reopen_form or ReopenForm(),
    }
