"""The administrators' Open311 client keys under /api/v1/open311/ (GeoReport v2 itself is under /open311/v2/)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from bianmin.errors import InvalidInput, NotFound, PermissionDenied, error_responses
from bianmin.open311.models import ClientKey
from bianmin.open311.schemas import ClientKeyIn, ClientKeyIssued, ClientKeyOut
from bianmin.open311.services import issue_key, revoke_key
from bianmin.org.api import actor
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths

router = Router(tags=["open311"])


def _administrator(request: HttpRequest) -> User:
    user = actor(request)
    paths = scope_paths(user, Permission.OPEN311_KEYS)
    if paths is not None and not paths:
        raise PermissionDenied(_("Only administrators manage the Open311 client keys."))
    return user


def _out(key: ClientKey) -> dict[str, Any]:
    return {
        "id": key.pk,
        "name": key.name,
        "prefix": key.prefix,
        "jurisdiction": key.jurisdiction.code,
        "intake_unit": key.intake_unit.code,
        "per_hour": key.per_hour,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


@router.get("/keys", response={200: list[ClientKeyOut], **error_responses(403)}, summary="List client keys")
def list_keys(request: HttpRequest) -> list[dict[str, Any]]:
    user = _administrator(request)
    rows = ClientKey.objects.restrict(user, Permission.OPEN311_KEYS).select_related("jurisdiction", "intake_unit")
    return [_out(row) for row in rows]


@router.post("/keys", response={201: ClientKeyIssued, **error_responses(403)}, summary="Issue a client key")
def create_key(request: HttpRequest, payload: ClientKeyIn) -> Status[dict[str, Any]]:
    user = _administrator(request)
    units = Unit.objects.restrict(user, Permission.OPEN311_KEYS)
    found = {unit.code: unit for unit in units.filter(code__in=[payload.jurisdiction, payload.intake_unit])}
    missing = {
        name: _("No unit with code %(code)s in your scope.") % {"code": code}
        for name, code in (("jurisdiction", payload.jurisdiction), ("intake_unit", payload.intake_unit))
        if code not in found
    }
    if missing:
        raise InvalidInput(missing)
    row, key = issue_key(
        actor=user,
        name=payload.name,
        jurisdiction=found[payload.jurisdiction],
        intake_unit=found[payload.intake_unit],
        per_hour=payload.per_hour,
    )
    return Status(201, {**_out(row), "key": key})


@router.post(
    "/keys/{key_id}/revoke", response={200: ClientKeyOut, **error_responses(403, 404)}, summary="Revoke a client key"
)
def revoke(request: HttpRequest, key_id: int) -> dict[str, Any]:
    user = _administrator(request)
    key = ClientKey.objects.restrict(user, Permission.OPEN311_KEYS).filter(pk=key_id).first()
    if key is None:
        raise NotFound(_("No such key in your scope."))
    revoked = revoke_key(key, actor=user)
    return _out(ClientKey.objects.select_related("jurisdiction", "intake_unit").get(pk=revoked.pk))
