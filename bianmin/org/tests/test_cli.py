"""`bianmin user create`, `bianmin token create` and `bianmin demo` as an operator runs them."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from bianmin.org.models import ApiToken, Membership, Unit, User
from bianmin.org.tokens import authenticate_token


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_user_create_with_roles(county):
    run(
        "user",
        "create",
        "li_si",
        "--password",
        "Str0ng-Passphrase",
        "--display-name",
        "李四",
        "--unit",
        "500236101201",
        "--role",
        "village_cadre",
        "--unit",
        "500236101000",
        "--role",
        "township_staff",
    )
    user = User.objects.get(username="li_si")
    assert set(Membership.objects.filter(user=user).values_list("unit__code", "role")) == {
        ("500236101201", "village_cadre"),
        ("500236101000", "township_staff"),
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "500236101201"], "pairs"),
        (["--unit", "NOPE", "--role", "citizen"], "no unit"),
        (["--password", "1234"], "password"),
    ],
)
def test_user_create_refuses_bad_input(county, args, message):
    argv = ["user", "create", "wang", "--password", "Str0ng-Passphrase", *args]
    with pytest.raises(CommandError, match=message):
        run(*argv)
    assert not User.objects.filter(username="wang").exists()


def test_token_create_prints_the_token_alone(county):
    out = run("token", "create", "cadre_a", "--name", "ci")
    token = out.strip()
    assert out == token + "\n" and " " not in token
    assert authenticate_token(token) == county.people["cadre_a"]
    assert ApiToken.objects.get(user__username="cadre_a").name == "ci"


def test_token_create_for_an_unknown_user_fails(db):
    with pytest.raises(CommandError, match="no active user"):
        run("token", "create", "nobody")


def test_the_demo_is_deterministic_and_can_be_loaded_twice(db):
    first = run("demo", "--seed", "7", "--cases", "40")
    units = list(Unit.objects.order_by("code").values_list("code", "name", "kind"))
    second = run("demo", "--seed", "7", "--cases", "40")
    assert first == second
    assert list(Unit.objects.order_by("code").values_list("code", "name", "kind")) == units


def test_the_demo_county_has_the_places_of_the_source_and_a_user_per_role(db):
    from bianmin.org.choices import Role, UnitKind

    out = run("demo", "--cases", "60")
    assert "for demonstration only" in out
    huanhua = Unit.objects.get(name="浣花村")
    assert huanhua.parent.name == "白帝镇" and huanhua.kind == UnitKind.VILLAGE
    assert Unit.objects.get(name="宝塔坪社区").parent.name == "夔门街道"
    assert Unit.objects.filter(kind=UnitKind.WORK_TEAM, covers__isnull=False).exists()
    for name in (
        "县人力社保局",
        "县民政局",
        "县住建委",
        "县农业农村委",
        "县自然资源局",
        "县公安局",
        "奉节县行政服务中心",
    ):
        assert Unit.objects.filter(name=name).exists(), name
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    from bianmin.cases.events import verify_chains
    from bianmin.cases.models import Case
    from bianmin.duty.models import ReceptionVisit
    from bianmin.hall.models import PadRating, Ticket
    from bianmin.village.models import ConflictFlag, Question

    # --cases counts the stories; the modules' demos add matters of their own (requests filed through Open311,
    # reception-room visits that became petitions, visits opened at a window, the rating pad's 差评, questions on
    # village notices, conflict-of-interest flags)
    made_by_modules = [
        model.objects.filter(case__isnull=False).values("case_id")
        for model in (ReceptionVisit, Ticket, PadRating, Question, ConflictFlag)
    ]
    stories = Case.objects.exclude(channel="open311")
    for ids in made_by_modules:
        stories = stories.exclude(pk__in=ids)
    assert stories.count() == 60 and Case.objects.count() > 60 and list(verify_chains()) == []
    assert Case.objects.values("status").distinct().count() >= 6
    # every printed password logs its user in
    for line in out.splitlines()[1:]:
        username, password = line.split()[:2]
        assert User.objects.get(username=username).check_password(password)
