"""The administrators' form for issuing a client key."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bianmin.org.choices import REGION_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission


class KeyForm(forms.Form):
    name = forms.CharField(label=_("client application"), max_length=100)
    jurisdiction = forms.ModelChoiceField(label=_("jurisdiction"), queryset=Unit.objects.none(), to_field_name="code")
    intake_unit = forms.ModelChoiceField(label=_("intake unit"), queryset=Unit.objects.none(), to_field_name="code")
    per_hour = forms.IntegerField(label=_("requests filed per hour"), min_value=1, max_value=100_000, initial=600)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # the labels stand above their fields, in Chinese without a colon
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user, Permission.OPEN311_KEYS).filter(is_active=True).order_by("path")
        self.fields["jurisdiction"].queryset = units.filter(kind__in=REGION_KINDS)  # type: ignore[attr-defined]
        self.fields["intake_unit"].queryset = units  # type: ignore[attr-defined]
