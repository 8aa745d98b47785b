"""Duty in the admin site, read only: rosters are written through the services (the API and the duty pages),
so that every write is checked, audited and resolved again."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bianmin.duty.models import DutyChange, DutyLayer, DutyMember, DutyPlace, ReceptionVisit


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MemberInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = DutyMember
    fields = ["position", "name", "post", "user", "is_leader", "active"]


class LayerInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = DutyLayer
    fields = ["name", "days", "everyone", "people_per_day", "hours", "priority", "active"]


@admin.register(DutyPlace)
class DutyPlaceAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "unit", "kind", "head", "active"]
    list_filter = ["kind"]
    search_fields = ["name", "unit__name"]
    inlines = [MemberInline, LayerInline]


@admin.register(DutyChange)
class DutyChangeAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["place", "kind", "state", "member", "colleague", "date", "other_date", "requested_at"]
    list_filter = ["kind", "state"]


@admin.register(ReceptionVisit)
class ReceptionVisitAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["visited_at", "place", "leader", "matter", "people_count", "case"]
    # The visitor's phone is personal data: not shown in the list.
    exclude = ["visitor_phone"]
