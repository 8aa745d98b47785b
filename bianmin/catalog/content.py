"""An item's content as plain values, and the rules it must satisfy (DESIGN §4.1).

`ItemContent` is what a version holds; two contents compare equal exactly when writing the second would
change nothing, which is how an unchanged item (an Excel round trip, a repeated PUT) makes no new version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bianmin.catalog.choices import HandlingForm, ItemKind, Level, LifeEvent, LimitUnit, MaterialForm, ServiceObject
from bianmin.catalog.models import ItemVersion
from bianmin.errors import InvalidInput
from bianmin.org.validators import validate_unit_phone

BASIC_CODE = re.compile(r"^[0-9A-Z]{12}$")
ITEM_CODE = re.compile(r"^[0-9A-Z]{12,40}$")
MAX_LIMIT = 3650
MAX_TRIPS = 20
MAX_COPIES = 99
MAX_MATERIALS = 100
MAX_WORDS = 20


@dataclass(frozen=True)
class MaterialContent:
    name: str
    required: bool = True
    form: str = MaterialForm.ORIGINAL
    copies: int = 1
    source: str = ""
    # Storage names of the files; an edit that leaves them empty keeps those of the same-named material.
    blank_form: str = ""
    sample: str = ""


@dataclass(frozen=True)
class ItemContent:
    name: str
    kind: str
    legal_basis: str
    levels: tuple[str, ...]
    service_objects: tuple[str, ...]
    conditions: str
    process: str
    handling_forms: tuple[str, ...]
    legal_limit: int
    legal_limit_unit: str
    promised_limit: int
    promised_limit_unit: str
    trips: int
    place: str
    hours: str
    consult_phone: str
    complaint_phone: str
    entrusted: str = ""
    charges: bool = False
    fee_basis: str = ""
    delegated_down: bool = False
    joint_handling: bool = False
    life_events: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    materials: tuple[MaterialContent, ...] = field(default_factory=tuple)

    def version_fields(self) -> dict[str, Any]:
        """The values of the version's own columns (lists as JSON arrays)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "materials"}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


LIST_FIELDS = ("levels", "service_objects", "handling_forms", "life_events", "aliases", "keywords")
TEXT_LIMITS = {
    "name": 200,
    "legal_basis": 10000,
    "entrusted": 200,
    "conditions": 10000,
    "process": 10000,
    "fee_basis": 2000,
    "place": 300,
    "hours": 300,
    "consult_phone": 30,
    "complaint_phone": 30,
}
REQUIRED_TEXT = ("name", "legal_basis", "conditions", "process", "place", "hours", "consult_phone", "complaint_phone")
CHOICE_LISTS: dict[str, tuple[type[Any], bool]] = {
    # field: (choices, at least one needed)
    "levels": (Level, True),
    "service_objects": (ServiceObject, True),
    "handling_forms": (HandlingForm, True),
    "life_events": (LifeEvent, False),
}


def content_of(version: ItemVersion) -> ItemContent:
    """The content a stored version holds (materials read from the database unless prefetched)."""
    values = {f.name: getattr(version, f.name) for f in fields(ItemContent) if f.name != "materials"}
    values = {k: tuple(v) if k in LIST_FIELDS else v for k, v in values.items()}
    materials = tuple(
        MaterialContent(
            name=m.name,
            required=m.required,
            form=m.form,
            copies=m.copies,
            source=m.source,
            blank_form=m.blank_form.name or "",
            sample=m.sample.name or "",
        )
        for m in sorted(version.materials.all(), key=lambda m: m.position)
    )
    return ItemContent(**values, materials=materials)


def keep_files(content: ItemContent, previous: ItemContent | None) -> ItemContent:
    """Materials without files take those of the previous version's material of the same name."""
    if previous is None:
        return content
    files = {m.name: (m.blank_form, m.sample) for m in previous.materials}
    materials = []
    for material in content.materials:
        blank, sample = files.get(material.name, ("", ""))
        materials.append(replace(material, blank_form=material.blank_form or blank, sample=material.sample or sample))
    return replace(content, materials=tuple(materials))


def _ordered(values: Iterable[str], choices: type[Any]) -> tuple[str, ...]:
    wanted = set(values)
    return tuple(value for value in choices.values if value in wanted)


