"""Domain rules found missing when the source's figures were replayed through the API (issue 19 item 9), as
the staff who meet them would check them: a matter registered without being accepted, so that 不予受理 and
withdrawal before acceptance work for every channel; a petition's 15 days to accept before its 60 days of
handling, and its extension capped at 30; the result of an application delivered within 10 working days;
the satisfied levels and the limits per kind as settings; deadlines written in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import override_settings

from bianmin.cases import sla
from bianmin.cases.choices import CaseKind, CaseStatus, Channel
from bianmin.cases.services import allowed_actions, perform
from bianmin.cases.tests.factories import new_application, new_case
from bianmin.errors import InvalidInput

INTAKE = {
    "channel": "hotline",
    "kind": "complaint",
    "title": "邻里宅基地纠纷",
    "content": "已向法院起诉，要求村里出面调解。",
    "citizen_name": "李四",
    "citizen_phone": "13700001234",
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=sla.SHANGHAI)


def test_staff_register_a_matter_without_accepting_it_and_refuse_it_with_the_proper_channel(county, api_as):
    """Given a hotline call about a matter already in court, when the operator registers it only, then the
    township sees it awaiting acceptance and refuses it (不予受理) naming the court as the proper channel."""
    staff = county.people["township_staff"]
    api = api_as(staff)
    registered = api.post("/cases", {**INTAKE, "village": county["huanhua"].code, "accept": False})
    assert registered.status_code == 201, registered.content
    body = registered.json()
    assert (body["status"], body["accepted_at"]) == ("submitted", None)
    assert {"accept", "refuse", "withdraw"} <= {a["action"] for a in body["actions"]}
    refused = api.post(
        f"/cases/{body['number']}/actions/refuse",
        {"version": body["version"], "reason": "该纠纷已进入诉讼程序。", "proper_channel": "奉节县人民法院"},
    )
    assert refused.status_code == 200, refused.content
    assert refused.json()["status"] == "refused"
    accepted = api.post("/cases", {**INTAKE, "village": county["huanhua"].code}).json()
    assert accepted["status"] == "accepted" and accepted["accepted_at"] is not None  # the default stays


def test_a_matter_registered_at_a_window_can_be_withdrawn_before_acceptance(county, client):
    staff = county.people["township_staff"]
    client.force_login(staff)
    form = {**INTAKE, "channel": "window", "urgency": "normal", "village": county["huanhua"].code}
    page = client.post("/cases/new/", {**form, "on_intake": "register"})
    assert page.status_code == 302, page.content
    number = page["Location"].rstrip("/").rsplit("/", 1)[1]
    case = perform(number, "withdraw", actor=staff, reason="群众表示自行协商解决。")
    assert (case.status, case.accepted_at) == (CaseStatus.WITHDRAWN, None)
    accepted = client.post("/cases/new/", form)  # no choice made: accepted on intake, as before
    assert perform(accepted["Location"].rstrip("/").rsplit("/", 1)[1], "assign", actor=staff, handler=staff).version


def test_a_petition_has_15_days_to_be_accepted_then_60_to_be_handled_and_30_more_at_most(county):
    staff, leader = county.people["township_staff"], county.people["township_leader"]
    petition = {"kind": CaseKind.PETITION, "channel": Channel.RECEPTION, "unit": county["baidi"]}
    case = new_case(staff, **petition, submitted=True, received_at=at("2026-09-01T10:00"))
    assert case.due_at == at("2026-09-16T23:59:59")  # 15 calendar days to accept or route it
    case = perform(case, "accept", actor=staff, at=at("2026-09-10T09:00"))
    assert case.due_at == at("2026-11-09T23:59:59")  # 60 calendar days from acceptance
    with pytest.raises(InvalidInput) as too_long:
        perform(case, "extend", actor=leader, amount=31, reason="需多部门会商", at=at("2026-10-20T09:00"))
    assert "30" in str(too_long.value.fields["amount"])
    case = perform(case, "extend", actor=leader, amount=30, reason="需多部门会商", at=at("2026-10-20T09:00"))
    assert case.due_at == at("2026-12-09T23:59:59")
    taken_at_once = new_case(staff, **petition, received_at=at("2026-09-01T10:00"))
    assert taken_at_once.due_at == at("2026-10-31T23:59:59")  # accepted on intake: 60 days from receipt


def test_the_result_of_an_application_is_delivered_within_10_working_days_of_the_decision(county, items):
    staff = county.people["township_staff"]
    case = new_application(
        county.people["cadre_a"], items.subsistence, village=county["huanhua"], received_at=at("2026-09-28T09:00")
    )
    case = perform(case, "accept", actor=staff, at=at("2026-09-28T10:00"))
    case = perform(case, "review", actor=staff, handler="township_staff", at=at("2026-09-28T11:00"))
    case = perform(case, "approve", actor=staff, at=at("2026-09-30T10:00"))
    # 10 working days after 30 September: National Day off (1–7 October), then 8, 9, 10 (a make-up
    # Saturday), 12–16, 19 and 20 October.
    assert case.application.delivery_due_at == at("2026-10-20T23:59:59")


def test_which_ratings_count_as_satisfied_and_the_limits_per_kind_are_settings(county):
    cadre = county.people["cadre_a"]
    with override_settings(CASE_KIND_LIMITS={**_limits(), "help": 3}):
        case = new_case(cadre, village=county["huanhua"], received_at=at("2026-09-21T09:00"))
    assert case.due_at == at("2026-09-24T23:59:59")
    case = perform(case, "answer", actor=cadre, reply="已修复。")
    case = perform(case, "rate", actor=cadre, rating=3)
    township = county.people["township_staff"]
    assert "appeal_rating" not in {t.action for t in allowed_actions(case, township)}  # 基本满意 is satisfied
    with override_settings(SATISFIED_MIN_RATING=4):
        assert "appeal_rating" in {t.action for t in allowed_actions(case, township)}


def _limits() -> dict[str, int]:
    from django.conf import settings

    return dict(settings.CASE_KIND_LIMITS)


def test_the_api_writes_deadlines_in_asia_shanghai(county, api_as):
    api = api_as(county.people["township_staff"])
    body = api.post("/cases", {**INTAKE, "village": county["huanhua"].code}).json()
    for name in ("due_at", "received_at", "accepted_at"):
        assert body[name].endswith("+08:00"), (name, body[name])
    listed = api.get("/cases", q=body["number"]).json()["items"][0]
    assert listed["due_at"].endswith("+08:00")


def test_an_item_handled_jointly_is_extended_by_up_to_15_working_days(county, items):
    """联合办理 (第42条): 45 working days, and 15 more with approval, where another item gets 10."""
    from bianmin.catalog.services import update_item
    from bianmin.catalog.tests.factories import content

    joint = content("最低生活保障申请", items.mzj, joint_handling=True, legal_limit=45, promised_limit=45)
    item, changed = update_item(items.subsistence, actor=None, content=joint)
    assert changed and item.current.joint_handling
    staff, leader = county.people["township_staff"], county.people["township_leader"]
    case = new_application(
        county.people["cadre_a"], item, village=county["huanhua"], received_at=at("2026-08-03T09:00")
    )
    case = perform(case, "accept", actor=staff, at=at("2026-08-03T10:00"))
    assert case.application.legal_due_at == at("2026-10-10T23:59:59")  # 45 working days, over National Day
    with pytest.raises(InvalidInput):
        perform(case, "extend", actor=leader, amount=16, reason="需多部门联合审查", at=at("2026-09-01T09:00"))
    case = perform(case, "extend", actor=leader, amount=15, reason="需多部门联合审查", at=at("2026-09-01T09:00"))
    assert case.application.legal_due_at == at("2026-10-30T23:59:59")
