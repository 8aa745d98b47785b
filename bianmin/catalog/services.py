"""Every write to the catalogue. An edit writes a new `ItemVersion` and moves the item's pointer; a version
once written is never changed, so an application filed against it keeps the rules it was filed under."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.catalog.choices import CATALOG_CHANGE, MaterialFile
from bianmin.catalog.content import ItemContent, check_codes, clean_content, content_of, keep_files
from bianmin.catalog.models import ItemMaterial, ItemVersion, ServiceItem
from bianmin.catalog.search import index_texts
from bianmin.errors import Conflict, ErrorCode, InvalidInput, NotFound, PermissionDenied
from bianmin.org.models import Unit, User
from bianmin.org.services import audit

# `actor=None` is the platform itself (the CLI run by the operator, the demo loader).
Actor = User | None

# Files an item offers for download: documents and scans, checked by their first bytes as well as the name.
FILE_KINDS: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def may_change(actor: Actor, unit: Unit) -> bool:
    return actor is None or Unit.objects.restrict(actor, CATALOG_CHANGE).filter(pk=unit.pk).exists()


def _check_scope(actor: Actor, unit: Unit) -> None:
    if not may_change(actor, unit):
        raise PermissionDenied(_("You may only change the catalogue of units you administer."))


def facets(content: ItemContent) -> str:
    tags = [f"kind:{content.kind}"]
    tags += [f"level:{v}" for v in content.levels]
    tags += [f"object:{v}" for v in content.service_objects]
    tags += [f"form:{v}" for v in content.handling_forms]
    tags += [f"event:{v}" for v in content.life_events]
    if content.delegated_down:
        tags.append("delegated")
    if content.joint_handling:
        tags.append("joint")
    return "|" + "|".join(tags) + "|"


def _write_version(item: ServiceItem, content: ItemContent, *, unit: Unit, actor: Actor) -> ItemVersion:
    last = item.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ItemVersion.objects.create(
        item=item, number=last + 1, unit=unit, created_by=actor, **content.version_fields()
    )
    ItemMaterial.objects.bulk_create(
        ItemMaterial(
            version=version,
            position=position,
            name=m.name,
            required=m.required,
            form=m.form,
            copies=m.copies,
            source=m.source,
            blank_form=m.blank_form,
            sample=m.sample,
        )
        for position, m in enumerate(content.materials, start=1)
    )
    item.search_name, item.search_text = index_texts(
        content.name, content.aliases, content.keywords, content.life_events
    )
    item.current, item.unit, item.name, item.facets = version, unit, content.name, facets(content)
    item.save()
    audit(actor, "catalog.item.version", item, code=item.code, version=version.number)
    return version


def create_item(*, actor: Actor, basic_code: str, code: str, unit: Unit, content: ItemContent) -> ServiceItem:
    basic_code, code = basic_code.strip(), code.strip()
    _check_scope(actor, unit)
    check_codes(basic_code, code)
    content = clean_content(content)
    with transaction.atomic():
        item = ServiceItem(basic_code=basic_code, code=code, unit=unit, name=content.name)
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            raise InvalidInput({"code": _("This implementation code is already used by another item.")}) from None
        _write_version(item, content, unit=unit, actor=actor)
    return item


def update_item(
    item: ServiceItem,
    *,
    actor: Actor,
    content: ItemContent,
    unit: Unit | None = None,
    version: int | None = None,
    active: bool | None = None,
) -> tuple[ServiceItem, bool]:
    """Give `item` new content (and perhaps a new implementing unit, or switch it on or off). Writes a new
    version only if something changed; returns the item and whether anything did. `version` is the version
    the caller edited: if another was written since, the edit is refused rather than lost."""
    content = clean_content(content)
    with transaction.atomic():
        # Lock first: two administrators may save the same item at once.
        locked = ServiceItem.objects.select_for_update().filter(pk=item.pk).first()
        if locked is None:
            raise NotFound(_("No such item in the catalogue."))
        _check_scope(actor, locked.unit)
        new_unit = unit or locked.unit
        if new_unit.pk != locked.unit_id:
            _check_scope(actor, new_unit)
        current = ItemVersion.objects.filter(item=locked).order_by("-number").first()
        if version is not None and current is not None and current.number != version:
            raise Conflict(
                ErrorCode.CONFLICT,
                _("This item was changed by someone else (now version %(n)s); reload it and edit again.")
                % {"n": current.number},
            )
        previous = content_of(current) if current is not None else None
        content = keep_files(content, previous)
        changed = content != previous or new_unit.pk != (current.unit_id if current else None)
        if changed:
            _write_version(locked, content, unit=new_unit, actor=actor)
        if active is not None and active != locked.active:
            locked.active = active
            locked.save(update_fields=["active", "updated_at"])
            audit(actor, "catalog.item.activate" if active else "catalog.item.deactivate", locked, code=locked.code)
            changed = True
    return locked, changed


def set_active(item: ServiceItem, *, actor: Actor, active: bool) -> ServiceItem:
    """Take an item out of the guide (or put it back); its versions stay for the applications filed on them."""
    with transaction.atomic():
        locked = ServiceItem.objects.select_for_update().get(pk=item.pk)
        _check_scope(actor, locked.unit)
        if locked.active != active:
            locked.active = active
            locked.save(update_fields=["active", "updated_at"])
            audit(actor, "catalog.item.activate" if active else "catalog.item.deactivate", locked, code=locked.code)
    return locked


def _check_file(name: str, head: bytes, size: int | None) -> None:
    extension = PurePath(name).suffix.lower()
    if extension not in FILE_KINDS:
        raise InvalidInput(
            {"file": _("This type of file is not accepted. Accepted: %(types)s") % {"types": " ".join(FILE_KINDS)}}
        )
    if not any(head.startswith(signature) for signature in FILE_KINDS[extension]):
        raise InvalidInput({"file": _("The file's content does not match its name.")})
    if size is None or size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise InvalidInput({"file": _("A file may be at most %(mb)s MB.") % {"mb": limit}})


def attach_material_file(
    item: ServiceItem, *, actor: Actor, position: int, which: MaterialFile, upload: UploadedFile[bytes]
) -> ServiceItem:
    """Give a material of the current version a blank form or a filled-in sample: a new version."""
    name = PurePath(upload.name or "file").name[-100:]
    head = upload.read(16)
    upload.seek(0)
    _check_file(name, head, upload.size)
    _check_scope(actor, item.unit)
    # The disk write happens before the row lock; on any refusal the file goes again.
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    stored = default_storage.save(f"catalog/{timezone.now():%Y/%m}/{digest}-{name}", upload)
    try:
        with transaction.atomic():
            locked = ServiceItem.objects.select_for_update().get(pk=item.pk)
            _check_scope(actor, locked.unit)
            current = ItemVersion.objects.filter(item=locked).order_by("-number").first()
            if current is None:
                raise NotFound(_("No such item in the catalogue."))
            content = content_of(current)
            if not 1 <= position <= len(content.materials):
                raise NotFound(_("This item has no material number %(n)s.") % {"n": position})
            materials = list(content.materials)
            chosen = materials[position - 1]
            materials[position - 1] = (
                replace(chosen, blank_form=stored)
                if which == MaterialFile.BLANK_FORM
                else replace(chosen, sample=stored)
            )
            _write_version(locked, replace(content, materials=tuple(materials)), unit=locked.unit, actor=actor)
    except Exception:
        default_storage.delete(stored)
        raise
    return locked
