"""/api/v1/catalog: anyone reads; administrators of the implementing unit write (DESIGN §8 matrix)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.catalog.models import ItemVersion, ServiceItem
from bianmin.catalog.tests.factories import content, new_item
from bianmin.org.tests.test_api_permissions import PERSONAS

WRITERS_BAIDI = {"township_admin", "county_admin", "root"}
WRITERS_RSJ = {"county_admin", "root"}


def body(which: str = "最低生活保障申请", **overrides):
    c = content(which)
    values = {k: list(v) if isinstance(v, tuple) else v for k, v in c.version_fields().items()}
    values["materials"] = [
        {"name": m.name, "required": m.required, "form": m.form, "copies": m.copies, "source": m.source}
        for m in c.materials
    ]
    values.update(overrides)
    return values


def put(api, path, payload):
    return api._call("put", path, payload)


def test_anyone_reads_the_catalogue(county, api_as):
    item = new_item(county["rsj"])
    api = api_as(None)
    listed = api.get("/catalog/items")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    first = listed.json()["items"][0]
    assert first["name"] == "最低生活保障申请" and first["proxy"] is True and first["url"] == f"/guide/{item.code}/"
    assert first["promised_limit"] == {"value": 20, "unit": "working_days", "label": "20个工作日"}
    detail = api.get(f"/catalog/items/{item.code}").json()
    assert [m["name"] for m in detail["materials"]][:2] == ["最低生活保障申请书", "申请人居民身份证"]
    assert detail["aliases"] == ["低保", "低保申请", "吃低保"] and detail["version"] == 1
    assert api.get("/catalog/items/NOPE").status_code == 422  # not an implementation code
    assert api.get("/catalog/items/000000000000000").status_code == 404
    assert api.get("/catalog/items", q="吃低保").json()["items"][0]["code"] == item.code
    assert api.get("/catalog/items", level="county").json()["count"] == 0
    assert api.get("/catalog/items", proxy="true", life_event="assistance").json()["count"] == 1


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_who_may_add_an_item(county, api_as, persona):
    payload = {**body(), "basic_code": "000200004000", "code": "115002361010000000002000040", "unit": "500236101000"}
    response = api_as(county.people[persona]).post("/catalog/items", payload)
    if persona in WRITERS_BAIDI:
        assert response.status_code == 201, response.json()
        assert response.json()["unit"] == {"code": "500236101000", "name": "白帝镇"}
    else:
        assert response.status_code in (400, 403)
        assert not ServiceItem.objects.exists()


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_who_may_edit_a_county_department_item(county, api_as, persona):
    item = new_item(county["rsj"])
    response = put(api_as(county.people[persona]), f"/catalog/items/{item.code}", {**body(trips=0), "version": 1})
    if persona in WRITERS_RSJ:
        assert response.status_code == 200 and response.json()["version"] == 2 and response.json()["trips"] == 0
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert item.versions.count() == 1


def test_anonymous_writes_need_a_login(county, api_as):
    item = new_item(county["rsj"])
    assert api_as(None).post("/catalog/items", body()).status_code == 401
    assert put(api_as(None), f"/catalog/items/{item.code}", {**body(), "version": 1}).status_code == 401


def test_an_edit_keeps_the_old_version_readable(county, api_as):
    item = new_item(county["rsj"])
    api = api_as(county.people["county_admin"])
    assert put(api, f"/catalog/items/{item.code}", {**body(promised_limit=10), "version": 1}).json()["version"] == 2
    same = put(api, f"/catalog/items/{item.code}", {**body(promised_limit=10), "version": 2})
    assert same.json()["version"] == 2  # nothing changed: no new version
    stale = put(api, f"/catalog/items/{item.code}", {**body(promised_limit=5), "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    old = api_as(None).get(f"/catalog/items/{item.code}/versions/1").json()
    assert (old["version"], old["promised_limit"]["value"]) == (1, 20)
    assert api_as(None).get(f"/catalog/items/{item.code}/versions/9").status_code == 404
    assert ItemVersion.objects.filter(item=item).count() == 2


def test_bad_input_gets_field_messages_in_the_request_language(county, api_as):
    item = new_item(county["rsj"])
    zh = put(
        api_as(county.people["county_admin"]), f"/catalog/items/{item.code}", {**body(legal_limit="二十"), "version": 1}
    )
    assert zh.status_code == 422 and zh.json()["fields"]["legal_limit"] == "请输入整数。"
    en = put(
        api_as(county.people["county_admin"], "en"),
        f"/catalog/items/{item.code}",
        {**body(promised_limit=40, consult_phone="1"), "version": 1},
    )
    assert en.status_code == 400
    assert en.json()["fields"]["promised_limit"] == "The promised time limit cannot be longer than the legal one."
    assert "service number" in en.json()["fields"]["consult_phone"]
    unknown = api_as(county.people["county_admin"]).post(
        "/catalog/items",
        {**body(), "basic_code": "000200004000", "code": "115002360000000000002000040", "unit": "NOPE"},
    )
    assert unknown.status_code == 400 and "unit" in unknown.json()["fields"]


def test_joint_handling_round_trips_and_bounds_the_legal_limit(county, api_as):
    # Given the homestead approval, handled jointly (联合办理), written by an administrator of 白帝镇
    api = api_as(county.people["township_admin"])
    code = "115002361010000000002000900"
    payload = {**body("农村宅基地建房审批"), "basic_code": "000200090000", "code": code, "unit": "500236101000"}
    assert payload["joint_handling"] is True
    created = api.post("/catalog/items", payload)
    # Then the flag comes back from the write, the item and the list
    assert created.status_code == 201 and created.json()["joint_handling"] is True
    assert api_as(None).get(f"/catalog/items/{code}").json()["joint_handling"] is True
    assert [i["joint_handling"] for i in api_as(None).get("/catalog/items").json()["items"]] == [True]
    # And a legal limit past 45 working days is refused on its field, while switching the flag off is an edit
    too_long = put(api, f"/catalog/items/{code}", {**body("农村宅基地建房审批", legal_limit=46), "version": 1})
    assert too_long.status_code == 400 and "45个工作日" in too_long.json()["fields"]["legal_limit"]
    off = put(api, f"/catalog/items/{code}", {**body("农村宅基地建房审批", joint_handling=False), "version": 1})
    assert off.status_code == 200 and (off.json()["joint_handling"], off.json()["version"]) == (False, 2)


def test_a_blank_form_is_uploaded_and_downloadable(county, api_as, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = new_item(county["rsj"])
    api = api_as(county.people["county_admin"])
    url = f"/api/v1/catalog/items/{item.code}/materials/1/blank_form"
    with open(tmp_path / "申请书.pdf", "wb") as handle:
        handle.write(b"%PDF-1.4 form")
    with open(tmp_path / "申请书.pdf", "rb") as handle:
        response = api.client.post(url, {"file": handle}, headers=api.headers)
    assert response.status_code == 200, response.content
    link = response.json()["materials"][0]["blank_form_url"]
    download = client.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 form"
    with open(tmp_path / "申请书.pdf", "rb") as handle:
        refused = api_as(county.people["township_admin"]).client.post(
            url, {"file": handle}, headers=api_as(county.people["township_admin"]).headers
        )
    assert refused.status_code == 403


def test_the_list_costs_the_same_queries_for_3_or_30_items(county, api_as):
    api = api_as(None)
    for n in range(3):
        new_item(county["rsj"], code=f"11500236000000000X00020000{n:04d}")
    with CaptureQueriesContext(connection) as few:
        assert api.get("/catalog/items", q="低保").json()["count"] == 3
    for n in range(3, 30):
        new_item(county["rsj"], code=f"11500236000000000X00020000{n:04d}")
    with CaptureQueriesContext(connection) as many:
        assert api.get("/catalog/items", q="低保").json()["count"] == 30
    assert len(many) == len(few) <= 4


def test_the_list_query_budget(county, api_as, django_assert_max_num_queries):
    for n in range(10):
        new_item(county["rsj"], code=f"11500236000000000X00020000{n:04d}")
    with django_assert_max_num_queries(3):
        assert json.loads(api_as(None).get("/catalog/items").content)["count"] == 10
