"""Permission matrix for the org API: each role × an object in scope and one out of scope (DESIGN §8).

Out of scope answers 404 whatever the object, so codes and usernames cannot be probed.
"""

from __future__ import annotations

import pytest

from bianmin.org.choices import Role, UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.tests.factories import member

HOME = {
    "villager": "huanhua",
    "cadre_a": "huanhua",
    "cadre_b": "shima",
    "work_team": "team",
    "township_staff": "baidi",
    "township_leader": "baidi",
    "township_admin": "baidi",
    "window": "center",
    "dept": "rsj",
    "supervisor": "county",
    "inspector": "center",
    "county_admin": "county",
    "outsider": "other_village",
}
VIEWS_UNITS = set(HOME) - {"villager"}
CHANGES_UNITS = {"township_admin", "county_admin"}
VIEWS_USERS = {"township_leader", "township_admin", "supervisor", "inspector", "county_admin"}
PERSONAS = sorted(HOME)


def foreign_unit(county, persona: str) -> Unit:
    return county["huanhua"] if persona == "outsider" else county["other_village"]


def child_of(home: Unit) -> dict:
    kind = UnitKind.VILLAGE if home.kind == UnitKind.TOWNSHIP else UnitKind.DEPARTMENT
    code = home.code[:9] + "299" if kind == UnitKind.VILLAGE else "NEW-" + home.code[:6]
    return {"code": code, "name": "新建单位", "kind": kind, "parent": home.code}


@pytest.mark.parametrize("persona", PERSONAS)
def test_read_a_unit(county, api_as, persona):
    api = api_as(county.people[persona])
    home = county[HOME[persona]]
    assert api.get(f"/units/{home.code}").status_code == (200 if persona in VIEWS_UNITS else 404)
    assert api.get(f"/units/{foreign_unit(county, persona).code}").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_units_shows_exactly_the_scope(county, api_as, persona):
    from bianmin.org.permissions import Permission

    body = api_as(county.people[persona]).get("/units", limit=500).json()
    expected = set(Unit.objects.restrict(county.people[persona], Permission.UNIT_VIEW).values_list("code", flat=True))
    assert {item["code"] for item in body["items"]} == expected
    assert foreign_unit(county, persona).code not in expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_change_a_unit(county, api_as, persona):
    api = api_as(county.people[persona])
    home = county[HOME[persona]]
    response = api.patch(f"/units/{home.code}", {"name": "改名"})
    assert response.status_code == (200 if persona in CHANGES_UNITS else 404)
    assert Unit.objects.get(pk=home.pk).name == ("改名" if persona in CHANGES_UNITS else home.name)
    foreign = foreign_unit(county, persona)
    assert api.patch(f"/units/{foreign.code}", {"name": "改名"}).status_code == 404
    assert Unit.objects.get(pk=foreign.pk).name == foreign.name


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_a_unit(county, api_as, persona):
    api = api_as(county.people[persona])
    body = child_of(county[HOME[persona]])
    expected = 201 if persona in CHANGES_UNITS else 403 if persona in VIEWS_UNITS else 400
    response = api.post("/units", body)
    assert response.status_code == expected, response.json()
    assert Unit.objects.filter(code=body["code"]).exists() == (expected == 201)
    outside = child_of(foreign_unit(county, persona).parent)
    assert api.post("/units", outside).status_code == 400  # the parent is not in the caller's scope
    assert not Unit.objects.filter(code=outside["code"]).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_read_a_person(county, api_as, persona):
    api = api_as(county.people[persona])
    colleague = member(county[HOME[persona]], Role.CITIZEN)
    stranger = member(foreign_unit(county, persona), Role.CITIZEN)
    assert api.get(f"/users/{colleague.username}").status_code == (200 if persona in VIEWS_USERS else 404)
    assert api.get(f"/users/{stranger.username}").status_code == 404
    assert api.get("/me").json()["username"] == persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_a_person(county, api_as, persona):
    api = api_as(county.people[persona])
    body = {
        "username": f"new_{persona}",
        "password": "Str0ng-Passphrase",
        "display_name": "新人",
        "memberships": [{"unit": county[HOME[persona]].code, "role": "village_cadre"}],
    }
    expected = 201 if persona in CHANGES_UNITS else 403 if persona in VIEWS_UNITS else 400
    assert api.post("/users", body).status_code == expected
    body["username"] = f"other_{persona}"
    body["memberships"] = [{"unit": foreign_unit(county, persona).code, "role": "village_cadre"}]
    assert api.post("/users", body).status_code == 400
    assert not User.objects.filter(username=f"other_{persona}").exists()


def test_a_superuser_reaches_everything(county, api_as):
    api = api_as(county.people["root"])
    assert api.get("/units/500237101201").status_code == 200
    assert api.patch("/units/500237101201", {"name": "改名"}).status_code == 200
    assert api.get("/units", limit=500).json()["count"] == Unit.objects.count()


ENDPOINTS = [
    ("get", "/units", None),
    ("post", "/units", {"code": "500236101299", "name": "x", "kind": "village", "parent": "500236101000"}),
    ("get", "/units/500236101201", None),
    ("patch", "/units/500236101201", {"name": "x"}),
    ("get", "/users", None),
    ("post", "/users", {"username": "x", "password": "Str0ng-Passphrase"}),
    ("get", "/users/villager", None),
    ("get", "/me", None),
    ("get", "/calendar/status", None),
    ("get", "/calendar/days", None),
    ("get", "/calendar/add-workdays", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_anonymous_callers_get_401(county, api_as, method, path, body):
    api = api_as(None)
    response = getattr(api, method)(path, body) if body is not None else getattr(api, method)(path)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer bm_" + "x" * 43, "Token abc", "Bearer "])
def test_bad_tokens_get_401(county, client, header):
    response = client.get("/api/v1/units", headers={"Authorization": header})
    assert response.status_code == 401
