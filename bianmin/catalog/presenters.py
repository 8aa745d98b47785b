"""Items as the API and the guide pages show them, and the one filter both use."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from bianmin.catalog.choices import HandlingForm, ItemKind, Level, LifeEvent, LimitUnit, MaterialForm, ServiceObject
from bianmin.catalog.models import ItemMaterial, ItemVersion, ServiceItem
from bianmin.catalog.search import search


def filter_items(
    items: QuerySet[ServiceItem],
    *,
    q: str | None = None,
    level: str | None = None,
    life_event: str | None = None,
    unit: str | None = None,
    proxy: bool | None = None,
) -> QuerySet[ServiceItem]:
    """`items` narrowed by the guide's filters; with words, best match first, else by code."""
    if level:
        items = items.filter(facets__contains=f"|level:{level}|")
    if life_event:
        items = items.filter(facets__contains=f"|event:{life_event}|")
    if unit:
        items = items.filter(unit__code=unit)
    if proxy is not None:
        items = (
            items.filter(facets__contains="|form:proxy|") if proxy else items.exclude(facets__contains="|form:proxy|")
        )
    items = items.select_related("unit", "current")
    if q and q.strip():
        return search(items, q)
    return items.order_by("basic_code", "code")


def limit_label(value: int, unit: str) -> str:
    if value == 0:
        return _("on the spot")
    if unit == LimitUnit.WORKING_DAYS:
        return _("%(n)s working days") % {"n": value}
    return _("%(n)s calendar days") % {"n": value}


def _limit(value: int, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "label": limit_label(value, unit)}


def labels(values: list[str], choices: Any) -> list[str]:
    return [str(choices(v).label) for v in values if v in choices.values]


def summary(item: ServiceItem, version: ItemVersion | None = None) -> dict[str, Any]:
    v = version or item.current
    assert v is not None  # noqa: S101 (every saved item has a version: create_item writes the first)
    return {
        "basic_code": item.basic_code,
        "code": item.code,
        "name": v.name,
        "kind": v.kind,
        "kind_label": str(ItemKind(v.kind).label),
        "unit": {"code": item.unit.code, "name": item.unit.name} if version is None else _unit(v),
        "levels": v.levels,
        "level_labels": labels(v.levels, Level),
        "handling_forms": v.handling_forms,
        "handling_form_labels": labels(v.handling_forms, HandlingForm),
        "life_events": v.life_events,
        "life_event_labels": labels(v.life_events, LifeEvent),
        "delegated_down": v.delegated_down,
        "joint_handling": v.joint_handling,
        "proxy": HandlingForm.PROXY in v.handling_forms,
        "legal_limit": _limit(v.legal_limit, v.legal_limit_unit),
        "promised_limit": _limit(v.promised_limit, v.promised_limit_unit),
        "trips": v.trips,
        "version": v.number,
        "active": item.active,
        "url": reverse("catalog:item", args=[item.code]),
    }


def _unit(version: ItemVersion) -> dict[str, str]:
    return {"code": version.unit.code, "name": version.unit.name}


def file_url(item: ServiceItem, material: ItemMaterial, which: str) -> str | None:
    if not getattr(material, which).name:
        return None
    return reverse("catalog:file", args=[item.code, material.pk, which])


def detail(item: ServiceItem, version: ItemVersion | None = None) -> dict[str, Any]:
    v = version or item.current
    assert v is not None  # noqa: S101 (see summary)
    materials = sorted(v.materials.all(), key=lambda m: m.position)
    return {
        **summary(item, version),
        "legal_basis": v.legal_basis,
        "entrusted": v.entrusted,
        "service_objects": v.service_objects,
        "service_object_labels": labels(v.service_objects, ServiceObject),
        "conditions": v.conditions,
        "process": v.process,
        "charges": v.charges,
        "fee_basis": v.fee_basis,
        "place": v.place,
        "hours": v.hours,
        "consult_phone": v.consult_phone,
        "complaint_phone": v.complaint_phone,
        "aliases": v.aliases,
        "keywords": v.keywords,
        "version_created_at": v.created_at,
        "materials": [
            {
                "position": m.position,
                "name": m.name,
                "required": m.required,
                "form": m.form,
                "form_label": str(MaterialForm(m.form).label),
                "copies": m.copies,
                "source": m.source,
                "blank_form_url": file_url(item, m, "blank_form"),
                "sample_url": file_url(item, m, "sample"),
            }
            for m in materials
        ],
    }
