"""Configuration in the Django admin: the publicity catalogue, the village registers and declared relatives.
Publications, decisions, projects and their ledgers change only through the services (pages, API), so they are
read-only here: the admin must not be a way around the frozen texts, the quorum rules or the budget."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["village", "category", "name", "cadence", "due_day", "responsible", "is_active"]
    list_filter = ["category", "cadence", "is_active"]
    search_fields = ["name", "village__name"]
    autocomplete_fields = ["village"]


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["village", "as_of", "party_members", "adults", "households", "representatives"]
    autocomplete_fields = ["village"]


@admin.register(Relative)
class RelativeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["village", "of_name", "name", "relation"]  # the code stays off the list
    autocomplete_fields = ["village"]


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
