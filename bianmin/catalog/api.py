"""The catalogue under /api/v1/catalog: anyone reads the active items; administrators write those of the
units they administer, through the services (each edit a new version)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.params.functions import Path

from bianmin.catalog import services
from bianmin.catalog.choices import MaterialFile
from bianmin.catalog.content import ItemContent, MaterialContent
from bianmin.catalog.models import ItemMaterial, ItemVersion, ServiceItem
from bianmin.catalog.presenters import detail, filter_items, summary
from bianmin.catalog.schemas import (
    CatalogContentIn,
    CatalogItemCreate,
    CatalogItemDetail,
    CatalogItemFilters,
    CatalogItemPage,
    CatalogItemUpdate,
    CatalogPage,
)
from bianmin.errors import InvalidInput, NotFound, error_responses
from bianmin.org.api import actor
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission

router = Router(tags=["catalog"])

# Implementation codes as the content rules define them (bianmin.catalog.content.ITEM_CODE).
CODE = Path(..., pattern=r"^[0-9A-Z]{12,40}$", description="实施编码 (implementation code).")


def content_from(payload: CatalogContentIn) -> ItemContent:
    values = payload.model_dump(exclude={"materials", "basic_code", "code", "unit", "version", "active"})
    # Enum members to their plain values, so the content compares and stores as text.
    values = {k: tuple(str(v) for v in x) if isinstance(x, list) else x for k, x in values.items()}
    values = {k: str(x) if k in ("kind", "legal_limit_unit", "promised_limit_unit") else x for k, x in values.items()}
    materials = tuple(
        MaterialContent(name=m.name, required=m.required, form=str(m.form), copies=m.copies, source=m.source)
        for m in payload.materials
    )
    return ItemContent(**values, materials=materials)


def _with_materials(items: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    return items.select_related("unit", "current").prefetch_related(
        Prefetch("current__materials", queryset=ItemMaterial.objects.order_by("position"))
    )


def _public_item(request: HttpRequest, code: str) -> ServiceItem:
    item = _with_materials(ServiceItem.objects.restrict(request.user)).filter(code=code).first()
    if item is None:
        raise NotFound(_("No such item in the catalogue."))
    return item


def _item_body(code: str) -> dict[str, Any]:
    item = _with_materials(ServiceItem.objects.filter(code=code)).get()
    return detail(item)


def _unit(user: User, code: str) -> Unit:
    unit = Unit.objects.restrict(user, Permission.UNIT_VIEW).filter(code=code).first()
    if unit is None:
        raise InvalidInput({"unit": _("No unit with code %(code)s in your scope.") % {"code": code}})
    return unit


@router.get(
    "/catalog/items",
    response={200: CatalogItemPage, **error_responses()},
    auth=None,
    summary="Search and browse the service catalogue (public)",
)
def list_items(request: HttpRequest, filters: Query[CatalogItemFilters], page: Query[CatalogPage]) -> dict[str, Any]:
    items = filter_items(
        ServiceItem.objects.restrict(request.user),
        q=filters.q,
        level=filters.level,
        life_event=filters.life_event,
        unit=filters.unit,
        proxy=filters.proxy,
    )
    rows = items[page.offset : page.offset + page.limit]
    return {"items": [summary(item) for item in rows], "count": items.count()}


@router.get(
    "/catalog/items/{code}",
    response={200: CatalogItemDetail, **error_responses(404)},
    auth=None,
    summary="An item's current version with its materials (public)",
)
def get_item(request: HttpRequest, code: str = CODE) -> dict[str, Any]:
    return detail(_public_item(request, code))


@router.get(
    "/catalog/items/{code}/versions/{number}",
    response={200: CatalogItemDetail, **error_responses(404)},
    auth=None,
    summary="One version of an item, as applications filed under it see it (public)",
)
def get_version(request: HttpRequest, number: int, code: str = CODE) -> dict[str, Any]:
    item = _public_item(request, code)
    version = (
        ItemVersion.objects.select_related("unit")
        .prefetch_related(Prefetch("materials", queryset=ItemMaterial.objects.order_by("position")))
        .filter(item=item, number=number)
        .first()
    )
    if version is None:
        raise NotFound(_("This item has no such version."))
    return detail(item, version)


@router.post(
    "/catalog/items",
    response={201: CatalogItemDetail, **error_responses(400, 403)},
    summary="Add an item to the catalogue (administrators of the implementing unit)",
)
def create_item(request: HttpRequest, payload: CatalogItemCreate) -> Status[dict[str, Any]]:
    user = actor(request)
    item = services.create_item(
        actor=user,
        basic_code=payload.basic_code,
        code=payload.code,
        unit=_unit(user, payload.unit),
        content=content_from(payload),
    )
    return Status(201, _item_body(item.code))


@router.put(
    "/catalog/items/{code}",
    response={200: CatalogItemDetail, **error_responses(400, 403, 404, 409)},
    summary="Edit an item: a new version if anything changed (administrators of the implementing unit)",
)
def update_item(request: HttpRequest, payload: CatalogItemUpdate, code: str = CODE) -> dict[str, Any]:
    user = actor(request)
    item = ServiceItem.objects.filter(code=code).first()
    if item is None:
        raise NotFound(_("No such item in the catalogue."))
    services.update_item(
        item,
        actor=user,
        content=content_from(payload),
        unit=_unit(user, payload.unit) if payload.unit else None,
        version=payload.version,
        active=payload.active,
    )
    return _item_body(code)


@router.post(
    "/catalog/items/{code}/materials/{position}/{which}",
    response={200: CatalogItemDetail, **error_responses(403, 404, 413)},
    summary="Upload a material's blank form or filled-in sample: a new version (administrators)",
)
def upload_material_file(
    request: HttpRequest,
    which: MaterialFile,
    file: File[UploadedFile],
    code: str = CODE,
    position: int = Path(..., ge=1, le=100),
) -> dict[str, Any]:
    user = actor(request)
    item = ServiceItem.objects.select_related("unit").filter(code=code).first()
    if item is None:
        raise NotFound(_("No such item in the catalogue."))
    services.attach_material_file(item, actor=user, position=position, which=which, upload=file)
    return _item_body(code)
