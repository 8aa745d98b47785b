"""The catalogue in the admin site: an item's content is edited here as well as by the API and the Excel import
on /guide/manage/, always through the services (each save a new version); versions are read here; synonyms for
the search are edited here."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bianmin.admin_base import ServiceAdmin
from bianmin.catalog import services
from bianmin.catalog.choices import CATALOG_CHANGE, HandlingForm, Level, LifeEvent, ServiceObject
from bianmin.catalog.content import ItemContent, clean_content, content_of
from bianmin.catalog.models import ItemMaterial, ItemVersion, SearchSynonym, ServiceItem
from bianmin.errors import DomainError, InvalidInput
from bianmin.org.models import User


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# The content an administrator edits on an item's page: each save through `services.update_item` makes a new
# version (if anything changed) under the same rules as the API and the Excel import; materials are edited there.
CONTENT_FIELDS = [
    "name", "kind", "legal_basis", "levels", "service_objects", "entrusted", "conditions", "process",
    "handling_forms", "legal_limit", "legal_limit_unit", "promised_limit", "promised_limit_unit", "trips",
    "charges", "fee_basis", "place", "hours", "consult_phone", "complaint_phone", "delegated_down",
    "joint_handling", "life_events", "aliases", "keywords",
]  # fmt: skip
CHOICE_LISTS = {"levels": Level, "service_objects": ServiceObject, "handling_forms": HandlingForm}
WORD_LISTS = ("aliases", "keywords")


class ItemContentForm(forms.ModelForm):  # type: ignore[type-arg]
    """The item's switch and its current version's content, checked by the catalogue's own rules."""

    class Meta:
        model = ServiceItem
        fields = ["active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(ItemVersion, fields=CONTENT_FIELDS))
        for name, choices in {**CHOICE_LISTS, "life_events": LifeEvent}.items():
            label = self.fields[name].label
            self.fields[name] = forms.MultipleChoiceField(
                label=label,
                choices=choices.choices,
                widget=forms.CheckboxSelectMultiple,
                required=name != "life_events",
            )
        for name in WORD_LISTS:
            label = self.fields[name].label
            self.fields[name] = forms.CharField(
                label=label, required=False, help_text=_("Separate the words with commas.")
            )
        # The version the administrator opened: a colleague's edit saved meanwhile is refused, never overwritten.
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        current = self.instance.current if self.instance.pk else None
        if current is not None:
            self.initial["version"] = current.number
            content = content_of(current)
            for name in CONTENT_FIELDS:
                value = getattr(content, name)
                self.initial[name] = "，".join(value) if name in WORD_LISTS else value

    def content(self) -> ItemContent:
        """The edited content (the materials as they are)."""
        values = {name: self.cleaned_data[name] for name in CONTENT_FIELDS}
        for name in WORD_LISTS:
            values[name] = tuple(w.strip() for w in re.split(r"[,，、;；]", values[name] or "") if w.strip())
        for name in (*CHOICE_LISTS, "life_events"):
            values[name] = tuple(values[name])
        return replace(content_of(self.instance.current), **values)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and self.instance.current is not None:
            try:
                clean_content(self.content())
            except InvalidInput as exc:
                for name, message in exc.fields.items():
                    self.add_error(name if name in self.fields else None, str(message))
        return cleaned


@admin.register(ServiceItem)
class ServiceItemAdmin(ServiceAdmin):
    form = ItemContentForm
    list_display = ["name", "code", "basic_code", "unit", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["name", "code", "basic_code"]
    readonly_fields = ["code", "basic_code", "unit", "current", "updated_at"]
    actions = ["activate", "deactivate"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*self.readonly_fields, "active", *CONTENT_FIELDS, "version"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        # The content's fields are the form's own (it adds them), not the item's columns.
        return super().get_form(request, obj, change, **{**kwargs, "fields": ["active"]})

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItem]:
        return ServiceItem.objects.restrict(request.user, CATALOG_CHANGE).select_related("unit", "current")

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The queryset keeps each administrator to the items of their units; the service checks again.
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a new item needs its codes and materials: the Excel import or the API

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # items are taken out of the guide, never deleted (applications refer to them)

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, User) else None
        services.update_item(
            obj,
            actor=actor,
            content=form.content(),
            version=form.cleaned_data["version"],
            active=form.cleaned_data["active"],
        )
        obj.refresh_from_db()

    def _set_active(self, request: HttpRequest, queryset: QuerySet[ServiceItem], active: bool) -> None:
        actor = request.user if isinstance(request.user, User) else None
        if actor is None:
            return
        for item in queryset:
            try:
                services.set_active(item, actor=actor, active=active)
            except DomainError as exc:
                self.message_user(request, f"{item}: {exc.describe()}", messages.ERROR)

    @admin.action(description=_("Put the selected items in the guide"))
    def activate(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description=_("Take the selected items out of the guide"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        self._set_active(request, queryset, False)


class ItemMaterialInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ItemMaterial
    fields = ["position", "name", "required", "form", "copies", "source", "blank_form", "sample"]
    readonly_fields = ["position", "name", "required", "form", "copies", "source", "blank_form", "sample"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyAdmin):
    list_display = ["name", "item", "number", "unit", "created_at", "created_by"]
    search_fields = ["name", "item__code"]
    inlines = [ItemMaterialInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ItemVersion]:
        items = ServiceItem.objects.restrict(request.user, CATALOG_CHANGE)
        return ItemVersion.objects.filter(item__in=items).select_related("item", "unit", "created_by")

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_staff


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["phrase", "canonical"]
    search_fields = ["phrase", "canonical"]
