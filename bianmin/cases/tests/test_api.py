"""/api/v1/cases as a hotline operator, a handler, a supervisor and a client program use it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.cases.choices import LimitUnit
from bianmin.cases.models import Case, Category
from bianmin.cases.services import perform
from bianmin.cases.tests.factories import new_case
from bianmin.org.tests.test_api_permissions import PERSONAS

INTAKE = {
    "channel": "hotline",
    "kind": "complaint",
    "title": "夜间施工噪音扰民",
    "content": "宝塔坪社区旁工地每晚十一点后仍在施工，噪音很大。",
    "citizen_name": "王芳",
    "citizen_phone": "13912345678",
    "village": "500236001001",
}


def test_intake_with_an_idempotency_key_creates_once(county, api_as):
    api = api_as(county.people["township_staff"])
    api.headers["Idempotency-Key"] = "call-2026-0001"
    first = api.post("/cases", INTAKE)
    again = api.post("/cases", INTAKE)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1
    body = first.json()
    assert body["status"] == "accepted" and body["unit"]["code"] == "500236101000"
    assert body["village"] == {"code": "500236001001", "name": "宝塔坪社区"}
    assert [e["action"] for e in body["events"]] == ["create"]
    assert {"transfer", "reply", "escalate"} <= {a["action"] for a in body["actions"]}


def test_intake_errors_are_field_messages_in_chinese(county, api_as):
    response = api_as(county.people["township_staff"]).post("/cases", {**INTAKE, "citizen_phone": "123"})
    assert response.status_code == 400
    assert "手机" in response.json()["fields"]["citizen_phone"]


def test_the_list_is_ordered_by_due_time_and_filters(county, api_as):
    cadre = county.people["cadre_a"]
    slow = new_case(cadre, village=county["huanhua"], kind="complaint")
    fast = new_case(cadre, village=county["huanhua"], kind="consultation")
    api = api_as(county.people["township_leader"])
    body = api.get("/cases").json()
    assert [c["number"] for c in body["items"]] == [fast.number, slow.number]
    assert body["count"] == 2
    assert api.get("/cases", kind="complaint").json()["count"] == 1
    assert api.get("/cases", q=fast.number).json()["items"][0]["number"] == fast.number
    assert api.get("/cases", q=fast.number, offset=1).json() == {"items": [], "count": 1, "count_capped": False}
    assert api_as(county.people["cadre_b"]).get("/cases", q=fast.number).json()["count"] == 0  # not their village
    assert api.get("/cases", q="塌方").json()["count"] == 2
    assert api.get("/cases", overdue="true").json()["count"] == 0
    assert api.get("/cases", status="accepted", unit="500236101201").json()["count"] == 2


def test_a_case_looked_up_by_its_number_is_its_list_item_for_exactly_those_who_see_it(county, api_as):
    # Given a case of 浣花村 with a category, a handler, a citizen account and 县人力社保局 assisting
    category = Category.objects.create(code="road", name="道路", limit_value=5, limit_unit=LimitUnit.WORKING_DAYS)
    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"], category=category, citizen=county.people["villager"])
    case = perform(case, "assign", actor=cadre, handler=cadre)
    case.assist_units.add(county["rsj"])
    for name in ("cadre_a", "township_leader", "dept", "villager", "supervisor", "cadre_b", "outsider", "window"):
        api = api_as(county.people[name])
        # When they look it up by its number (read by the unique index, scope decided in Python)
        alone = api.get("/cases", q=case.number).json()
        # it is what the scoped list query answers (another filter takes that path)
        assert alone == api.get("/cases", q=case.number, kind="help").json(), name
        sees = name in ("cadre_a", "township_leader", "dept", "villager", "supervisor")
        assert alone["count"] == int(sees), name
        if sees:
            item = alone["items"][0]
            assert (item["handler"], item["handler_name"], item["category"]) == ("cadre_a", str(cadre), "road")


OPEN = ["submitted", "supplement", "accepted", "in_progress", "paused", "replied"]


def test_the_workbench_search_finds_words_of_open_cases_and_the_full_search_closed_ones(county, api_as):
    # Given two cases about the same crossroads, one of them answered and done
    cadre = county.people["cadre_a"]
    lamp = new_case(cadre, village=county["huanhua"], title="路灯不亮", content="三组路口的路灯坏了一个月。")
    pipe = new_case(cadre, village=county["huanhua"], title="水管破裂", content="三组路口水管破裂，路面积水。")
    pipe = perform(pipe, "assign", actor=cadre, handler=cadre)
    perform(pipe, "answer", actor=cadre, reply="已修复。")
    api = api_as(county.people["township_leader"])

    def found(**query: object) -> list[str]:
        return [item["number"] for item in api.get("/cases", **query).json()["items"]]

    # When the workbench searches its open cases, it finds words of the content and of the title
    assert found(status=OPEN, q="三组路口") == [lamp.number]
    assert found(status=OPEN, q="路灯不") == [lamp.number]
    assert found(status=["accepted"], q="路灯") == [lamp.number]
    assert found(status=OPEN, q="水管") == []
    # and a search over every status finds the closed case too
    assert sorted(found(q="三组路口")) == sorted([lamp.number, pipe.number])
    assert found(status=["completed"], q="水管") == [pipe.number]
    # When an open case's words change, however they are written, the search follows (database triggers)
    Case.objects.filter(pk=lamp.pk).update(title="路灯仍然不亮")
    assert found(status=OPEN, q="仍然") == [lamp.number]


def test_phones_are_masked_for_viewers_who_neither_handle_nor_supervise(county, api_as):
    case = new_case(county.people["township_staff"], unit=county["baidi"], citizen_phone="13812345678")
    assert (
        api_as(county.people["township_leader"]).get(f"/cases/{case.number}").json()["citizen_phone"] == "13812345678"
    )
    from bianmin.org.choices import Role
    from bianmin.org.tests.factories import member

    viewer = member(county["county"], Role.INSPECTOR)
    assert api_as(viewer).get(f"/cases/{case.number}").json()["citizen_phone"] == "138****5678"


def test_actions_need_the_current_version_and_a_legal_state(county, api_as):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    api = api_as(county.people["cadre_a"])
    replied = api.post(f"/cases/{case.number}/actions/reply", {"version": case.version, "reply": "已安排修复"})
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    stale = api.post(f"/cases/{case.number}/actions/complete", {"version": case.version})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    illegal = api.post(f"/cases/{case.number}/actions/pause", {"version": replied.json()["version"], "reason": "x"})
    assert illegal.status_code == 409 and illegal.json()["code"] == "illegal_transition"
    assert "已答复" in illegal.json()["message"]
    missing = api.post(f"/cases/{case.number}/actions/transfer", {"version": replied.json()["version"]})
    assert missing.status_code in (400, 409)
    unknown = api.post(f"/cases/{case.number}/actions/teleport", {"version": 1})
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_action"


def test_list_queries_do_not_grow_with_rows(county, api_as):
    api = api_as(county.people["county_admin"])
    new_case(county.people["cadre_a"], village=county["huanhua"])
    api.get("/cases")
    with CaptureQueriesContext(connection) as small:
        assert api.get("/cases").json()["count"] == 1
    for _ in range(15):
        new_case(county.people["cadre_a"], village=county["huanhua"])
    with CaptureQueriesContext(connection) as large:
        assert api.get("/cases").json()["count"] == 16
    # At most the budget (a saved query is welcome), and no more for sixteen rows than for one.
    assert len(large) <= len(small) <= 6, (len(small), len(large))


def test_detail_queries_do_not_grow_with_events(county, api_as):
    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"])
    api = api_as(county.people["county_admin"])
    api.get(f"/cases/{case.number}")
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(f"/cases/{case.number}").json()["events"]) == 1
    for _ in range(6):
        perform(case, "classify", actor=cadre, classification="reasonable")
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(f"/cases/{case.number}").json()["events"]) == 7
    # At most the budget (a saved query is welcome), and no more for seven events than for one.
    assert len(many) <= len(few) <= 13, (len(few), len(many))


# --- permission matrix: each role against a case of 浣花村 and one of another county ---------------
VIEWS = {"cadre_a", "work_team", "township_staff", "township_leader", "township_admin", "supervisor", "county_admin"}
HANDLES = VIEWS - {"supervisor"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_case_permission_matrix(county, api_as, persona):
    home = new_case(county.people["cadre_a"], village=county["huanhua"])
    away = new_case(county.people["outsider"], village=county["other_village"])
    api = api_as(county.people[persona])
    in_scope = persona in VIEWS
    assert api.get(f"/cases/{home.number}").status_code == (200 if in_scope else 404)
    expected_away = 200 if persona == "outsider" else 404
    assert api.get(f"/cases/{away.number}").status_code == expected_away
    listed = {c["number"] for c in api.get("/cases").json()["items"]}
    assert (home.number in listed) == in_scope
    reply = api.post(f"/cases/{home.number}/actions/reply", {"version": home.version, "reply": "已处理"})
    assert reply.status_code == (200 if persona in HANDLES else 403 if in_scope else 404)
    outside = api.post(f"/cases/{away.number}/actions/reply", {"version": away.version, "reply": "x"})
    assert outside.status_code == (200 if persona == "outsider" else 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/cases"),
        ("post", "/cases"),
        ("get", "/cases/20261126-00001"),
        ("post", "/cases/20261126-00001/actions/reply"),
    ],
)
def test_anonymous_callers_get_401_on_cases(county, api_as, method, path):
    api = api_as(None)
    response = api.get(path) if method == "get" else api.post(path, {"version": 1})
    assert response.status_code == 401


def test_absurd_dates_are_refused_not_a_500(county, api_as):
    api = api_as(county.people["county_admin"])
    assert api.get("/cases", received_from="0001-01-01").status_code == 422
    assert api.get("/calendar/add-workdays", start="9999-12-31", workdays=5).status_code == 422
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    far = api.post(
        f"/cases/{case.number}/actions/supervise",
        {"version": case.version, "due_at": "9999-12-31T00:00:00+08:00", "note": "x"},
    )
    assert far.status_code == 400 and "due_at" in far.json()["fields"]


def test_pages_of_a_list_follow_the_due_time_and_the_count_stops_at_the_cap(county, api_as, monkeypatch):
    """With the cap at 5 and 8 matching cases: each page is the next slice of the list by due time and number,
    the count says 5 and capped; a page past the cap (for scripts walking a list) is still served."""
    from bianmin.cases import api as cases_api

    monkeypatch.setattr(cases_api, "COUNT_CAP", 5)
    staff = county.people["township_staff"]
    for n in range(8):
        new_case(staff, unit=county["baidi"], title=f"分页 {n}")
    api = api_as(staff)
    whole = api.get("/cases", q="分页", limit=50).json()
    assert (len(whole["items"]), whole["count"], whole["count_capped"]) == (8, 5, True)
    order = [item["number"] for item in whole["items"]]
    assert order == sorted(
        order, key=lambda number: (next(i["due_at"] for i in whole["items"] if i["number"] == number), number)
    )
    pages = [api.get("/cases", q="分页", limit=3, offset=offset).json() for offset in (0, 3, 6)]
    assert [item["number"] for body in pages for item in body["items"]] == order
    assert [(body["count"], body["count_capped"]) for body in pages] == [(5, True)] * 3
    past = api.get("/cases", q="分页", limit=3, offset=9).json()
    assert (past["items"], past["count"], past["count_capped"]) == ([], 5, True)
    few = api.get("/cases", q="分页 1", limit=3, offset=1).json()  # one match: a page past it, the count kept
    assert (few["items"], few["count"], few["count_capped"]) == ([], 1, False)