def _words(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


def clean_content(content: ItemContent) -> ItemContent:
    """The content with text stripped and lists put in their canonical order; every rule broken is
    reported at once, by field ("materials.2.name" for the third material's name)."""
    errors: dict[str, str | Promise] = {}
    texts = {name: str(getattr(content, name)).strip() for name in TEXT_LIMITS}
    for name, limit in TEXT_LIMITS.items():
        if name in REQUIRED_TEXT and not texts[name]:
            errors[name] = _("This field is required.")
        elif len(texts[name]) > limit:
            errors[name] = _("Ensure this value has at most %(n)s characters.") % {"n": limit}
    if content.kind not in ItemKind.values:
        errors["kind"] = _("Choose one of: %(choices)s.") % {"choices": _labels(ItemKind)}
    lists: dict[str, tuple[str, ...]] = {}
    for name, (choices, needed) in CHOICE_LISTS.items():
        values = getattr(content, name)
        unknown = [v for v in values if v not in choices.values]
        lists[name] = _ordered(values, choices)
        if unknown:
            errors[name] = _("Choose from: %(choices)s.") % {"choices": _labels(choices)}
        elif needed and not lists[name]:
            errors[name] = _("Choose at least one of: %(choices)s.") % {"choices": _labels(choices)}
    for name in ("aliases", "keywords"):
        lists[name] = _words(getattr(content, name))
        if len(lists[name]) > MAX_WORDS or any(len(word) > 50 for word in lists[name]):
            errors[name] = _("At most %(n)s entries of at most 50 characters each.") % {"n": MAX_WORDS}
    for name in ("legal_limit", "promised_limit"):
        value = getattr(content, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_LIMIT:
            errors[name] = _("Enter a whole number of days from 0 (on the spot) to %(n)s.") % {"n": MAX_LIMIT}
        if getattr(content, f"{name}_unit") not in LimitUnit.values:
            errors[f"{name}_unit"] = _("Choose one of: %(choices)s.") % {"choices": _labels(LimitUnit)}
    if (
        "legal_limit" not in errors
        and "promised_limit" not in errors
        and content.legal_limit_unit == content.promised_limit_unit
        and content.promised_limit > content.legal_limit
    ):
        errors["promised_limit"] = _("The promised time limit cannot be longer than the legal one.")
    if not isinstance(content.trips, int) or isinstance(content.trips, bool) or not 0 <= content.trips <= MAX_TRIPS:
        errors["trips"] = _("Enter a whole number from 0 to %(n)s.") % {"n": MAX_TRIPS}
    if content.charges and not texts["fee_basis"]:
        errors["fee_basis"] = _("An item that charges a fee must state the basis of the fee.")
    for name in ("consult_phone", "complaint_phone"):
        if texts[name] and name not in errors:
            try:
                validate_unit_phone(texts[name])
            except ValidationError as exc:
                errors[name] = " ".join(str(m) for m in exc.messages)
    if content.delegated_down and not {Level.TOWNSHIP, Level.VILLAGE} & set(lists["levels"]):
        errors["delegated_down"] = _("An item delegated down is handled at a township or a village.")
    if (
        content.joint_handling
        and "legal_limit" not in errors
        and content.legal_limit_unit == LimitUnit.WORKING_DAYS
        and content.legal_limit > settings.APPLICATION_JOINT_DAYS
    ):
        # 行政许可法 第42条: handled jointly, at most 45 days, working days (第82条). The 15 days of an approved
        # extension belong to the application, not to the item's limit.
        errors["legal_limit"] = _("An item handled jointly has a legal time limit of at most %(n)s working days.") % {
            "n": settings.APPLICATION_JOINT_DAYS
        }
    materials = _clean_materials(content.materials, errors)
    if errors:
        raise InvalidInput(errors)
    return replace(content, **texts, **lists, materials=materials)  # type: ignore[arg-type]


def _clean_materials(
    materials: tuple[MaterialContent, ...], errors: dict[str, str | Promise]
) -> tuple[MaterialContent, ...]:
    if len(materials) > MAX_MATERIALS:
        errors["materials"] = _("At most %(n)s materials.") % {"n": MAX_MATERIALS}
        return materials
    cleaned, seen = [], set()
    for index, material in enumerate(materials):
        where = f"materials.{index}"
        name, source = material.name.strip(), material.source.strip()
        if not name:
            errors[f"{where}.name"] = _("This field is required.")
        elif len(name) > 200:
            errors[f"{where}.name"] = _("Ensure this value has at most %(n)s characters.") % {"n": 200}
        elif name in seen:
            errors[f"{where}.name"] = _("Two materials of one item cannot have the same name.")
        seen.add(name)
        if material.form not in MaterialForm.values:
            errors[f"{where}.form"] = _("Choose one of: %(choices)s.") % {"choices": _labels(MaterialForm)}
        copies = material.copies
        if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= MAX_COPIES:
            errors[f"{where}.copies"] = _("Enter a whole number from 1 to %(n)s.") % {"n": MAX_COPIES}
        if len(source) > 200:
            errors[f"{where}.source"] = _("Ensure this value has at most %(n)s characters.") % {"n": 200}
        cleaned.append(replace(material, name=name, source=source))
    return tuple(cleaned)


def _labels(choices: type[Any]) -> str:
    return "、".join(str(label) for label in choices.labels)


def check_codes(basic_code: str, code: str) -> None:
    errors: dict[str, str | Promise] = {}
    if not BASIC_CODE.match(basic_code):
        errors["basic_code"] = _("The basic code has 12 characters: digits and capital letters.")
    if not ITEM_CODE.match(code):
        errors["code"] = _("The implementation code has 12 to 40 characters: digits and capital letters.")
    if errors:
        raise InvalidInput(errors)
