"""Request and response guards for every page and API route, and the page-only middleware a bearer-token API
call passes by.

A call to the JSON API with `Authorization: Bearer …` has no session, so the pages' static files, session,
CSRF, login and message middleware have nothing to do for it, yet each would cost every call its turn (a tenth
of a worker's time under the lifecycle benchmark, issue 6). `page_only` makes a middleware hand such a call
straight on; everything else (security headers, the caller's language, NUL refusal, the login lockout) is the
same for every request. The call's `request.user` is anonymous until its token authenticates it; a call whose
token fails is refused (401, or 403 from the API's CSRF check on a write), never authenticated by a session
cookie it may also carry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext
from whitenoise.middleware import WhiteNoiseMiddleware

from bianmin.errors import ErrorCode

API_PREFIX = "/api/"


def is_token_api_call(meta: dict[str, Any]) -> bool:
    """A call to the JSON API with `Authorization: Bearer …` (the scheme read as django-ninja reads it), from
    its WSGI environ (`request.META`)."""
    if not str(meta.get("PATH_INFO", "")).startswith(API_PREFIX):
        return False
    return str(meta.get("HTTP_AUTHORIZATION", "")).split(" ", 1)[0].lower() == "bearer"


def page_only(middleware: type[Any]) -> type[Any]:
    """`middleware`, passed by for a bearer-token API call (its own work, request and response, is skipped;
    a `process_view` it has still runs, as Django calls those apart: CSRF's lets the API's exempt views be)."""

    class PageOnly(middleware):  # type: ignore[misc]
        def __call__(self, request: HttpRequest) -> Any:
            if is_token_api_call(request.META):
                return self.get_response(request)
            return super().__call__(request)

    PageOnly.__name__ = PageOnly.__qualname__ = f"PageOnly{middleware.__name__}"
    PageOnly.__doc__ = f"{middleware.__module__}.{middleware.__name__}, for pages only (`page_only`)."
    return PageOnly


class PageOnlyAuthenticationMiddleware(AuthenticationMiddleware):
    """The session's user for pages; a bearer-token API call starts anonymous, for its token to authenticate."""

    def __call__(self, request: HttpRequest) -> Any:
        if is_token_api_call(request.META):
            request.user = AnonymousUser()
            return self.get_response(request)
        return super().__call__(request)


PageOnlyWhiteNoiseMiddleware = page_only(WhiteNoiseMiddleware)
PageOnlySessionMiddleware = page_only(SessionMiddleware)
PageOnlyCsrfViewMiddleware = page_only(CsrfViewMiddleware)
PageOnlyMessageMiddleware = page_only(MessageMiddleware)

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
