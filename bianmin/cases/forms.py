"""Page forms for cases. The action form is generated from the workflow's transition table."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from bianmin.cases.choices import (
    CaseKind,
    CaseStatus,
    Channel,
    DeliveryMethod,
    Rating,
    RatingAppeal,
    SpecialProcedure,
    Urgency,
)
from bianmin.cases.models import Application, Case, Category, Classification
from bianmin.cases.routing import grouped_choices, transfer_targets
from bianmin.cases.workflow import Transition
from bianmin.catalog.models import ItemMaterial
from bianmin.org.models import Unit, UnitQuerySet, User
from bianmin.org.permissions import Permission, roles_granting

TEXTAREA = forms.Textarea(attrs={"rows": 3})
# What a grievance form offers: not an application, which is filed against a catalogue item (its guide page).
GRIEVANCE_KIND_CHOICES = [(kind.value, kind.label) for kind in CaseKind if kind != CaseKind.APPLICATION]
# A phone field opens the phone's number pad and offers the number the browser knows.
TEL = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})


def place_choices(places: UnitQuerySet | None = None) -> list[tuple[str, str]]:
    """Villages and communities as choices, "township · village", every active one unless `places` says."""
    places = (places if places is not None else Unit.objects.places()).select_related("parent")
    return [("", "—")] + [(u.code, f"{u.parent.name if u.parent else ''} · {u.name}") for u in places.order_by("path")]


class IntakeForm(forms.Form):
    """Staff intake at the hotline, a window, a village hall or the reception room."""

    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    kind = forms.ChoiceField(label=_("kind"), choices=GRIEVANCE_KIND_CHOICES)
    category = forms.ModelChoiceField(
        label=_("category"), queryset=Category.objects.filter(is_active=True), required=False, to_field_name="code"
    )
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("title"), max_length=200)
    content = forms.CharField(label=_("content"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    citizen_name = forms.CharField(label=_("citizen's name"), max_length=50)
    citizen_phone = forms.CharField(label=_("citizen's phone"), max_length=20, widget=TEL)
    citizen_id_number = forms.CharField(label=_("identity number"), max_length=18, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    on_intake = forms.ChoiceField(
        label=_("on intake"),
        choices=[
            ("accept", _("Accept it now")),
            ("register", _("Register it only: the unit accepts it, or refuses it with the proper channel")),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial="accept",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"] = forms.ChoiceField(
            label=_("village or community"), required=False, choices=place_choices()
        )
        self.order_fields(["channel", "kind", "category", "urgency", "village", "title", "content"])


class ApplicationForm(forms.Form):
    """Filing an application for one item: the channels and villages the user may use are worked out by
    the view (`bianmin.cases.applications.channels_for`), the rest is the applicant."""

    citizen_name = forms.CharField(label=_("Applicant's name"), max_length=50)
    citizen_phone = forms.CharField(label=_("Applicant's mobile number"), max_length=20, widget=TEL)
    citizen_id_number = forms.CharField(label=_("identity number"), max_length=18, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    content = forms.CharField(
        label=_("Anything the handling unit should know (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def __init__(
        self,
        channels: list[tuple[str, str]],
        villages: list[tuple[str, str]],
        *args: Any,
        materials: list[ItemMaterial] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"] = forms.ChoiceField(
            label=_("How it is filed"), choices=channels, widget=forms.RadioSelect, initial=channels[0][0]
        )
        self.fields["village"] = forms.ChoiceField(
            label=_("The applicant's village or community"), choices=villages, required=False
        )
        # One upload per material the item asks for (a scan or a photo); optional here: what is missing the
        # handling unit asks for once, in writing (the one-time notice).
        self.materials = materials or []
        for material in self.materials:
            self.fields[f"material_{material.pk}"] = forms.FileField(label=material.name, required=False)
        self.order_fields(["channel", "village"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for material in self.materials:
            upload = data.get(f"material_{material.pk}")
            if upload is not None and upload.size > settings.ATTACHMENT_MAX_BYTES:
                limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
                self.add_error(f"material_{material.pk}", _("A file may be at most %(mb)s MB.") % {"mb": limit})
        return data

    def uploads(self) -> list[tuple[ItemMaterial, UploadedFile[bytes]]]:
        """The files given, each with the material it stands for."""
        return [(m, f) for m in self.materials if (f := self.cleaned_data.get(f"material_{m.pk}")) is not None]


class PublicSubmitForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=GRIEVANCE_KIND_CHOICES)
    title = forms.CharField(label=_("In one sentence"), max_length=200)
    content = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    citizen_name = forms.CharField(label=_("Your name"), max_length=50)
    citizen_phone = forms.CharField(label=_("Your mobile number"), max_length=20, widget=TEL)
    address = forms.CharField(label=_("Where exactly (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"] = forms.ChoiceField(label=_("Your village or community"), choices=place_choices()[1:])
        self.order_fields(["kind", "village"])


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20)
    phone_tail = forms.RegexField(
        label=_("Last four digits of your phone"),
        regex=r"^\d{4}$",
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("What is still not solved?"), max_length=2000, widget=TEXTAREA)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("rating"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("rating comment"), max_length=500, required=False, widget=TEXTAREA)


def _field(name: str, case: Case, user: User) -> forms.Field:
    if name in ("reason", "reply", "note", "comment"):
        labels = {"reason": _("Reason"), "reply": _("reply"), "note": _("note"), "comment": _("rating comment")}
        return forms.CharField(label=labels[name], widget=TEXTAREA, max_length=5000)
    if name == "proper_channel":
        return forms.CharField(label=_("Where the citizen should turn instead"), max_length=200)
    if name == "handler":
        people = User.objects.filter(
            memberships__unit=case.unit, memberships__role__in=roles_granting(Permission.CASE_HANDLE), is_active=True
        ).distinct()
        return forms.ModelChoiceField(label=_("handler"), queryset=people, to_field_name="username")
    if name in ("to_unit", "assist_units"):
        # The units the transfer allows (bianmin.cases.routing), grouped, with a search box (search-select.js).
        choices: list[Any] = grouped_choices(transfer_targets(user, [case.unit]).exclude(pk=case.unit_id))
        search = forms.Select(attrs={"data-search": _("Search units")})
        if name == "to_unit":
            return forms.ChoiceField(label=_("To unit"), choices=[("", "—"), *choices], widget=search)
        many = forms.SelectMultiple(attrs={"data-search": _("Search units"), "size": 8})
        return forms.MultipleChoiceField(label=_("assisting units"), choices=choices, widget=many)
    if name == "due_at":
        return forms.DateTimeField(
            label=_("New deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
        )
    if name == "amount":
        return forms.IntegerField(label=_("Extend by (in the limit's unit)"), min_value=1, max_value=365)
    if name == "classification":
        return forms.ModelChoiceField(
            label=_("classification"), queryset=Classification.objects.filter(is_active=True), to_field_name="code"
        )
    if name == "rating":
        return forms.TypedChoiceField(label=_("rating"), choices=Rating.choices, coerce=int)
    if name == "decision":
        choices = [
            (RatingAppeal.UPHELD, RatingAppeal.UPHELD.label),
            (RatingAppeal.REJECTED, RatingAppeal.REJECTED.label),
        ]
        return forms.ChoiceField(label=_("Decision"), choices=choices)
    if name == "missing":
        materials = Application.objects.get(case=case).item_version.materials.order_by("position")
        return forms.TypedMultipleChoiceField(
            label=_("Missing materials (all of them: the notice is sent once)"),
            choices=[(m.position, f"{m.position}. {m.name}") for m in materials],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
        )
    if name == "in_person":
        return forms.BooleanField(label=_("Brought in person (counts as a trip)"))
    if name == "procedure":
        return forms.ChoiceField(label=_("Special procedure"), choices=SpecialProcedure.choices)
    if name == "delivery_method":
        return forms.ChoiceField(label=_("delivery method"), choices=DeliveryMethod.choices)
    if name == "master":
        open_cases = (
            Case.objects.restrict(user, Permission.CASE_VIEW)
            .exclude(pk=case.pk)
            .filter(unit=case.unit, status__in=(CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS))
        )
        return forms.ModelChoiceField(label=_("merged into"), queryset=open_cases, to_field_name="number")
    raise KeyError(name)


class ActionForm(forms.Form):
    """The fields of one transition: required ones from the table, plus the few optional extras."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, transition: Transition, case: Case, user: User, data: Any = None) -> None:
        super().__init__(data, prefix=transition.action)
        self.transition = transition
        for name in transition.required:
            self.fields[name] = _field(name, case, user)
        for name in transition.optional:
            self.fields[name] = _field(name, case, user)
            self.fields[name].required = False
        self.initial.setdefault("version", case.version)

    def action_fields(self) -> dict[str, Any]:
        """Cleaned values as `services.perform` takes them (objects become codes and usernames)."""
        values: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "version" or value in (None, "", []):
                continue
            if isinstance(value, Unit):
                value = value.code
            elif isinstance(value, User):
                value = value.username
            elif isinstance(value, Case):
                value = value.number
            elif isinstance(value, Classification):
                value = value.code
            values[name] = value
        return values
