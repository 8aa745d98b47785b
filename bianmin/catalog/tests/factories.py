"""Test data for the catalogue: real items from the demo catalogue, implemented by a unit of the test county."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bianmin.catalog.content import ItemContent
from bianmin.catalog.demo import SPECS, content_for
from bianmin.catalog.demo_items_work import HOMESTEAD
from bianmin.catalog.models import ServiceItem
from bianmin.catalog.services import create_item
from bianmin.org.models import Unit

BY_NAME = {spec.name: spec for spec in [*SPECS, HOMESTEAD]}


def content(which: str = "最低生活保障申请", unit: Unit | None = None, **overrides: Any) -> ItemContent:
    """The content of the demo item named `which`, with `overrides`."""
    spec = BY_NAME[which]
    base = content_for(spec, unit) if unit is not None else content_for(spec, Unit(pk=1, phone="023-56551234"))
    return replace(base, **overrides)


def new_item(unit: Unit, which: str = "最低生活保障申请", *, code: str | None = None, **overrides: Any) -> ServiceItem:
    spec = BY_NAME[which]
    basic = f"0002{spec.serial:05d}000"
    return create_item(
        actor=None,
        basic_code=basic,
        code=code or f"11500236{unit.pk:09d}X{basic}",
        unit=unit,
        content=content(which, unit, **overrides),
    )
