"""Where visibility is decided: the unit subtrees a user may act on for a permission (DESIGN §6.3).

Subtrees are found through the materialised `path` of each unit: an indexed prefix match, never a walk
of the tree in Python.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet

from bianmin.database import columns_of, read_rows
from bianmin.org.permissions import Permission, roles_granting

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from bianmin.org.models import Unit, User

# Scopes of up to this many units go to the database as a literal list of ids (see `scope_units`).
LITERAL_UNITS = 2000

# Each level of a path is the unit's primary key, zero-padded to a fixed width.
PATH_WIDTH = 8
MAX_UNIT_ID = 10**PATH_WIDTH - 1


def path_segment(pk: int) -> str:
    if pk > MAX_UNIT_ID:
        raise OverflowError(f"unit id {pk} does not fit a path segment of {PATH_WIDTH} digits")
    return f"{pk:0{PATH_WIDTH}d}"


def subtree_q(paths: list[str], field: str = "path") -> Q:
    """Rows whose `field` lies in the subtree of any of `paths`; an index range scan on either database."""
    q = Q(pk__in=[])
    for path in paths:
        if connection.vendor == "postgresql":
            # Django indexes CharFields with varchar_pattern_ops too, so LIKE 'prefix%' uses an index
            # whatever the database's collation (a range test would follow the collation's order).
            q |= Q(**{f"{field}__startswith": path})
        else:
            # SQLite's LIKE is case-insensitive and so cannot use the index; paths are digits only,
            # and in SQLite's byte order every descendant of P sorts in [P, P + "~").
            q |= Q(**{f"{field}__gte": path, f"{field}__lt": path + "~"})
    return q


def outermost(paths: list[str]) -> list[str]:
    """Drop paths that lie inside another path of the list."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


@dataclass
class Access:
    """What one request knows of its caller's rights, in one object on the request's user (`access_of`):
    the organisation's version its authentication read (None for a page's session login or a command:
    then nothing is taken from the worker's store), the caller's grants once read, and the scopes worked
    out from them. A user object belongs to one request, so the object is never shared between threads."""

    org_version: int | None = None
    grants: list[tuple[str, str]] | None = None
    paths: dict[Permission, list[str]] = field(default_factory=dict)
    units: dict[Permission, Any] = field(default_factory=dict)


def access_of(user: User | AnonymousUser) -> Access:
    """The request's `Access` of `user`: the one its authentication made (`bianmin.org.tokens`), else a new
    one, made once."""
    found = user.__dict__.get("access")
    if not isinstance(found, Access):
        found = user.__dict__["access"] = Access()
    return found


def scope_paths(user: User | AnonymousUser, permission: Permission) -> list[str] | None:
    """The paths of the subtrees `user` holds `permission` on; None means everywhere (superuser).

    All of a user's grants are read in one query the first time any permission is asked for, and kept
    in the request's `Access` for the rest of it."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    grants = _grants(user)
    cache = access_of(user).paths
    if permission not in cache:
        roles = set(roles_granting(permission))
        cache[permission] = outermost([path for role, path in grants if role in roles])
    return cache[permission]


def scope_units(user: User | AnonymousUser, permission: Permission) -> list[int] | QuerySet[Unit, int] | None:
    """The units in `user`'s scope for `permission` (None: everywhere), worked out once per request, as a
    value for `unit__in` / `unit__any_of`. Up to LITERAL_UNITS they are a literal list of ids, which lets
    the database's planner estimate how many rows a scope holds (a village's few, a county's many) and
    choose an index or a scan accordingly; a larger scope (a province) is a subquery, so that a statement
    never passes SQLite's limit on parameters."""
    from bianmin.org.models import Unit

    paths = scope_paths(user, permission)
    if paths is None:
        return None
    cache: dict[Permission, list[int] | QuerySet[Unit, int]] = access_of(user).units
    if permission not in cache:
        kept, key = _kept(user, "units"), tuple(paths)

        def inside() -> QuerySet[Unit, int]:
            return Unit.objects.filter(subtree_q(paths or [], "path")).order_by().values_list("id", flat=True)

        if key not in kept:
            ids = list(inside()[: LITERAL_UNITS + 1]) if paths else []
            kept[key] = ids if len(ids) <= LITERAL_UNITS else None  # None: too many, use the subquery
        listed = kept[key]
        cache[permission] = inside() if listed is None else listed
    return cache[permission]


