"""Every write to units, users and memberships: scope re-checked inside the transaction, audited."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from bianmin.errors import InvalidInput, NotFound, PermissionDenied
from bianmin.org.choices import PARENT_KINDS, PLACE_KINDS, REGION_KINDS, EmploymentType, Role, UnitKind
from bianmin.org.models import AuditEntry, Membership, Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import path_segment, subtree_q
from bianmin.org.validators import validate_unit_code, validate_unit_phone

# `actor=None` means the platform itself (the CLI run by the operator, the demo loader).
Actor = User | None


def audit(actor: Actor, action: str, obj: models.Model, **summary: Any) -> None:
    AuditEntry.objects.create(
        actor=actor, action=action, object_type=obj._meta.model_name or "", object_id=str(obj.pk), summary=summary
    )


def _may(actor: Actor, permission: Permission, unit: Unit) -> bool:
    return actor is None or Unit.objects.restrict(actor, permission).filter(pk=unit.pk).exists()


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _check_placement(kind: str, parent: Unit | None) -> None:
    allowed = PARENT_KINDS[kind]
    if (parent.kind if parent else None) not in allowed:
        names = "、".join(str(UnitKind(k).label) for k in sorted(k for k in allowed if k))
        raise InvalidInput(
            {"parent": _("A unit of this kind must be placed under: %(kinds)s.") % {"kinds": names or "—"}}
        )


def _check_fields(*, code: str, kind: str, phone: str) -> None:
    errors: dict[str, Any] = {}
    if kind not in UnitKind.values:
        errors["kind"] = _("Unknown kind of unit.")
    else:
        try:
            validate_unit_code(code, region=kind in REGION_KINDS)
        except ValidationError as exc:
            errors["code"] = _messages(exc)
    if phone:
        try:
            validate_unit_phone(phone)
        except ValidationError as exc:
            errors["phone"] = _messages(exc)
    if errors:
        raise InvalidInput(errors)


def _check_covers(team_kind: str, parent: Unit | None, covers: Sequence[Unit]) -> None:
    if not covers:
        return
    if team_kind != UnitKind.WORK_TEAM:
        raise InvalidInput({"covers": _("Only a resident work team covers villages.")})
    for village in covers:
        if village.kind not in PLACE_KINDS or village.parent_id != (parent and parent.pk):
            raise InvalidInput(
                {"covers": _("%(name)s is not a village or community of this township.") % {"name": village.name}}
            )


def create_unit(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    phone: str = "",
    address: str = "",
    covers: Sequence[Unit] = (),
) -> Unit:
    code, name = code.strip(), name.strip()
    if not name:
        raise InvalidInput({"name": _("This field is required.")})
    _check_fields(code=code, kind=kind, phone=phone)
    if (
        actor is not None
        and not actor.is_superuser
        and (parent is None or not _may(actor, Permission.UNIT_CHANGE, parent))
    ):
        raise PermissionDenied(_("You may only create units inside the units you administer."))
    _check_placement(kind, parent)
    with transaction.atomic():
        if parent is not None:
            # Lock the parent: a concurrent move must not change the path we build on.
            parent = Unit.objects.select_for_update().get(pk=parent.pk)
        _check_covers(kind, parent, covers)
        unit = Unit(code=code, name=name, kind=kind, parent=parent, phone=phone, address=address)
        unit.path = "~" + secrets.token_hex(8)  # placeholder until the id is known
        unit.depth = parent.depth + 1 if parent else 0
        try:
            with transaction.atomic():
                unit.save()
        except IntegrityError:
            raise InvalidInput({"code": _("This code is already used by another unit.")}) from None
        unit.path = (parent.path if parent else "") + path_segment(unit.pk)
        unit.save(update_fields=["path"])
        if covers:
            unit.covers.set(covers)
        audit(actor, "unit.create", unit, code=code, name=name, kind=kind, parent=parent.code if parent else None)
    return unit


_UNSET: Any = object()


def update_unit(
    unit: Unit,
    *,
    actor: Actor,
    code: str = _UNSET,
    name: str = _UNSET,
    kind: str = _UNSET,
    parent: Unit | None = _UNSET,
    phone: str = _UNSET,
    address: str = _UNSET,
    is_active: bool = _UNSET,
    covers: Sequence[Unit] = _UNSET,
) -> Unit:
    """Change a unit; a new parent moves its whole subtree (one UPDATE over the path range)."""
    with transaction.atomic():
        # Re-check scope inside the transaction on the locked row.
        locked = Unit.objects.select_for_update().filter(pk=unit.pk).first()
        if locked is None or not _may(actor, Permission.UNIT_CHANGE, locked):
            raise NotFound(_("No such unit in your scope."))
        unit = locked
        changes: dict[str, Any] = {}
        new_code = unit.code if code is _UNSET else code.strip()
        new_kind = unit.kind if kind is _UNSET else kind
        new_phone = unit.phone if phone is _UNSET else phone.strip()
        _check_fields(code=new_code, kind=new_kind, phone=new_phone)
        if name is not _UNSET:
            if not name.strip():
                raise InvalidInput({"name": _("This field is required.")})
            unit.name = changes["name"] = name.strip()
        if new_code != unit.code:
            if Unit.objects.filter(code=new_code).exclude(pk=unit.pk).exists():
                raise InvalidInput({"code": _("This code is already used by another unit.")})
            unit.code = changes["code"] = new_code
        unit.phone, unit.kind = new_phone, new_kind
        if address is not _UNSET:
            unit.address = address.strip()
        if is_active is not _UNSET:
            unit.is_active = changes["is_active"] = is_active
        new_parent = unit.parent if parent is _UNSET else parent
        if kind is not _UNSET:
            changes["kind"] = new_kind
            for child_kind in unit.children.values_list("kind", flat=True).distinct():
                if new_kind not in PARENT_KINDS[child_kind]:
                    raise InvalidInput({"kind": _("The units under this one cannot sit under a unit of this kind.")})
        if new_parent is not None and new_parent.path.startswith(unit.path):
            raise InvalidInput({"parent": _("A unit cannot be moved under itself or one of its own units.")})
        _check_placement(new_kind, new_parent)
        if new_parent != unit.parent:
            _move(unit, new_parent, actor)
            changes["parent"] = new_parent.code if new_parent else None
        unit.save()
        if covers is not _UNSET:
            _check_covers(unit.kind, unit.parent, covers)
            unit.covers.set(covers)
            changes["covers"] = sorted(v.code for v in covers)
        audit(actor, "unit.update", unit, **changes)
    return unit


def _move(unit: Unit, new_parent: Unit | None, actor: Actor) -> None:
    if new_parent is None:
        if actor is not None and not actor.is_superuser:
            raise PermissionDenied(_("Only a superuser may make a unit a top-level unit."))
    else:
        new_parent = Unit.objects.select_for_update().get(pk=new_parent.pk)
        if new_parent.path.startswith(unit.path):
            raise InvalidInput({"parent": _("A unit cannot be moved under itself or one of its own units.")})
        if not _may(actor, Permission.UNIT_CHANGE, new_parent):
            raise PermissionDenied(_("You may only move units inside the units you administer."))
    old_path = unit.path
    new_path = (new_parent.path if new_parent else "") + path_segment(unit.pk)
    depth_change = (new_parent.depth + 1 if new_parent else 0) - unit.depth
    Unit.objects.filter(subtree_q([old_path])).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_change
    )
    unit.refresh_from_db(fields=["path", "depth"])
    unit.parent = new_parent


def _check_memberships(actor: Actor, memberships: Iterable[tuple[Unit, str]]) -> None:
    for unit, role in memberships:
        if role not in Role.values:
            raise InvalidInput({"memberships": _("Unknown role: %(role)s.") % {"role": role}})
        if not _may(actor, Permission.USER_CHANGE, unit):
            raise PermissionDenied(_("You may only give roles in the units you administer."))


def create_user(
    *,
    actor: Actor,
    username: str,
    password: str,
    display_name: str,
    phone: str = "",
    employment_type: str = EmploymentType.FORMAL,
    memberships: Sequence[tuple[Unit, str]] = (),
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a person with their roles; a scoped administrator must give at least one role in scope."""
    username = username.strip()
    if actor is not None and not actor.is_superuser:
        if is_staff or is_superuser:
            raise PermissionDenied(_("Only a superuser may create staff accounts for the admin site."))
        if not memberships:
            raise InvalidInput({"memberships": _("Give the new user at least one role in a unit you administer.")})
    _check_memberships(actor, memberships)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        phone=phone.strip(),
        employment_type=employment_type,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    errors: dict[str, Any] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update({k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = _messages(exc)
    if errors:
        raise InvalidInput(errors)
    user.set_password(password)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise InvalidInput({"username": _("A user with that username already exists.")}) from None
        Membership.objects.bulk_create([Membership(user=user, unit=u, role=r) for u, r in memberships])
        audit(actor, "user.create", user, username=username, roles=[f"{r}@{u.code}" for u, r in memberships])
    return user


def add_membership(user: User, *, actor: Actor, unit: Unit, role: str) -> Membership:
    _check_memberships(actor, [(unit, role)])
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
        if created:
            audit(actor, "membership.add", membership, user=user.username, unit=unit.code, role=role)
    return membership


def remove_membership(membership: Membership, *, actor: Actor) -> None:
    _check_memberships(actor, [(membership.unit, membership.role)])
    with transaction.atomic():
        audit(actor, "membership.remove", membership, user=membership.user.username, unit=membership.unit.code)
        membership.delete()


def set_password(user: User, *, actor: Actor, password: str) -> None:
    if (
        actor is not None
        and actor != user
        and not User.objects.restrict(actor, Permission.USER_CHANGE).filter(pk=user.pk).exists()
    ):
        raise NotFound(_("No such user in your scope."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput({"password": _messages(exc)}) from None
    user.set_password(password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        audit(actor, "user.set_password", user)
