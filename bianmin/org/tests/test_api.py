"""The org API as an administrator and a client program would use it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.org.models import AuditEntry, Unit, User
from bianmin.org.tests.factories import UnitFactory


def test_create_read_update_a_village(county, api_as):
    api = api_as(county.people["township_admin"])
    created = api.post(
        "/units",
        {
            "code": "500236101203",
            "name": "紫阳村",
            "kind": "village",
            "parent": "500236101000",
            "phone": "023-56551234",
        },
    )
    assert created.status_code == 201
    assert created.json() | {} == {
        "code": "500236101203",
        "name": "紫阳村",
        "kind": "village",
        "kind_label": "村",
        "parent": "500236101000",
        "depth": 3,
        "phone": "023-56551234",
        "address": "",
        "is_active": True,
        "covers": [],
    }
    assert api.get("/units/500236101203").json()["name"] == "紫阳村"
    updated = api.patch("/units/500236101203", {"name": "紫阳新村", "address": "白帝镇紫阳"})
    assert updated.json()["name"] == "紫阳新村" and updated.json()["address"] == "白帝镇紫阳"
    assert AuditEntry.objects.filter(action="unit.update", summary__name="紫阳新村").exists()


def test_a_work_team_lists_its_villages(county, api_as):
    body = api_as(county.people["township_admin"]).get("/units/500236101-T1").json()
    assert body["covers"] == ["500236101201"]


def test_move_a_unit_through_the_api(county, api_as):
    api = api_as(county.people["county_admin"])
    response = api.patch("/units/500236101202", {"parent": "500236001000"})
    assert response.status_code == 200 and response.json()["parent"] == "500236001000"


def test_a_cycle_is_refused_with_a_field_error(county, api_as):
    response = api_as(county.people["county_admin"]).patch("/units/500236101000", {"parent": "500236101201"})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert response.json()["fields"]["parent"] == "不能把单位移到它自己或它的下级单位之下。"


def test_filters_on_the_unit_list(county, api_as):
    api = api_as(county.people["county_admin"])
    villages = api.get("/units", kind="village").json()
    assert {u["name"] for u in villages["items"]} == {"浣花村", "石马村"}
    children = api.get("/units", parent="500236101000").json()
    assert {u["name"] for u in children["items"]} == {"浣花村", "石马村", "白帝镇驻浣花村工作组"}
    assert api.get("/units", q="夔门").json()["count"] == 1


def test_unit_list_queries_do_not_grow_with_rows(county, api_as):
    api = api_as(county.people["county_admin"])
    api.get("/units")  # warm up: imports, the calendar, and the caller's grants kept for this org version
    with CaptureQueriesContext(connection) as small:
        api.get("/units")
    for n in range(20):
        UnitFactory(code=f"500236-X{n}", name=f"部门{n}", parent=county["county"])
    api.get("/units")  # the new units changed the org version: the worker reads the caller's grants again once
    with CaptureQueriesContext(connection) as large:
        assert api.get("/units", limit=100).json()["count"] == 29
    assert len(large) == len(small) <= 6


def test_user_list_queries_do_not_grow_with_rows(county, api_as):
    from bianmin.org.choices import Role
    from bianmin.org.tests.factories import member

    api = api_as(county.people["county_admin"])
    api.get("/users")
    with CaptureQueriesContext(connection) as small:
        api.get("/users", limit=100)
    for _ in range(20):
        member(county["huanhua"], Role.CITIZEN)
    api.get("/users")  # new memberships: a new org version, under which the caller's grants are read again
    with CaptureQueriesContext(connection) as large:
        assert api.get("/users", limit=100).json()["count"] >= 30
    assert len(large) == len(small) <= 7


def test_validation_errors_name_the_field_in_chinese(county, api_as):
    response = api_as(county.people["county_admin"]).post("/units", {"name": "", "kind": "planet"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["message"] == "部分字段填写有误。"
    assert body["fields"]["code"] == "该字段为必填项。"
    assert body["fields"]["name"] == "至少 1 个字符。"
    assert body["fields"]["kind"].startswith("请选择有效选项")


def test_validation_errors_in_english_when_asked(county, api_as):
    response = api_as(county.people["county_admin"], language="en").post("/units", {"kind": "village"})
    assert response.json()["fields"]["code"] == "This field is required."
    assert response.json()["message"] == "Some fields are not valid."


def test_unknown_fields_are_refused(county, api_as):
    response = api_as(county.people["county_admin"]).patch("/units/500236101201", {"colour": "red"})
    assert response.status_code == 422 and "colour" in response.json()["fields"]


def test_malformed_json_gets_a_clear_error(county, api_as):
    api = api_as(county.people["county_admin"])
    response = api.client.post("/api/v1/units", "{not json", content_type="application/json", headers=api.headers)
    assert response.status_code in (400, 422)
    assert response.json()["code"] == "validation_error"


def test_a_bad_phone_is_refused_in_chinese(county, api_as):
    response = api_as(county.people["county_admin"]).patch("/units/500236101201", {"phone": "call me"})
    assert response.status_code == 400
    assert "电话" in response.json()["fields"]["phone"] or "号码" in response.json()["fields"]["phone"]


def test_create_a_person_with_roles(county, api_as):
    api = api_as(county.people["township_admin"])
    response = api.post(
        "/users",
        {
            "username": "sun_lin",
            "password": "Str0ng-Passphrase",
            "display_name": "孙林",
            "phone": "13912345678",
            "employment_type": "contract",
            "memberships": [{"unit": "500236101201", "role": "village_cadre"}],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["memberships"] == [
        {"unit": "500236101201", "unit_name": "浣花村", "role": "village_cadre", "role_label": "村（社区）干部"}
    ]
    assert body["phone"] == "13912345678"  # the administrator may change this person, so sees the number
    user = User.objects.get(username="sun_lin")
    assert user.password.startswith("argon2$argon2id$") and user.check_password("Str0ng-Passphrase")
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_a_weak_password_is_refused_and_nothing_is_written(county, api_as):
    response = api_as(county.people["township_admin"]).post(
        "/users",
        {"username": "weak", "password": "12345678", "memberships": [{"unit": "500236101201", "role": "citizen"}]},
    )
    assert response.status_code == 400
    assert "password" in response.json()["fields"]
    assert not User.objects.filter(username="weak").exists()


def test_a_duplicate_username_is_refused(county, api_as):
    response = api_as(county.people["county_admin"]).post(
        "/users",
        {
            "username": "cadre_a",
            "password": "Str0ng-Passphrase",
            "memberships": [{"unit": "500236101201", "role": "citizen"}],
        },
    )
    assert response.status_code == 400 and "username" in response.json()["fields"]


def test_phones_are_masked_for_viewers_who_may_not_change_the_person(county, api_as):
    leader = api_as(county.people["township_leader"]).get("/users/cadre_a").json()
    admin = api_as(county.people["township_admin"]).get("/users/cadre_a").json()
    own = api_as(county.people["cadre_a"]).get("/me").json()
    full = county.people["cadre_a"].phone
    assert leader["phone"] == full[:3] + "****" + full[-4:]
    assert admin["phone"] == full and own["phone"] == full


def test_a_scoped_admin_cannot_create_admin_site_staff(county):
    from bianmin.errors import PermissionDenied
    from bianmin.org import services

    with pytest.raises(PermissionDenied):
        services.create_user(
            actor=county.people["township_admin"],
            username="x",
            password="Str0ng-Passphrase",
            display_name="x",
            memberships=[(county["baidi"], "admin")],
            is_superuser=True,
        )


def test_unit_lookup_by_unknown_code_is_404_with_a_body(county, api_as):
    response = api_as(county.people["county_admin"]).get("/units/NOPE")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Unit.objects.filter(code="NOPE").count() == 0


def test_the_openapi_document_and_docs_are_served(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/units", "/api/v1/units/{code}", "/api/v1/users", "/api/v1/users/{username}", "/api/v1/me"} <= set(
        spec["paths"]
    )
    assert "BearerAuth" in str(spec["components"]["securitySchemes"]) or "TokenAuth" in str(
        spec["components"]["securitySchemes"]
    )
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"cdn" not in docs.content.lower()


def test_pages_are_bounded(county, api_as):
    api = api_as(county.people["county_admin"])
    huge = api.get("/users", offset=10**30)
    assert huge.status_code == 422 and "offset" in huge.json()["fields"]
    assert api.get("/units", limit=501).status_code == 422
    assert api.get("/units", offset=1_000_000).json()["items"] == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/units", {"code": "500236101209", "name": "坏\u0000村", "kind": "village", "parent": "500236101000"}),
        ("get", "/units?q=%00", None),
        ("get", "/units/A%00B", None),
    ],
)
def test_a_nul_character_is_refused_in_chinese_not_a_500(county, api_as, method, path, body):
    api = api_as(county.people["county_admin"])
    response = api.post(path, body) if method == "post" else api.client.get("/api/v1" + path, headers=api.headers)
    assert response.status_code == 400
    assert response.json()["message"] == "请求中包含 NUL 字符，任何字段都不允许包含该字符。"
    assert not Unit.objects.filter(code="500236101209").exists()


def test_a_nul_character_in_a_page_form_is_refused(client):
    response = client.post("/login/", {"username": "a\u0000b", "password": "x"})
    assert response.status_code == 400
