"""Admin pages whose saves go through the service layer, so the admin obeys the same rules as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from bianmin.errors import DomainError


class ServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        # A refusal from a service rolls the whole save back and is shown to the user, never a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.describe(), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def adopt(self, obj: Model, saved: Model) -> None:
        """Point the admin's unsaved instance at the row a service created."""
        obj.pk = saved.pk
        obj.refresh_from_db()
