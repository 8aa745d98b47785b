"""The org tree: placement rules, codes, paths, subtrees, moves and refused cycles."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.org import services
from bianmin.org.choices import UnitKind
from bianmin.org.models import AuditEntry, Unit


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_subtree_is_the_unit_and_everything_under_it(county):
    assert names(Unit.objects.subtree(county["baidi"])) == {"白帝镇", "浣花村", "石马村", "白帝镇驻浣花村工作组"}
    assert names(Unit.objects.subtree(county["huanhua"])) == {"浣花村"}


def test_subtree_is_one_query_with_no_recursion(county):
    with CaptureQueriesContext(connection) as queries:
        list(Unit.objects.subtree(county["county"]))
    assert len(queries) == 1


def test_subtree_query_uses_an_index(county):
    sql, params = Unit.objects.subtree(county["baidi"]).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            assert "Index" in plan, plan


def test_paths_and_depths_follow_the_parents(county):
    village = county["huanhua"]
    assert village.path.startswith(county["baidi"].path)
    assert village.path.startswith(county["county"].path)
    assert (county["province"].depth, county["county"].depth, county["baidi"].depth, village.depth) == (0, 1, 2, 3)


def test_a_village_cannot_sit_directly_under_a_county(county):
    with pytest.raises(InvalidInput) as error:
        services.create_unit(
            actor=None, code="500236101299", name="错村", kind=UnitKind.VILLAGE, parent=county["county"]
        )
    assert "parent" in error.value.fields


@pytest.mark.parametrize(
    ("code", "kind", "ok"),
    [
        ("500236101209", UnitKind.VILLAGE, True),
        ("500236101", UnitKind.VILLAGE, True),
        ("50023610120", UnitKind.VILLAGE, False),
        ("5002361012AB", UnitKind.VILLAGE, False),
        ("500236-FGW", UnitKind.DEPARTMENT, True),
        ("-bad", UnitKind.DEPARTMENT, False),
        ("部门", UnitKind.DEPARTMENT, False),
    ],
)
def test_codes_are_checked_by_kind(county, code, kind, ok):
    parent = county["baidi"] if kind == UnitKind.VILLAGE else county["county"]
    if ok:
        assert services.create_unit(actor=None, code=code, name="新单位", kind=kind, parent=parent).code == code
    else:
        with pytest.raises(InvalidInput) as error:
            services.create_unit(actor=None, code=code, name="新单位", kind=kind, parent=parent)
        assert "code" in error.value.fields


def test_a_code_is_unique(county):
    with pytest.raises(InvalidInput) as error:
        services.create_unit(
            actor=None, code="500236101201", name="重复", kind=UnitKind.VILLAGE, parent=county["baidi"]
        )
    assert "code" in error.value.fields
    assert Unit.objects.filter(code="500236101201").count() == 1


def test_moving_a_township_moves_its_whole_subtree(county):
    services.update_unit(county["baidi"], actor=None, parent=county["other_county"])
    moved = Unit.objects.subtree(Unit.objects.get(code="500237000000"))
    assert {"白帝镇", "浣花村", "石马村", "白帝镇驻浣花村工作组"} <= names(moved)
    assert "白帝镇" not in names(Unit.objects.subtree(county["county"]))
    village = Unit.objects.get(code="500236101201")
    assert village.depth == 3 and village.path.startswith(county["other_county"].path)


@pytest.mark.parametrize("target", ["baidi", "huanhua"])
def test_a_unit_cannot_be_moved_under_itself_or_a_descendant(county, target):
    with pytest.raises(InvalidInput) as error:
        services.update_unit(county["baidi"], actor=None, parent=county[target])
    assert "parent" in error.value.fields
    assert Unit.objects.get(code="500236101000").parent == county["county"]


def test_a_unit_cannot_be_moved_under_a_descendant_even_where_the_kinds_allow_it(county):
    # A department may sit under a department: the cycle check, not the kind rule, must refuse this.
    parent = services.create_unit(
        actor=None, code="500236-A", name="甲", kind=UnitKind.DEPARTMENT, parent=county["county"]
    )
    child = services.create_unit(actor=None, code="500236-B", name="乙", kind=UnitKind.DEPARTMENT, parent=parent)
    with pytest.raises(InvalidInput):
        services.update_unit(parent, actor=None, parent=child)


def test_a_work_team_covers_only_villages_of_its_own_township(county):
    with pytest.raises(InvalidInput) as error:
        services.update_unit(county["team"], actor=None, covers=[county["baotaping"]])
    assert "covers" in error.value.fields
    assert list(county["team"].covers.all()) == [county["huanhua"]]


def test_only_a_work_team_covers_villages(county):
    with pytest.raises(InvalidInput):
        services.update_unit(county["rsj"], actor=None, covers=[county["huanhua"]])


def test_a_township_admin_cannot_create_outside_their_township(county):
    admin = county.people["township_admin"]
    with pytest.raises(PermissionDenied):
        services.create_unit(
            actor=admin, code="500236001009", name="新社区", kind=UnitKind.COMMUNITY, parent=county["kuimen"]
        )
    unit = services.create_unit(
        actor=admin, code="500236101209", name="新村", kind=UnitKind.VILLAGE, parent=county["baidi"]
    )
    assert AuditEntry.objects.filter(action="unit.create", object_id=str(unit.pk), actor=admin).exists()


def test_changing_a_kind_must_still_fit_the_units_below(county):
    with pytest.raises(InvalidInput) as error:
        services.update_unit(county["baidi"], actor=None, kind=UnitKind.DEPARTMENT)
    assert "kind" in error.value.fields or "parent" in error.value.fields
    services.update_unit(county["baidi"], actor=None, kind=UnitKind.STREET)
    assert Unit.objects.get(code="500236101000").kind == UnitKind.STREET
