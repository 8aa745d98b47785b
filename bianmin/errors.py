"""Domain errors: every refusal the platform makes carries a stable code and a translated message.

The API turns them into `{"code", "message", "fields"}` bodies; pages show the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    VALIDATION = "validation_error"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"


class DomainError(Exception):
    """A refusal with a stable code; `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        fields: Mapping[str, str | Promise] | None = None,
        *,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        if status is not None:
            self.status = status

    def describe(self) -> str:
        """One line for a person (pages, the admin, the CLI): the message, then each field's message, without the
        API's field names (a person reads the form's labels, not `citizen_phone`)."""
        return " ".join([str(self.message), *(str(text) for text in self.fields.values())]).strip()


class InvalidInput(DomainError):
    status = 400

    def __init__(self, fields: Mapping[str, str | Promise], message: str | Promise | None = None) -> None:
        super().__init__(ErrorCode.VALIDATION, message or _("Some fields are not valid."), fields)


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str | Promise | None = None) -> None:
        super().__init__(ErrorCode.NOT_FOUND, message or _("Not found."))


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str | Promise | None = None) -> None:
        super().__init__(ErrorCode.PERMISSION_DENIED, message or _("You do not have permission to do this."))


class Conflict(DomainError):
    status = 409


def error_responses(*statuses: int) -> dict[int, type]:
    """OpenAPI response entries for the error bodies a route can answer with; 400 (e.g. a NUL character,
    refused by RejectNulMiddleware), 401 and 422 are possible on every route."""
    from bianmin.schemas import Error

    return {status: Error for status in sorted({400, 401, 422, *statuses})}
