"""Case pages: permission matrix (each role, in and out of scope), action forms, intake, citizen pages."""

from __future__ import annotations

import pytest

from bianmin.cases.models import Case
from bianmin.cases.tests.factories import new_case
from bianmin.cases.tests.test_api import HANDLES, VIEWS
from bianmin.org.tests.test_api_permissions import PERSONAS


@pytest.mark.parametrize("persona", PERSONAS)
def test_case_pages_permission_matrix(county, client, persona):
    home = new_case(county.people["cadre_a"], village=county["huanhua"])
    away = new_case(county.people["outsider"], village=county["other_village"])
    client.force_login(county.people[persona])
    workbench = client.get("/cases/").content.decode()
    assert (home.number in workbench) == (persona in VIEWS)
    assert client.get(f"/cases/{home.number}/").status_code == (200 if persona in VIEWS else 404)
    assert client.get(f"/cases/{away.number}/").status_code == (200 if persona == "outsider" else 404)
    form = {"action": "reply", "reply-version": home.version, "reply-reply": "已处理"}
    response = client.post(f"/cases/{home.number}/", form)
    assert Case.objects.get(pk=home.pk).status == ("replied" if persona in HANDLES else "accepted")
    assert response.status_code == (302 if persona in VIEWS else 404)


@pytest.mark.parametrize("url", ["/cases/", "/cases/new/", "/cases/20261126-00001/"])
def test_case_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login/")


def test_action_forms_come_from_the_table_and_show_refusals(county, client):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    client.force_login(county.people["cadre_a"])
    page = client.get(f"/cases/{case.number}/").content.decode()
    for label in ("转办", "上报上一级", "答复", "挂起（等待群众）"):
        assert f"<summary>{label}</summary>" in page
    assert "<summary>督办</summary>" not in page  # a cadre does not supervise
    stale = client.post(
        f"/cases/{case.number}/",
        {"action": "reply", "reply-version": case.version - 1, "reply-reply": "x"},
        follow=True,
    )
    assert "该事项已被他人修改" in stale.content.decode()
    empty = client.post(f"/cases/{case.number}/", {"action": "reply", "reply-version": case.version, "reply-reply": ""})
    assert empty.status_code == 200 and "该字段为必填项" in empty.content.decode()
    assert Case.objects.get(pk=case.pk).status == "accepted"


def test_intake_page_takes_in_a_case(county, client):
    client.force_login(county.people["cadre_a"])
    form = {
        "channel": "village_hall",
        "kind": "help",
        "urgency": "normal",
        "title": "路灯坏了",
        "content": "三组路口路灯不亮",
        "citizen_name": "李四",
        "citizen_phone": "13900001111",
        "village": "500236101201",
    }
    response = client.post("/cases/new/", form)
    case = Case.objects.get(title="路灯坏了")
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.number}/"
    assert (case.unit, case.channel, case.created_by) == (county["huanhua"], "village_hall", county.people["cadre_a"])
    bad = client.post("/cases/new/", {**form, "citizen_phone": "12"})
    assert bad.status_code == 200 and "手机号码" in bad.content.decode()


def test_public_pages_submit_and_track_without_a_login(county, client):
    page = client.get("/service/submit/")
    assert page.status_code == 200 and "浣花村" in page.content.decode()
    done = client.post(
        "/service/submit/",
        {
            "kind": "help",
            "village": "500236101201",
            "title": "停水",
            "content": "五组停水三天",
            "citizen_name": "刘",
            "citizen_phone": "13700005678",
        },
    )
    number = Case.objects.get(title="停水").number
    assert number in done.content.decode()
    receipt = done.content.decode()
    assert "承办单位" in receipt and "浣花村" in receipt and "我的事项" in receipt  # who handles it, how to follow
    assert 'value="application"' not in page.content.decode()  # an application is filed from its guide page
    tracked = client.post("/service/track/", {"number": number, "phone_tail": "5678"}, follow=True).content.decode()
    assert "待受理" in tracked
    wrong = client.post("/service/track/", {"number": number, "phone_tail": "0000"}).content.decode()
    assert "没有找到" in wrong and "停水" not in wrong


def test_bulk_transfer_moves_each_selected_case_and_refuses_stale_ones(county, client):
    staff = county.people["township_staff"]
    a, b, c = (new_case(staff, unit=county["baidi"]) for _ in range(3))
    Case.objects.filter(pk=c.pk).update(version=c.version + 1)  # changed by someone meanwhile
    client.force_login(staff)
    selected = [f"{a.number}:{a.version}", f"{b.number}:{b.version}", f"{c.number}:{c.version}"]
    page = client.post(
        "/cases/bulk/", {"bulk_action": "transfer", "to_unit": "500236-RSJ", "selected": selected}, follow=True
    )
    text = page.content.decode()
    assert "2 case(s) done." in text or "已处理 2 件" in text
    assert c.number in text
    assert [Case.objects.get(pk=x.pk).unit.code for x in (a, b, c)] == ["500236-RSJ", "500236-RSJ", "500236101000"]


def test_bulk_assign(county, client):
    staff = county.people["township_staff"]
    a = new_case(staff, unit=county["baidi"])
    client.force_login(staff)
    client.post(
        "/cases/bulk/", {"bulk_action": "assign", "handler": "township_staff", "selected": [f"{a.number}:{a.version}"]}
    )
    assert Case.objects.get(pk=a.pk).handler == staff


def test_the_three_level_counts(county, api_as):
    from bianmin.cases.services import perform

    cadre = county.people["cadre_a"]
    solved = new_case(cadre, village=county["huanhua"])
    perform(solved, "answer", actor=cadre, reply="已解决")
    new_case(cadre, village=county["huanhua"])
    moving = new_case(cadre, village=county["huanhua"])
    perform(moving, "escalate", actor=cadre, note="上报")
    body = api_as(county.people["township_leader"]).get("/cases/analysis").json()
    counts = {row["level"]: (row["solved"], row["being_solved"]) for row in body["levels"]}
    assert counts == {"village": (1, 1), "work_team": (0, 1), "township": (0, 0), "county": (0, 0)}
