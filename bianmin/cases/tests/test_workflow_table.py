"""Every state × action of the grievance table: allowed ones succeed, the rest are refused with 409."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianmin.cases.choices import CaseStatus
from bianmin.cases.errors import CaseError
from bianmin.cases.models import Case, CasePause
from bianmin.cases.services import perform
from bianmin.cases.tests.factories import new_case
from bianmin.cases.workflow import GRIEVANCE
from bianmin.errors import Conflict


def valid_fields(action: str, other: Case) -> dict[str, Any]:
    return {
        "refuse": {"reason": "已进入诉讼程序", "proper_channel": "人民法院"},
        "answer": {"reply": "已电话答复政策。"},
        "assign": {"handler": "county_admin"},
        "transfer": {"to_unit": "500236-RSJ"},
        "escalate": {"note": "村级无法解决"},
        "return": {"reason": "不属于本单位职责"},
        "supervise": {"due_at": timezone.now() + timedelta(days=3), "note": "请加快办理"},
        "extend": {"amount": 2, "reason": "需现场勘查"},
        "pause": {"reason": "等待群众补充材料"},
        "classify": {"classification": "reasonable"},
        "reply": {"reply": "已安排施工队修复。"},
        "rate": {"rating": 5},
        "reopen": {"reason": "问题没有解决"},
        "merge": {"master": other.number},
        "withdraw": {"reason": "群众自行解决"},
        "appeal_rating": {"reason": "评价人与本事项无关，系恶意差评"},
        "review_appeal": {"decision": "upheld", "note": "经核实属恶意差评"},
    }.get(action, {})


# What the case must carry for an action's guard (a bad rating to appeal against, an appeal to review).
GUARD_FACTS: dict[str, dict[str, Any]] = {
    "appeal_rating": {"rating": 1},
    "review_appeal": {"rating": 1, "rating_appeal": "pending"},
}


def case_in(status: str, county, **extra: Any) -> Case:
    """A case that was transferred from 浣花村 to 石马村 and then stood in `status`."""
    admin = county.people["county_admin"]
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    case = perform(case, "transfer", actor=admin, to_unit="500236101202")
    facts: dict[str, Any] = {"status": status, **extra}
    if status in (CaseStatus.COMPLETED, CaseStatus.CLOSED):
        facts["completed_at"] = timezone.now() - timedelta(days=1)
    if status == CaseStatus.PAUSED:
        facts["paused_at"] = timezone.now()
        CasePause.objects.create(case=case, started_at=timezone.now(), reason="等待")
    Case.objects.filter(pk=case.pk).update(**facts)
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("action", sorted(GRIEVANCE))
@pytest.mark.parametrize("status", CaseStatus.values)
def test_each_state_and_action(county, status, action):
    transition = GRIEVANCE[action]
    case = case_in(status, county, **GUARD_FACTS.get(action, {}))
    other = case_in(CaseStatus.ACCEPTED, county)
    actor = county.people["county_admin"]
    if status in transition.sources:
        done = perform(case, action, actor=actor, version=case.version, **valid_fields(action, other))
        assert done.status == (transition.target or status)
        assert done.version == case.version + 1
        assert done.events.order_by("-seq").first().action == action
    else:
        with pytest.raises(Conflict) as refused:
            perform(case, action, actor=actor, version=case.version, **valid_fields(action, other))
        assert refused.value.code == CaseError.ILLEGAL_TRANSITION
        assert Case.objects.get(pk=case.pk).version == case.version


@pytest.mark.parametrize("action", ["appeal_rating", "review_appeal"])
def test_guarded_actions_need_their_facts(county, action):
    """Given a closed case rated 非常满意 with no appeal, when the unit appeals or a supervisor reviews,
    then both are refused: there is no bad rating to appeal and no appeal to review."""
    case = case_in(CaseStatus.CLOSED, county, rating=5)
    with pytest.raises(Conflict) as refused:
        perform(case, action, actor=county.people["county_admin"], **valid_fields(action, case))
    assert refused.value.code == CaseError.ILLEGAL_TRANSITION
