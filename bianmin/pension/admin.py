"""Configuration in the Django admin: the schemes and their regional cycles. The register, certifications
and events are changed only through the services (pages, API, import), so they are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.pension.models import Certification, Pensioner, PensionerEvent, Scheme, SchemeRule


class SchemeRuleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SchemeRule
    extra = 0
    autocomplete_fields = ["region"]


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "cycle_months", "grace_days"]
    inlines = [SchemeRuleInline]


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pensioner)
class PensionerAdmin(ReadOnly):
    list_display = ["name", "village", "scheme", "status", "due_on"]
    list_filter = ["status", "scheme"]
    list_select_related = ["village", "scheme"]
    raw_id_fields = ["village", "assistant"]


@admin.register(Certification)
class CertificationAdmin(ReadOnly):
    list_display = ["pensioner", "method", "result", "certified_at", "operator"]
    list_filter = ["method", "result"]
    raw_id_fields = ["pensioner", "village", "operator", "unit"]


@admin.register(PensionerEvent)
class PensionerEventAdmin(ReadOnly):
    list_display = ["pensioner", "kind", "from_status", "to_status", "months", "at"]
    raw_id_fields = ["pensioner", "actor", "certification"]