# What this worker derived from the org tree, memberships and coverage, valid while the organisation's version
# token (read with each API request's token, `bianmin.org.tokens`) stays the same: (version, {kind: {key:
# value}}). A new version replaces the pair in one assignment, under the lock, so a thread that read the pair
# before keeps a consistent one (whose entries were all true of its own version).
_store: tuple[int | None, dict[str, dict[Any, Any]]] = (None, {})
_store_lock = threading.Lock()


def _kept(user: User | AnonymousUser, kind: str) -> dict[Any, Any]:
    """This worker's store of `kind` for the org version `user`'s request read; a throwaway dict when the
    request read none (a page's session login, a command): then everything is read afresh."""
    global _store
    version = access_of(user).org_version
    if version is None:
        return {}
    current = _store
    if current[0] != version:
        with _store_lock:
            if _store[0] != version:
                _store = (version, {})
            current = _store
    return current[1].setdefault(kind, {})


def kept_unit(user: User | None, pk: int) -> Unit:
    """The unit `pk`, from this worker's store while the org version `user`'s request read holds; a copy, so
    that nothing a caller does to it reaches the next request."""
    from bianmin.org.models import Unit

    unit = _kept_unit(user, "id", pk)
    if unit is None:
        raise Unit.DoesNotExist(f"no unit {pk}")
    return unit


def kept_unit_by_code(user: User, code: str) -> Unit | None:
    """The unit with `code` (None if there is none), kept as `kept_unit` keeps units by id."""
    return _kept_unit(user, "code", code)


def _kept_unit(user: User | None, column: str, value: int | str) -> Unit | None:
    from bianmin.org.models import Unit

    kept = _kept(user, f"unit_{column}") if user is not None else {}
    if value not in kept:
        # The columns by name, not `*`: a prepared `*` fails on PostgreSQL once a migration adds a column.
        sql = f"SELECT {columns_of(Unit, 'u')} FROM {Unit._meta.db_table} u WHERE u.{column} = %s"  # noqa: S608
        found = read_rows(Unit, sql, [value])
        kept[value] = found[0][0] if found else None
    unit: Unit | None = copy.copy(kept[value])
    return unit


def _grants(user: User) -> list[tuple[str, str]]:
    """(role, path) for every membership's unit and every village a work team the user serves in is
    stationed in (a work team's membership covers those too).

    Plain SQL, because every API request asks this first: compiling the equivalent ORM query took 0.7 ms
    per request, running this one takes a few hundredths of that (timed in-process, 2026-11-27)."""
    from bianmin.org.models import Membership, Unit

    access = access_of(user)
    if access.grants is None and user.pk in (kept := _kept(user, "grants")):
        access.grants = kept[user.pk]
    if access.grants is None:
        unit, member = Unit._meta.db_table, Membership._meta.db_table
        covers = Unit.covers.through._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT m.role, u.path FROM {member} m JOIN {unit} u ON u.id = m.unit_id "  # noqa: S608 (table names)
                "WHERE m.user_id = %s AND m.role <> '' "
                "UNION "
                f"SELECT m.role, v.path FROM {member} m JOIN {covers} c ON c.from_unit_id = m.unit_id "
                f"JOIN {unit} v ON v.id = c.to_unit_id WHERE m.user_id = %s AND m.role <> ''",
                [user.pk, user.pk],
            )
            access.grants = kept[user.pk] = sorted((role, path) for role, path in cursor.fetchall())
    return access.grants


def in_scope(user: User | AnonymousUser, permission: Permission, *unit_paths: str | None) -> bool:
    """Whether any of `unit_paths` lies in `user`'s scope for `permission`: a check in Python over the
    paths already loaded, for one object the caller holds (a case it locked), instead of a query."""
    paths = scope_paths(user, permission)
    if paths is None:
        return True
    prefixes = tuple(paths)
    return bool(prefixes) and any(path is not None and path.startswith(prefixes) for path in unit_paths)
