"""The server's WSGI application: bearer-token API calls pass by the page-only middleware and answer as the
whole chain would; pages and session calls keep every guard (`bianmin.middleware.page_only`)."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils.module_loading import import_string

from bianmin.middleware import is_token_api_call
from bianmin.org.tokens import create_token

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def application() -> WSGIHandler:
    from bianmin.wsgi import application

    return application


def call(
    app: WSGIHandler, method: str, path: str, body: bytes = b"", **headers: str
) -> tuple[int, dict[str, str], Any]:
    """One request through the WSGI interface, as gunicorn makes it."""
    path, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json" if body else "",
        **{"HTTP_" + name.upper(): value for name, value in headers.items()},
    }
    setup_testing_defaults(environ)
    started: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started["status"], started["headers"] = int(status.split()[0]), response_headers

    # As Django's test client does: the test's transaction must outlive the request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        chunks = app(environ, start_response)
        content = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    headers_out: dict[str, str] = {}
    for name, value in started["headers"]:
        headers_out[name] = headers_out[name] + "\n" + value if name in headers_out else value
    answer = json.loads(content) if headers_out.get("Content-Type", "").startswith("application/json") else content
    return started["status"], headers_out, answer


def bearer(user: Any) -> str:
    return "Bearer " + create_token(user, name="test")[1]


def test_only_api_calls_with_a_bearer_token_take_the_short_chain():
    assert is_token_api_call({"PATH_INFO": "/api/v1/me", "HTTP_AUTHORIZATION": "Bearer bm_x"})
    assert is_token_api_call({"PATH_INFO": "/api/v1/me", "HTTP_AUTHORIZATION": "bearer bm_x"})
    assert not is_token_api_call({"PATH_INFO": "/api/v1/me"})
    assert not is_token_api_call({"PATH_INFO": "/api/v1/me", "HTTP_AUTHORIZATION": "Basic eDp5"})
    assert not is_token_api_call({"PATH_INFO": "/cases/", "HTTP_AUTHORIZATION": "Bearer bm_x"})
    assert not is_token_api_call({"PATH_INFO": "/admin/", "HTTP_AUTHORIZATION": "Bearer bm_x"})


PAGE_ONLY = {
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
}


def test_a_token_call_passes_by_only_the_page_middleware(application):
    """The chain is settings.MIDDLEWARE for every call; the page-only entries are Django's own classes that a
    bearer-token API call passes by; the language, the NUL guard and the security headers are for everyone."""
    chain = [import_string(path) for path in settings.MIDDLEWARE]
    wrapped = {f"{base.__module__}.{base.__name__}" for cls in chain for base in cls.__mro__[1:2]}
    page_only = [cls for cls in chain if cls.__name__.startswith("PageOnly")]
    assert {f"{cls.__mro__[1].__module__}.{cls.__mro__[1].__name__}" for cls in page_only} == PAGE_ONLY
    assert wrapped >= PAGE_ONLY
    everyone = [path for path in settings.MIDDLEWARE if not import_string(path).__name__.startswith("PageOnly")]
    assert "django.middleware.locale.LocaleMiddleware" in everyone
    assert "bianmin.middleware.RejectNulMiddleware" in everyone
    assert "django.middleware.security.SecurityMiddleware" in everyone
    assert "axes.middleware.AxesMiddleware" in everyone  # its lockout check is cheap and axes requires it


def test_a_token_call_answers_with_the_same_guards_and_no_cookie(county, application):
    status, headers, body = call(
        application, "GET", "/api/v1/me", authorization=bearer(county.people["township_staff"])
    )
    assert status == 200 and body["username"] == "township_staff"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Language"] == "zh-hans" and "Accept-Language" in headers["Vary"]
    assert "Set-Cookie" not in headers


def test_a_token_call_is_answered_in_the_callers_language(county, application):
    token = bearer(county.people["township_staff"])
    status, _, body = call(application, "GET", "/api/v1/units/999999999999", authorization=token)
    assert status == 404 and body["message"] == "您的管辖范围内没有该单位。"
    status, _, body = call(application, "GET", "/api/v1/units/999999999999", authorization=token, accept_language="en")
    assert status == 404 and body["message"] == "No such unit in your scope."


def test_a_token_call_with_a_nul_character_is_refused(county, application):
    token = bearer(county.people["township_staff"])
    status, _, body = call(application, "POST", "/api/v1/cases", b'{"title": "a\\u0000b"}', authorization=token)
    assert status == 400 and body["code"] == "validation_error"


def test_a_bad_token_is_not_rescued_by_a_session_cookie(county, application):
    page = Client()
    page.force_login(county.people["county_admin"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={page.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, _, body = call(application, "GET", "/api/v1/me", cookie=cookie)
    assert status == 200 and body["username"] == "county_admin"  # the session alone: the pages' chain
    status, _, body = call(application, "GET", "/api/v1/me", cookie=cookie, authorization="Bearer bm_wrong")
    assert status == 401 and body["code"] == "not_authenticated"


def test_public_endpoints_answer_a_token_call_as_anonymous(county, application):
    status, _, body = call(
        application, "GET", "/api/v1/catalog/items", authorization=bearer(county.people["township_staff"])
    )
    assert status == 200 and "items" in body


def test_pages_keep_sessions_and_csrf(county, application):
    status, headers, _ = call(application, "GET", "/login/")
    assert status == 200 and "csrftoken=" in headers.get("Set-Cookie", "")
    status, _, body = call(application, "POST", "/api/v1/cases", b"{}")  # no token, no session, no CSRF token
    assert status in (401, 403) and body["code"] in ("not_authenticated", "validation_error")
