from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bianmin.admin_base import ServiceAdmin
from bianmin.errors import PermissionDenied
from bianmin.org import audit, services
from bianmin.org.models import ApiToken, AuditEntry, Membership, Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.tokens import revoke_token


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    list_display = ["name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["covers"]
    readonly_fields = ["path", "depth", "created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        return Unit.objects.restrict(request.user, Permission.UNIT_VIEW).select_related("parent")

    def save_model(self, request: HttpRequest, obj: Unit, form: ModelForm[Unit], change: bool) -> None:
        data = form.cleaned_data
        actor = request.user if isinstance(request.user, User) else None
        if actor is None:
            raise PermissionDenied()
        if not change:
            fields = {k: data.get(k, "") for k in ("code", "name", "kind", "phone", "address")}
            unit = services.create_unit(
                actor=actor, parent=data.get("parent"), covers=list(data.get("covers", [])), **fields
            )
            self.adopt(obj, unit)
            return
        changes: dict[str, Any] = {k: data[k] for k in form.changed_data if k in data}
        if "covers" in changes:
            changes["covers"] = list(changes["covers"])
        services.update_unit(obj, actor=actor, **changes)
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: ModelForm[Unit], formsets: Any, change: bool) -> None:
        """`covers` was written by the service in save_model."""


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]  # generic only in the stubs
    list_display = ["username", "display_name", "employment_type", "is_active", "is_staff"]
    list_filter = ["employment_type", "is_active", "is_staff", "memberships__role"]
    search_fields = ["username", "display_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("display_name", "phone", "employment_type")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "display_name", "employment_type", "password1", "password2")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return User.objects.restrict(request.user, Permission.USER_VIEW)

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool) -> None:
        super().save_model(request, obj, form, change)
        actor = request.user if isinstance(request.user, User) else None
        services.audit(actor, "user.change" if change else "user.create", obj, fields=sorted(form.changed_data))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "unit", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "unit__name", "unit__code"]
    autocomplete_fields = ["user", "unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return Membership.objects.restrict(request.user, Permission.USER_VIEW).select_related("user", "unit")

    def save_model(self, request: HttpRequest, obj: Membership, form: ModelForm[Membership], change: bool) -> None:
        super().save_model(request, obj, form, change)
        actor = request.user if isinstance(request.user, User) else None
        services.audit(
            actor, "membership.change" if change else "membership.add", obj, role=obj.role, unit=obj.unit.code
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked_at"]
    search_fields = ["user__username", "prefix", "name"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are created with `bianmin token create`, which shows the secret once

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            revoke_token(token)


class AuditActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:  # type: ignore[type-arg]
        codes = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, audit.label(code)) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "actor", "action_label", "object_type", "object_id"]
    list_filter = [AuditActionFilter, "object_type"]
    search_fields = ["object_id", "actor__username"]
    readonly_fields = ["at", "actor", "action_label", "action", "object_type", "object_id", "summary"]

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, entry: AuditEntry) -> str:
        return audit.label(entry.action)

    def has_view_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return request.user.is_superuser  # the trail spans every unit: only whole-installation administrators

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
