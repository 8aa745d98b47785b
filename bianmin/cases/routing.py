"""Where a case may be transferred (转办), and how the choice is shown: within the county of the unit that
holds it, to any department, service center, township, street or the county itself; to a village, community
or work team only in the holding unit's own township or street, or where the person transferring handles
cases. Never another township's villages: the chart a clerk picks from stays short and right."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bianmin.org.choices import PLACE_KINDS, UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import PATH_WIDTH, scope_paths, subtree_q

LOCAL_KINDS = PLACE_KINDS | {UnitKind.WORK_TEAM}
TOWN_KINDS = frozenset({UnitKind.TOWNSHIP, UnitKind.STREET})


def _ancestor_pks(unit: Unit) -> list[int]:
    return [int(unit.path[i : i + PATH_WIDTH]) for i in range(0, len(unit.path), PATH_WIDTH)]


def _areas(units: list[Unit]) -> list[tuple[str, str | None]]:
    """For each unit, the path of the county it lies in (above counties, its top ancestor's) and of its
    township or street, if any: one query over the ancestors their paths name."""
    ancestors = Unit.objects.filter(pk__in={pk for unit in units for pk in _ancestor_pks(unit)}).only("path", "kind")
    by_pk = {ancestor.pk: ancestor for ancestor in ancestors}
    areas = []
    for unit in units:
        chain = sorted((by_pk[pk] for pk in _ancestor_pks(unit) if pk in by_pk), key=lambda u: -len(u.path))
        county = next((u for u in chain if u.kind == UnitKind.COUNTY), chain[-1])
        town = next((u for u in chain if u.kind in TOWN_KINDS), None)
        areas.append((county.path, town.path if town else None))
    return areas


def transfer_targets(actor: User | None, held_by: Iterable[Unit]) -> QuerySet[Unit]:
    """The active units a case held by any of `held_by` may be transferred to by `actor` (None: the
    platform itself, unrestricted within the county)."""
    areas = _areas(list(held_by))
    counties = [county for county, _town in areas]
    towns = [town for _county, town in areas if town]
    units = Unit.objects.filter(subtree_q(counties), is_active=True)
    scope = scope_paths(actor, Permission.CASE_HANDLE) if actor is not None else None
    if scope is None:
        return units
    return units.filter(~Q(kind__in=LOCAL_KINDS) | subtree_q(towns + scope))


def held_targets(actor: User) -> QuerySet[Unit]:
    """Where `actor` may send the cases of every unit they handle for (the workbench's bulk transfer; each
    case is checked again when it is sent)."""
    paths = scope_paths(actor, Permission.CASE_HANDLE)
    held = Unit.objects.filter(path__in=paths) if paths is not None else Unit.objects.filter(parent__isnull=True)
    return transfer_targets(actor, held)


def grouped_choices(units: QuerySet[Unit]) -> list[tuple[str, list[tuple[str, str]]]]:
    """`units` as a select's groups: the county itself, its departments, its service centers, its townships
    and streets, then each township's villages, communities and work teams (in the org chart's order)."""
    kinds = [
        (UnitKind.COUNTY, _("County")),
        (UnitKind.DEPARTMENT, _("Departments")),
        (UnitKind.SERVICE_CENTER, _("Service centers")),
        (UnitKind.TOWNSHIP, _("Townships and streets")),
    ]
    rank: dict[str, int] = {kind: index for index, (kind, _label) in enumerate(kinds)}
    rank[UnitKind.STREET] = rank[UnitKind.TOWNSHIP]
    groups: dict[tuple[int, str], tuple[str, list[tuple[str, str]]]] = {}
    for unit in units.select_related("parent").order_by("path"):
        if unit.kind in LOCAL_KINDS and unit.parent is not None:
            key = (len(kinds), unit.parent.path)
            head = _("%(town)s: villages and teams") % {"town": unit.parent.name}
        else:
            index = rank.get(unit.kind, 0)
            key, head = (index, ""), str(kinds[index][1])
        groups.setdefault(key, (head, []))[1].append((unit.code, unit.name))
    return [groups[key] for key in sorted(groups)]
