"""Open311 in the admin site: the services' attributes are configured here; client keys are read here and
issued or revoked on the Open311 keys page (/open311/keys/), where the key is shown once."""

from django.contrib import admin
from django.http import HttpRequest

from bianmin.open311.models import ClientKey, ServiceAttribute


@admin.register(ClientKey)
class ClientKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "prefix", "jurisdiction", "intake_unit", "per_hour", "created_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["category", "code", "order", "datatype", "required", "description"]
    list_filter = ["datatype", "required"]
    ordering = ["category", "order", "code"]
