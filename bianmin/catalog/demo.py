"""The demo catalogue: about thirty common items of a county's 办事指南 at county, township and village level,
with realistic materials and time limits, some delegated down to the townships (下放), one handled jointly by
several departments (联合办理), many filed by a village cadre on a villager's behalf (代办). Deterministic and
safe to load again: items are matched by their implementation code and an unchanged item gets no new version.

The items are data: their shape in demo_spec.py, items 1–18 in demo_items_life.py, items 19–32 and the
homestead approval in demo_items_work.py. This module writes them."""

from __future__ import annotations

from stdnum.cn import uscc

from bianmin.catalog.content import ItemContent, MaterialContent
from bianmin.catalog.demo_items_life import LIFE_SPECS
from bianmin.catalog.demo_items_work import HOMESTEAD, WORK_SPECS
from bianmin.catalog.demo_spec import Spec
from bianmin.catalog.models import ServiceItem
from bianmin.catalog.services import create_item, update_item
from bianmin.org.choices import UnitKind
from bianmin.org.models import Unit

HOURS = "工作日 上午9:00—12:00，下午14:00—17:30（法定节假日除外）"
COMPLAINT = "12345"

# The items each loaded for the department named in their spec, in serial order.
SPECS: list[Spec] = [*LIFE_SPECS, *WORK_SPECS]


def credit_code(unit: Unit) -> str:
    """A made-up unified social credit code (统一社会信用代码) for a demo unit, with a valid check digit."""
    base = f"11500236{unit.pk:09d}"
    return base + uscc.calc_check_digit(base)


def _phone(unit: Unit) -> str:
    return unit.phone or f"023-5655{1000 + unit.pk % 9000:04d}"


def content_for(spec: Spec, unit: Unit) -> ItemContent:
    return ItemContent(
        name=spec.name,
        kind=spec.kind,
        legal_basis=spec.basis,
        levels=tuple(spec.levels),
        service_objects=tuple(spec.objects),
        conditions=spec.conditions,
        process=spec.process,
        handling_forms=tuple(spec.forms),
        legal_limit=spec.legal[0],
        legal_limit_unit=spec.legal[1],
        promised_limit=spec.promised[0],
        promised_limit_unit=spec.promised[1],
        trips=spec.trips,
        charges=bool(spec.fee_basis),
        fee_basis=spec.fee_basis,
        place=spec.place,
        hours=HOURS,
        consult_phone=_phone(unit),
        complaint_phone=COMPLAINT,
        entrusted=spec.entrusted,
        delegated_down=spec.delegated,
        joint_handling=spec.joint,
        life_events=tuple(spec.events),
        aliases=tuple(spec.aliases),
        keywords=tuple(spec.keywords),
        materials=tuple(MaterialContent(*m) for m in spec.materials),
    )


def _save(spec: Spec, unit: Unit) -> None:
    basic_code = f"0002{spec.serial:05d}000"
    code = credit_code(unit) + basic_code
    content = content_for(spec, unit)
    item = ServiceItem.objects.filter(code=code).first()
    if item is None:
        create_item(actor=None, basic_code=basic_code, code=code, unit=unit, content=content)
    else:
        update_item(item, actor=None, content=content)


def load_demo_catalog() -> int:
    """Write the demo items for the units that exist; returns how many items the demo defines there."""
    count = 0
    for spec in SPECS:
        unit = Unit.objects.filter(code=f"500236-{spec.dept}").first()
        if unit is not None:
            _save(spec, unit)
            count += 1
    townships = Unit.objects.filter(kind=UnitKind.TOWNSHIP, code__startswith="500236").order_by("code")
    for township in townships:
        _save(HOMESTEAD, township)
        count += 1
    return count
