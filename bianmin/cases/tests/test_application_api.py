"""Applications through /api/v1/cases as a village cadre, a township clerk and a villager use them: the same
endpoints as every case, with `kind=application`, the item's code and the application workflow's actions."""

from __future__ import annotations

import io

from pypdf import PdfReader

from bianmin.cases.models import Case


def filing(items, **overrides):
    return {
        "channel": "village_hall",
        "kind": "application",
        "item": items.allowance.code,
        "citizen_name": "王秀英",
        "citizen_phone": "13900001111",
        "citizen_id_number": "11010519491231002X",
        "village": "500236101201",
        **overrides,
    }


def pdf_text(data: bytes) -> str:
    """The text of every page, without the line breaks the layout put inside long names."""
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_a_cadre_files_by_proxy_and_the_township_sends_the_one_time_notice_as_pdf(county, items, api_as):
    cadre = api_as(county.people["cadre_a"])
    cadre.headers["Idempotency-Key"] = "proxy-0001"
    created = cadre.post("/cases", filing(items))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["kind"], body["status"], body["unit"]["code"]) == ("application", "submitted", "500236101000")
    application = body["application"]
    assert (application["item"], application["item_name"], application["trips"]) == (
        items.allowance.code,
        "高龄津贴申领",
        0,
    )
    assert [m["position"] for m in application["materials"]] == [1, 2, 3, 4]
    assert cadre.post("/cases", filing(items)).status_code == 200  # the retry finds the same application

    township = api_as(county.people["township_staff"])
    number = body["number"]
    detail = township.get(f"/cases/{number}").json()
    assert {"request_supplement", "accept", "refuse"} <= {a["action"] for a in detail["actions"]}
    noticed = township.post(
        f"/cases/{number}/actions/request_supplement",
        {"version": detail["version"], "missing": [3, 4], "note": "请在申请审批表上签字"},
    )
    assert noticed.status_code == 200, noticed.json()
    notice = noticed.json()["application"]["documents"][0]
    assert notice["title"] == "补正材料一次性告知书"
    download = township.get(f"/cases/{number}/notices/{notice['id']}")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(download.streaming_content))
    for expected in (
        "补正材料一次性告知书",
        "王秀英",
        number,
        "本人社会保障卡或银行账户信息",
        "高龄津贴申请审批表",
        "请在申请审批表上签字",
        "根据《中华人民共和国老年人权益保障法》",  # a benefit cites its own basis, not the licensing law
        "白帝镇人民政府",
    ):
        assert expected in text, expected

    # The villager sees her application and its notice among her own cases.
    villager = api_as(county.people["villager"])
    mine = villager.get("/cases", kind="application").json()
    assert [c["number"] for c in mine["items"]] == [number]
    assert villager.get(f"/cases/{number}/notices/{notice['id']}").status_code == 200
    assert api_as(county.people["cadre_b"]).get(f"/cases/{number}/notices/{notice['id']}").status_code == 404


def test_application_errors_are_field_messages(county, items, api_as):
    cadre = api_as(county.people["cadre_a"])
    no_item = cadre.post("/cases", filing(items, item=None))
    assert no_item.status_code == 400 and "item" in no_item.json()["fields"]
    unknown = cadre.post("/cases", filing(items, item="nope"))
    assert unknown.status_code == 400 and "item" in unknown.json()["fields"]
    window_only = cadre.post("/cases", filing(items, item=items.disability.code))
    assert window_only.status_code == 400 and "channel" in window_only.json()["fields"]
    assert Case.objects.count() == 0

    created = cadre.post("/cases", filing(items)).json()
    township = api_as(county.people["township_staff"])
    bad = township.post(
        f"/cases/{created['number']}/actions/request_supplement", {"version": created["version"], "missing": [9]}
    )
    assert bad.status_code == 400 and "missing" in bad.json()["fields"]
    assert Case.objects.get().status == "submitted"


def test_the_list_filters_by_item(county, items, api_as):
    cadre = api_as(county.people["cadre_a"])
    first = cadre.post("/cases", filing(items)).json()
    cadre.post("/cases", filing(items, item=items.subsistence.code))
    listed = api_as(county.people["township_staff"]).get("/cases", item=items.allowance.code).json()
    assert [c["number"] for c in listed["items"]] == [first["number"]]
