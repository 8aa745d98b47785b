"""Field-level error messages in the user's language, from Pydantic and from Django validation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long", "too_long"):
        return _("Ensure this value has at most %(n)s characters.") % {"n": ctx.get("max_length", "?")}
    if kind in ("string_too_short", "too_short"):
        return _("Ensure this value has at least %(n)s characters.") % {"n": ctx.get("min_length", "?")}
    if kind == "string_pattern_mismatch":
        return _("This value has an invalid format.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return _("Enter a valid date as YYYY-MM-DD.")
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return _("Enter a valid date and time in ISO 8601 form.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("enum", "literal_error"):
        return _("Select a valid choice: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is at least %(n)s.") % {"n": ctx.get("ge", ctx.get("gt", "?"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is at most %(n)s.") % {"n": ctx.get("le", ctx.get("lt", "?"))}
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind == "extra_forbidden":
        return _("This field is not allowed.")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("This value has the wrong type.")
    if kind == "value_error" and "error" in ctx:
        # Our own validators raise ValueError with an already translated message.
        return str(ctx["error"])
    return _("This value is not valid.")


def _field_name(loc: Iterable[Any]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
        # Body parameters are nested under the handler's argument name ("payload").
        if parts and parts[0] == "payload":
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def pydantic_error_fields(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc", ())), _message(error))
    return fields


def django_error_fields(exc: DjangoValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {
            ("__all__" if name == NON_FIELD_ERRORS else name): " ".join(str(m) for m in DjangoValidationError(errs))
            for name, errs in exc.error_dict.items()
        }
    return {"__all__": " ".join(str(m) for m in exc.messages)}
