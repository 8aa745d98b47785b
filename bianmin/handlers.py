"""The WSGI application: a call to the JSON API that authenticates with a bearer token goes through a
shorter middleware chain than a page.

Such a call has no session, so the pages' session, CSRF, login-lockout, message and static-file middleware
(`settings.PAGE_ONLY_MIDDLEWARE`) have nothing to do for it, yet each costs every call its turn: a tenth of
a worker's time under the lifecycle benchmark (issue 6). Everything else (security headers, the caller's
language, NUL refusal) is the same for both chains, as is the URLconf. The call's `request.user` is
anonymous until its token authenticates it; a call whose token fails is refused (401, or 403 from the
API's CSRF check on a write), never authenticated by a session cookie it may also carry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponseBase
from django.test.client import Client, ClientHandler

API_PREFIX = "/api/"


def is_token_api_call(environ: dict[str, Any]) -> bool:
    """A call to the JSON API with `Authorization: Bearer …` (the scheme read as django-ninja reads it)."""
    if not str(environ.get("PATH_INFO", "")).startswith(API_PREFIX):
        return False
    return str(environ.get("HTTP_AUTHORIZATION", "")).split(" ", 1)[0].lower() == "bearer"


class TokenApiChain(BaseHandler):
    """A handler whose middleware is `settings.MIDDLEWARE` without the page-only entries."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE: give it the shorter list while it does. This
        # runs when a handler is made (the server's at start, in its main thread), not per request.
        everything = settings.MIDDLEWARE
        settings.MIDDLEWARE = [path for path in everything if path not in settings.PAGE_ONLY_MIDDLEWARE]
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = everything

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        request.user = AnonymousUser()  # the token's user, once the API's TokenAuth has checked it
        return super().get_response(request)


class TokenApiWSGIHandler(TokenApiChain, WSGIHandler):
    pass


class Routes:
    """The two handlers, and which one a call goes to."""

    pages: BaseHandler
    token_api: BaseHandler

    def handler_for(self, environ: dict[str, Any]) -> Any:
        return self.token_api if is_token_api_call(environ) else self.pages


class Application(Routes):
    """The WSGI callable `bianmin.wsgi.application`."""

    def __init__(self) -> None:
        self.pages = WSGIHandler()
        self.token_api = TokenApiWSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self.handler_for(environ)(environ, start_response)  # type: ignore[no-any-return]


class TokenApiClientHandler(TokenApiChain, ClientHandler):
    pass


class RoutedClientHandler(Routes):
    """The test client's handler, routing as `Application` does."""

    def __init__(self, enforce_csrf_checks: bool) -> None:
        self.pages = ClientHandler(enforce_csrf_checks)
        self.token_api = TokenApiClientHandler(enforce_csrf_checks)
        for handler in (self.pages, self.token_api):  # now, in the thread that makes the client
            handler.load_middleware()

    def __call__(self, environ: dict[str, Any]) -> HttpResponseBase:
        return self.handler_for(environ)(environ)  # type: ignore[no-any-return]


class RoutedClient(Client):
    """Django's test client, its calls handled as the server handles them (tests, bench/)."""

    def __init__(self, enforce_csrf_checks: bool = False, **kwargs: Any) -> None:
        super().__init__(enforce_csrf_checks, **kwargs)
        self.handler = RoutedClientHandler(enforce_csrf_checks)  # type: ignore[assignment]
