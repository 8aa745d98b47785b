"""restrict(user, action): each role sees the subtrees of its memberships and nothing else."""

from __future__ import annotations

import pytest

from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission

EVERYTHING_IN_COUNTY = {
    "奉节县",
    "白帝镇",
    "浣花村",
    "石马村",
    "白帝镇驻浣花村工作组",
    "夔门街道",
    "宝塔坪社区",
    "县人力社保局",
    "县行政服务中心",
}
BAIDI = {"白帝镇", "浣花村", "石马村", "白帝镇驻浣花村工作组"}

VISIBLE_UNITS = {
    "villager": set(),
    "cadre_a": {"浣花村"},
    "cadre_b": {"石马村"},
    "work_team": {"白帝镇驻浣花村工作组", "浣花村"},
    "township_staff": BAIDI,
    "township_leader": BAIDI,
    "township_admin": BAIDI,
    "window": {"县行政服务中心"},
    "dept": {"县人力社保局"},
    "supervisor": EVERYTHING_IN_COUNTY,
    "inspector": {"县行政服务中心"},
    "county_admin": EVERYTHING_IN_COUNTY,
    "outsider": {"其他村"},
}


@pytest.mark.parametrize(("persona", "expected"), VISIBLE_UNITS.items())
def test_units_visible_to_each_role(county, persona, expected):
    user = county.people[persona]
    assert set(Unit.objects.restrict(user, Permission.UNIT_VIEW).values_list("name", flat=True)) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", EVERYTHING_IN_COUNTY),
        ("township_admin", BAIDI),
        ("township_leader", set()),
        ("supervisor", set()),
    ],
)
def test_only_administrators_may_change_units(county, persona, expected):
    user = county.people[persona]
    assert set(Unit.objects.restrict(user, Permission.UNIT_CHANGE).values_list("name", flat=True)) == expected


def test_a_superuser_sees_everything(county):
    assert Unit.objects.restrict(county.people["root"], Permission.UNIT_CHANGE).count() == Unit.objects.count()


def test_an_inactive_user_sees_nothing(county):
    user = county.people["county_admin"]
    user.is_active = False
    assert not Unit.objects.restrict(user, Permission.UNIT_VIEW).exists()


def test_people_visible_to_a_township_leader_are_those_of_the_township(county):
    visible = set(
        User.objects.restrict(county.people["township_leader"], Permission.USER_VIEW).values_list("username", flat=True)
    )
    assert visible == {
        "villager",
        "cadre_a",
        "cadre_b",
        "work_team",
        "township_staff",
        "township_leader",
        "township_admin",
    }


def test_a_citizen_sees_only_themself(county):
    visible = User.objects.restrict(county.people["villager"], Permission.USER_VIEW)
    assert list(visible.values_list("username", flat=True)) == ["villager"]


def test_a_township_admin_cannot_change_someone_who_also_holds_a_role_outside_the_township(county):
    from bianmin.org.choices import Role
    from bianmin.org.models import Membership

    Membership.objects.create(user=county.people["cadre_a"], unit=county["kuimen"], role=Role.TOWNSHIP_STAFF)
    changeable = User.objects.restrict(county.people["township_admin"], Permission.USER_CHANGE)
    assert "cadre_a" not in set(changeable.values_list("username", flat=True))
    assert "cadre_b" in set(changeable.values_list("username", flat=True))


def test_memberships_visible_to_a_township_leader_are_those_held_in_the_township(county):
    from bianmin.org.models import Membership

    visible = Membership.objects.restrict(county.people["township_leader"], Permission.USER_VIEW)
    assert {m.unit.name for m in visible} == {"浣花村", "石马村", "白帝镇驻浣花村工作组", "白帝镇"}
    assert not Membership.objects.restrict(county.people["cadre_a"], Permission.USER_VIEW).exists()
