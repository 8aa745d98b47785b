"""Village-affairs pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    """Placeholder until the app is built (issue 23)."""
    return HttpResponse(status=404)
