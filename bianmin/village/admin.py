"""The village records in the Django admin. Everything changes only through the services (pages, API): the
publicity catalogue, declared relatives, publications, decisions, projects and their ledgers are read-only here
(staff use the pages), so the admin is not a way around the frozen texts, the quorum rules or the budget; a
village register is saved through `decisions.set_register`, with the same permission check as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bianmin.admin_base import ServiceAdmin
from bianmin.errors import PermissionDenied
from bianmin.org.models import User
from bianmin.village import decisions
from bianmin.village.models import (
    CatalogueItem,
    ConflictFlag,
    Decision,
    Project,
    Publication,
    PublicationVersion,
    Register,
    Relative,
)


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CatalogueItem)
class CatalogueItemAdmin(ReadOnly):
    list_display = ["village", "category", "name", "cadence", "due_day", "responsible", "is_active"]
    list_filter = ["category", "cadence", "is_active"]
    search_fields = ["name", "village__name"]


@admin.register(Register)
class RegisterAdmin(ServiceAdmin):
    list_display = ["village", "as_of", "party_members", "adults", "households", "representatives"]
    autocomplete_fields = ["village"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A register is the counts of one village on one date: a change replaces the counts, not the date.
        return ["village", "as_of"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # meetings were counted against it

    def save_model(self, request: HttpRequest, obj: Register, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, User) else None
        if actor is None:
            raise PermissionDenied()
        counts = {name: form.cleaned_data[name] for name in decisions.REGISTER_COUNTS if name in form.cleaned_data}
        saved = decisions.set_register(obj.village, actor=actor, as_of=obj.as_of, **counts)
        self.adopt(obj, saved)


@admin.register(Relative)
class RelativeAdmin(ReadOnly):
    list_display = ["village", "of_name", "name", "relation"]  # the code stays off the list


@admin.register(Publication)
class PublicationAdmin(ReadOnly):
    list_display = ["village", "title", "category", "status", "due_on", "first_published_on"]
    list_filter = ["status", "category", "source"]
    search_fields = ["title"]


@admin.register(PublicationVersion)
class PublicationVersionAdmin(ReadOnly):
    list_display = ["publication", "number", "published_at", "sha256"]


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ["village", "title", "kind", "status"]
    list_filter = ["status", "kind"]


@admin.register(Project)
class ProjectAdmin(ReadOnly):
    list_display = ["village", "name", "fund_source", "budget_fen", "disbursed_fen", "status"]
    list_filter = ["fund_source", "status"]


@admin.register(ConflictFlag)
class ConflictFlagAdmin(ReadOnly):
    list_display = ["village", "project", "party_name", "role", "matched_person", "opened_at", "closed_at", "outcome"]
