"""The hall's configuration in the admin site (halls, windows and the services they call, the queue rules),
for the halls the administrator manages; tickets, events, sessions and ratings are read here only, as they
change through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from bianmin.hall.models import (
    AssessmentItem,
    DutyOfficerMark,
    EscalationPolicy,
    Finding,
    FindingKind,
    Hall,
    HallNotice,
    PadRating,
    Patrol,
    QueueService,
    RankingWeights,
    Ticket,
    TicketEvent,
    Violation,
    ViolationEvent,
    Window,
    WindowEvent,
    WindowService,
)
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths, subtree_q


def _managed(request: HttpRequest, queryset: QuerySet[Any], field: str) -> QuerySet[Any]:
    paths = scope_paths(request.user, Permission.HALL_MANAGE)
    if paths is None:
        return queryset
    return queryset.filter(subtree_q(paths, field)) if paths else queryset.none()


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "unit", "phone", "active"]
    raw_id_fields = ["unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Hall]:
        return _managed(request, super().get_queryset(request), "unit__path")


class WindowServiceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WindowService
    extra = 1


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "name", "hall", "state"]
    list_filter = ["hall", "state"]
    # The state follows sign-in, sign-out and pausing at the console.
    readonly_fields = ["state"]
    inlines = [WindowServiceInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Window]:
        return _managed(request, super().get_queryset(request), "hall__unit__path")


@admin.register(QueueService)
class QueueServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "prefix",
        "name",
        "hall",
        "kind",
        "daily_cap",
        "warning_waiting",
        "opens_at",
        "closes_at",
        "green_channel",
        "appointments",
        "active",
    ]
    list_filter = ["hall", "kind", "active"]
    raw_id_fields = ["items"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[QueueService]:
        return _managed(request, super().get_queryset(request), "hall__unit__path")


@admin.register(Ticket)
class TicketAdmin(ReadOnly):
    list_display = ["number", "day", "service", "status", "window", "green", "issued_at"]
    list_filter = ["status", "day"]
    search_fields = ["number"]
    exclude = ["token", "phone"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        return _managed(request, super().get_queryset(request), "hall__unit__path").select_related("service", "window")


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnly):
    list_display = ["ticket", "action", "from_status", "to_status", "window", "actor", "at"]
    list_filter = ["action"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TicketEvent]:
        return _managed(request, super().get_queryset(request), "hall__unit__path").select_related(
            "ticket", "window", "actor"
        )


@admin.register(WindowEvent)
class WindowEventAdmin(ReadOnly):
    list_display = ["window", "kind", "user", "state", "reason", "at"]
    list_filter = ["kind"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WindowEvent]:
        return _managed(request, super().get_queryset(request), "window__hall__unit__path").select_related(
            "window", "user"
        )


@admin.register(PadRating)
class PadRatingAdmin(ReadOnly):
    list_display = ["ticket", "service", "window", "level", "case", "at"]
    list_filter = ["level"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PadRating]:
        return _managed(request, super().get_queryset(request), "window__hall__unit__path")


@admin.register(FindingKind)
class FindingKindAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The deduction table: a change applies to violations recorded after it (each keeps its own points)."""

    list_display = ["code", "name", "points", "active", "position"]
    list_editable = ["points", "active"]


class FindingInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Finding
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Patrol)
class PatrolAdmin(ReadOnly):
    list_display = ["hall", "inspector", "at"]
    inlines = [FindingInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Patrol]:
        return _managed(request, super().get_queryset(request), "hall__unit__path")


@admin.register(Violation)
class ViolationAdmin(ReadOnly):
    list_display = ["person", "kind", "points", "hall", "at", "status", "fix_by"]
    list_filter = ["kind", "status"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Violation]:
        return _managed(request, super().get_queryset(request), "hall__unit__path").select_related("person", "kind")


@admin.register(HallNotice)
class HallNoticeAdmin(ReadOnly):
    list_display = ["title", "hall", "period_start", "period_end", "public", "published_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HallNotice]:
        return _managed(request, super().get_queryset(request), "hall__unit__path")


@admin.register(RankingWeights)
class RankingWeightsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["hall", "efficiency", "staff", "duty_officer", "citizens"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RankingWeights]:
        return _managed(request, super().get_queryset(request), "hall__unit__path")


@admin.register(DutyOfficerMark)
class DutyOfficerMarkAdmin(ReadOnly):
    """Entered on the hall's marks page (`bianmin.hall.ranking.set_marks`)."""

    list_display = ["window", "month", "score"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DutyOfficerMark]:
        return _managed(request, super().get_queryset(request), "window__hall__unit__path")


@admin.register(ViolationEvent)
class ViolationEventAdmin(ReadOnly):
    list_display = ["violation", "action", "from_status", "to_status", "fix_by", "measure", "actor", "at"]
    list_filter = ["action", "measure"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ViolationEvent]:
        return _managed(request, super().get_queryset(request), "violation__hall__unit__path").select_related(
            "violation__person", "actor"
        )


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Where a new violation starts on the chain, and a yellow card's deadline (a hall without a row: 2, 3, 5)."""

    list_display = ["hall", "fix_from", "notice_from", "fix_days"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EscalationPolicy]:
        return _managed(request, super().get_queryset(request), "hall__unit__path")


@admin.register(AssessmentItem)
class AssessmentItemAdmin(ReadOnly):
    """Entered on the half-year assessment page (`bianmin.hall.assessment.add_item`)."""

    list_display = ["half", "hall", "person", "window", "title", "points", "added_by", "at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AssessmentItem]:
        return _managed(request, super().get_queryset(request), "hall__unit__path")
