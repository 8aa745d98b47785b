from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from bianmin.cases.models import Case, CaseEvent, Category, Classification
from bianmin.org.permissions import Permission


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "parent", "limit_value", "limit_unit", "is_active"]
    list_filter = ["is_active", "limit_unit"]
    search_fields = ["code", "name"]


@admin.register(Classification)
class ClassificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "is_active"]


class CaseEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CaseEvent
    fields = ("seq", "at", "action", "actor", "from_status", "to_status", "from_unit", "to_unit", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: a case changes only through its workflow's actions, never by editing fields."""

    list_display = ["number", "title", "kind", "status", "unit", "due_at", "received_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["number", "title"]
    date_hierarchy = "received_at"
    inlines = [CaseEventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return Case.objects.restrict(request.user, Permission.CASE_VIEW).select_related("unit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False
