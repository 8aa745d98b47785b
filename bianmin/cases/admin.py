from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bianmin.cases.choices import CaseStatus
from bianmin.cases.models import Case, CaseEvent, Category, Classification
from bianmin.cases.workflow import action_label
from bianmin.org.permissions import Permission


def _status(value: str) -> str:
    return str(CaseStatus(value).label) if value in CaseStatus.values else value


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
    # The history as the case page shows it: actions and statuses by their names, not their codes.
    fields = ("seq", "at", "action_name", "actor", "from_status_name", "to_status_name", "from_unit", "to_unit", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("action"))
    def action_name(self, event: CaseEvent) -> str:
        return action_label(event.action)

    @admin.display(description=_("from status"))
    def from_status_name(self, event: CaseEvent) -> str:
        return _status(event.from_status)

    @admin.display(description=_("to status"))
    def to_status_name(self, event: CaseEvent) -> str:
        return _status(event.to_status)

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
