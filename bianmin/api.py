"""The JSON API under /api/v1/: one NinjaAPI, token or session authentication, uniform error bodies."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from bianmin.cases.api import router as cases_router
from bianmin.cases.public_api import router as public_router
from bianmin.catalog.api import router as catalog_router
from bianmin.duty.api import router as duty_router
from bianmin.errors import DomainError, ErrorCode
from bianmin.hall.api import router as hall_router
from bianmin.open311.api import router as open311_router
from bianmin.org.api import router as org_router
from bianmin.org.models import User
from bianmin.org.tokens import authenticate_token
from bianmin.pension.api import router as pension_router
from bianmin.reports.api import router as reports_router
from bianmin.schemas import ShanghaiTimes
from bianmin.validation import django_error_fields, pydantic_error_fields
from bianmin.village.api import router as village_router
from bianmin.workdays.api import router as workdays_router

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a per-user API token (stored as a SHA-256 digest)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """The page login's session cookie (with CSRF on writes), so pages can call the API."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        return user if isinstance(user, User) else None


class UTF8Renderer(JSONRenderer):
    """JSON as UTF-8 text, so Chinese is readable in curl and logs instead of \\u escapes."""

    encoder_class = ShanghaiTimes
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UTF8Renderer(),
    title="Bianmin API",
    version="1",
    description="便民服务平台 JSON API. Authenticate with `Authorization: Bearer <token>` "
    "(create one with `bianmin token create USERNAME`) or the page login's session.",
    auth=[TokenAuth(), StaffSession()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", org_router)
api.add_router("/calendar", workdays_router)
api.add_router("/", cases_router)
api.add_router("/", public_router)
api.add_router("/", reports_router)
api.add_router("/", catalog_router)
api.add_router("/hall", hall_router)
api.add_router("/duty", duty_router)
api.add_router("/pension", pension_router)
api.add_router("/village", village_router)
api.add_router("/open311", open311_router)  # its client keys; GeoReport v2 itself is under /open311/v2/


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "fields": fields or {}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    fields = {name: str(text) for name, text in exc.fields.items()}
    return error_response(request, exc.status, exc.code, str(exc.message), fields)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = pydantic_error_fields(exc.errors)
    return error_response(request, 422, ErrorCode.VALIDATION, _("Some fields are not valid."), fields)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return error_response(request, 400, ErrorCode.VALIDATION, _("Some fields are not valid."), django_error_fields(exc))


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = _("Authentication required: send a valid API token or log in.")
    return error_response(request, 401, ErrorCode.NOT_AUTHENTICATED, message)


@api.exception_handler(AuthorizationError)
def on_forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, 403, ErrorCode.PERMISSION_DENIED, _("You do not have permission to do this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, ErrorCode.NOT_FOUND, _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = ErrorCode.THROTTLED if exc.status_code == 429 else ErrorCode.VALIDATION
    message = _("Too many requests; try again later.") if exc.status_code == 429 else str(exc)
    return error_response(request, exc.status_code, code, message)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Logged with the path only: request bodies can hold personal data.
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(request, 500, ErrorCode.SERVER_ERROR, _("An internal error occurred; it has been logged."))
