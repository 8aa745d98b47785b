"""Request and response guards for every page and API route."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext

from bianmin.errors import ErrorCode

# Everything the platform serves comes from its own origin: no CDN, no inline script.
# Inline styles are allowed because the API docs (Swagger UI) set them from its own bundle.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


def _contains_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or any("\x00" in v for values in request.GET.lists() for v in values[1]):
        return True
    content_type = request.content_type or ""
    if content_type == "application/json":
        return b"\x00" in request.body or b"\\u0000" in request.body
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Form fields only: an uploaded file may hold any bytes.
        return any("\x00" in v for values in request.POST.lists() for v in values[1])
    return False


class RejectNulMiddleware:
    """Refuse text containing a NUL character: PostgreSQL cannot store one and would fail the request
    with a 500, while SQLite would keep it silently. One place for every page and API route."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _contains_nul(request):
            message = gettext("The request contains a NUL character, which is not allowed in any field.")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": ErrorCode.VALIDATION, "message": message, "fields": {}},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
