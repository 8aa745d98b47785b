"""Configuration in the Django admin: the schemes and their regional cycles, saved through the services so
that changing a cycle moves the due dates of the pensioners it governs (saved as plain rows, a new cycle
left every due date where it was). The register, certifications and events are changed only through the
services (pages, API, import), so they are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from bianmin.admin_base import ServiceAdmin
from bianmin.org.models import User
from bianmin.pension import schemes
from bianmin.pension.models import Certification, Pensioner, PensionerEvent, Scheme, SchemeRule


class SchemeRuleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SchemeRule
    extra = 0
    autocomplete_fields = ["region"]


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.register(Scheme)
class SchemeAdmin(ServiceAdmin):
    list_display = ["code", "name", "cycle_months", "grace_days"]
    inlines = [SchemeRuleInline]

    def save_model(self, request: HttpRequest, obj: Scheme, form: ModelForm[Scheme], change: bool) -> None:
        moved = schemes.save_scheme(obj, actor=_actor(request))
        if moved:
            self.message_user(request, _("Due dates recomputed: %(n)s pensioners.") % {"n": moved}, messages.INFO)

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Scheme],
        formset: BaseInlineFormSet[SchemeRule, Scheme, ModelForm[SchemeRule]],
        change: bool,
    ) -> None:
        actor, moved = _actor(request), 0
        rules = formset.save(commit=False)
        for rule in formset.deleted_objects:
            moved += schemes.remove_rule(rule, actor=actor)
        for rule in rules:
            if rule.pk is not None:
                before = SchemeRule.objects.select_related("scheme", "region").get(pk=rule.pk)
                if before.region_id != rule.region_id:  # moved to another region: the old one loses it
                    moved += schemes.remove_rule(before, actor=actor)
            moved += schemes.set_rule(
                actor=actor,
                scheme=form.instance,
                region=rule.region,
                cycle_months=rule.cycle_months,
                grace_days=rule.grace_days,
            )
        if moved:
            self.message_user(request, _("Due dates recomputed: %(n)s pensioners.") % {"n": moved}, messages.INFO)


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
