"""The catalogue in the admin site: items and versions are read here and written through the services (the
API, the Excel import on /guide/manage/); synonyms for the search are edited here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bianmin.catalog import services
from bianmin.catalog.choices import CATALOG_CHANGE
from bianmin.catalog.models import ItemMaterial, ItemVersion, SearchSynonym, ServiceItem
from bianmin.errors import DomainError
from bianmin.org.models import User


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "basic_code", "unit", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["name", "code", "basic_code"]
    fields = ["name", "basic_code", "code", "unit", "current", "active", "updated_at"]
    actions = ["activate", "deactivate"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItem]:
        return ServiceItem.objects.restrict(request.user, CATALOG_CHANGE).select_related("unit", "current")

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_staff

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
