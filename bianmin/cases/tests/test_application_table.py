"""Every state × action of the application table: allowed ones succeed, the rest are refused with 409."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianmin.cases.choices import CaseStatus
from bianmin.cases.errors import CaseError
from bianmin.cases.models import Application, Case, CasePause
from bianmin.cases.services import perform
from bianmin.cases.tests.factories import new_application
from bianmin.cases.workflow import APPLICATION
from bianmin.errors import Conflict

FIELDS: dict[str, dict[str, Any]] = {
    "request_supplement": {"missing": [1, 2]},
    "refuse": {"reason": "申请人不属于本镇户籍", "proper_channel": "户籍所在地乡镇人民政府"},
    "review": {"handler": "county_admin"},
    "forward": {"note": "初审符合条件，报县民政局审批"},
    "special_procedure": {"procedure": "hearing", "reason": "利害关系人申请听证"},
    "extend": {"amount": 10, "reason": "需在村公示7天"},
    "deny": {"reason": "申请人未满80周岁"},
    "deliver": {"delivery_method": "post"},
    "rate": {"rating": 5},
    "withdraw": {"reason": "申请人自愿撤回"},
    "appeal_rating": {"reason": "评价人与本事项无关"},
    "review_appeal": {"decision": "upheld", "note": "经核实属恶意差评"},
}

# What the application must carry for an action's guard: the decision is taken where the item is
# implemented (here the county bureau, after the township forwarded it); a result is rated once delivered.
DECIDED_AT_THE_COUNTY = {"case": {"unit": "mzj"}}
GUARD_FACTS: dict[str, dict[str, dict[str, Any]]] = {
    "approve": DECIDED_AT_THE_COUNTY,
    "deny": DECIDED_AT_THE_COUNTY,
    "rate": {"application": {"delivered_at": True}},
    "appeal_rating": {"case": {"rating": 1}, "application": {"delivered_at": True}},
    "review_appeal": {"case": {"rating": 1, "rating_appeal": "pending"}, "application": {"delivered_at": True}},
}


def valid_fields(action: str) -> dict[str, Any]:
    if action == "supervise":
        return {"due_at": timezone.now() + timedelta(days=3), "note": "请加快办理"}
    return FIELDS.get(action, {})


def application_in(status: str, county, items, wanted: dict[str, dict[str, Any]]) -> Case:
    """A 高龄津贴申领 application filed by 浣花村's cadre, then standing in `status` with the facts that
    status implies (accepted with its limits; paused; decided)."""
    case = new_application(county.people["cadre_a"], items.allowance, village=county["huanhua"])
    now = timezone.now()
    facts: dict[str, Any] = {"status": status}
    extra: dict[str, Any] = {}
    if status not in (CaseStatus.SUBMITTED, CaseStatus.SUPPLEMENT, CaseStatus.REFUSED):
        facts["accepted_at"] = now
        extra["legal_due_base_at"] = now + timedelta(days=28)
    if status in (CaseStatus.PAUSED, CaseStatus.SUPPLEMENT):
        facts["paused_at"] = now
        CasePause.objects.create(case=case, started_at=now, reason="等待")
    if status == CaseStatus.SUPPLEMENT:
        extra["notice_sent_at"] = now
    if status in (CaseStatus.COMPLETED, CaseStatus.CLOSED):
        facts["completed_at"] = now - timedelta(days=1)
        extra.update(decision="approved", decided_at=now - timedelta(days=1))
    facts.update({k: items.mzj if v == "mzj" else v for k, v in wanted.get("case", {}).items()})
    extra.update({k: now if v is True else v for k, v in wanted.get("application", {}).items()})
    Case.objects.filter(pk=case.pk).update(**facts)
    Application.objects.filter(case=case).update(**extra)
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("action", sorted(APPLICATION))
@pytest.mark.parametrize("status", CaseStatus.values)
def test_each_state_and_action(county, items, status, action):
    transition = APPLICATION[action]
    case = application_in(status, county, items, GUARD_FACTS.get(action, {}))
    actor = county.people["county_admin"]
    if status in transition.sources:
        done = perform(case, action, actor=actor, version=case.version, **valid_fields(action))
        assert done.status == (transition.target or status)
        assert done.version == case.version + 1
        assert done.events.order_by("-seq").first().action == action
    else:
        with pytest.raises(Conflict) as refused:
            perform(case, action, actor=actor, version=case.version, **valid_fields(action))
        assert refused.value.code == CaseError.ILLEGAL_TRANSITION
        assert Case.objects.get(pk=case.pk).version == case.version


@pytest.mark.parametrize(
    ("action", "status", "why"),
    [
        ("approve", CaseStatus.IN_PROGRESS, "the township may not decide what the county implements"),
        ("forward", CaseStatus.IN_PROGRESS, "already with the implementing unit"),
        ("rate", CaseStatus.COMPLETED, "the result has not been delivered"),
        ("request_supplement", CaseStatus.SUBMITTED, "a one-time notice was already sent"),
        ("extend", CaseStatus.IN_PROGRESS, "the limit was already extended once"),
    ],
)
def test_guarded_actions_need_their_facts(county, items, action, status, why):
    facts = {
        "approve": {},
        "forward": DECIDED_AT_THE_COUNTY,
        "rate": {},
        "request_supplement": {"application": {"notice_sent_at": True}},
        "extend": {},
    }[action]
    case = application_in(status, county, items, facts)
    if action == "extend":
        perform(case, "extend", actor=county.people["county_admin"], amount=1, reason="公示")
        case.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        perform(case, action, actor=county.people["county_admin"], **valid_fields(action))
    assert refused.value.code == CaseError.ILLEGAL_TRANSITION, why
