"""The grievance workflow written out by hand (DESIGN §4.3, §4.4): for every status × action, the status it
leads to or its refusal with 409, and the actions offered in each status. The expectations are literal, not
read from `workflow.GRIEVANCE`: a change to the table must change this file too."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianmin.cases.choices import CaseStatus
from bianmin.cases.errors import CaseError
from bianmin.cases.models import Case, CaseAttachment, CasePause
from bianmin.cases.services import allowed_actions, perform
from bianmin.cases.tests.factories import new_case
from bianmin.cases.workflow import GRIEVANCE
from bianmin.errors import Conflict, DomainError
from bianmin.org.models import User

STATUSES = (
    "submitted",
    "supplement",
    "accepted",
    "in_progress",
    "paused",
    "replied",
    "completed",
    "closed",
    "refused",
    "withdrawn",
    "merged",
)
REFUSED = "REFUSED"

# action → {status in which it may be taken: the status it leads to}. In every other status it is REFUSED
# (409 illegal transition). An action that leaves the status as it is leads to the same status.
TABLE: dict[str, dict[str, str]] = {
    "accept": {"submitted": "accepted"},
    "refuse": {"submitted": "refused"},  # 不予受理
    "answer": {"submitted": "completed", "accepted": "completed", "in_progress": "completed"},  # 直接答复
    "assign": {"accepted": "in_progress", "in_progress": "in_progress"},
    "transfer": {"accepted": "accepted", "in_progress": "accepted"},  # 转办
    "escalate": {"accepted": "accepted", "in_progress": "accepted"},  # 上报
    "return": {"accepted": "accepted", "in_progress": "accepted"},  # 退单
    "supervise": {  # 督办
        "submitted": "submitted",
        "accepted": "accepted",
        "in_progress": "in_progress",
        "paused": "paused",
        "replied": "replied",
    },
    "extend": {"accepted": "accepted", "in_progress": "in_progress"},  # 延期
    "request_extension": {"accepted": "accepted", "in_progress": "in_progress"},  # 申请延期 (none waiting)
    "decline_extension": {"accepted": "accepted", "in_progress": "in_progress"},  # (with a request waiting)
    "pause": {"accepted": "paused", "in_progress": "paused"},  # 挂起
    "resume": {"paused": "in_progress"},  # 恢复
    "classify": {"accepted": "accepted", "in_progress": "in_progress"},
    "consult": {"accepted": "accepted", "in_progress": "in_progress"},  # 会商
    "reply": {"accepted": "replied", "in_progress": "replied"},  # 答复
    "complete": {"replied": "completed"},  # 办结
    "rate": {"completed": "closed"},  # 回访
    "reopen": {"completed": "in_progress", "closed": "in_progress"},  # 重办
    "appeal_rating": {"closed": "closed"},  # 申诉 (with a bad rating not yet appealed)
    "review_appeal": {"closed": "closed"},  # 复核 (with an appeal pending)
    "rectify": {"closed": "closed"},  # 整改 (after a 差评, not yet rectified)
    "call_back": {"closed": "closed"},  # 回访 (after a 差评, not yet called back)
    "merge": {"submitted": "merged", "accepted": "merged", "in_progress": "merged"},  # 并单
    "withdraw": {"submitted": "withdrawn", "accepted": "withdrawn", "in_progress": "withdrawn", "paused": "withdrawn"},
    # 认领: a citizen account claims a matter filed with its mobile number, in any status but merged; taken by
    # the citizen, not county_admin (bianmin/org/tests/test_citizens.py walks it through every status)
    "claim": {s: s for s in STATUSES if s != "merged"},
    # 附件: while the case is open; never offered as a button (an upload has its own door)
    "attach": {s: s for s in ("submitted", "supplement", "accepted", "in_progress", "paused", "replied")},
}

# What county_admin is offered in each status (the buttons, the API's allowed actions), on a case sent to
# 石马村 by a transfer, not rated.
OFFERED: dict[str, set[str]] = {
    "submitted": {"accept", "refuse", "answer", "supervise", "merge", "withdraw"},
    "supplement": set(),
    "accepted": {
        "answer",
        "assign",
        "transfer",
        "escalate",
        "return",
        "supervise",
        "extend",
        "request_extension",
        "pause",
        "classify",
        "consult",
        "reply",
        "merge",
        "withdraw",
    },
    "in_progress": {
        "answer",
        "assign",
        "transfer",
        "escalate",
        "return",
        "supervise",
        "extend",
        "request_extension",
        "pause",
        "classify",
        "consult",
        "reply",
        "merge",
        "withdraw",
    },
    "paused": {"supervise", "resume", "withdraw"},
    "replied": {"supervise", "complete"},
    "completed": {"rate", "reopen"},
    "closed": {"reopen"},
    "refused": set(),
    "withdrawn": set(),
    "merged": set(),
}

# What the case must carry for an action's guard (a bad rating to appeal against, an appeal to review).
GUARD_FACTS: dict[str, dict[str, Any]] = {
    "appeal_rating": {"rating": 1},
    "review_appeal": {"rating": 1, "rating_appeal": "pending"},
    "rectify": {"rating": 2, "rectify_due_at": timezone.now() + timedelta(days=5)},
    "call_back": {"rating": 2, "rectify_due_at": timezone.now() + timedelta(days=5)},
    "decline_extension": {"extension_requested": 3},
}


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
        "request_extension": {"amount": 2, "reason": "需现场勘查"},
        "decline_extension": {"reason": "理由不充分"},
        "pause": {"reason": "等待群众补充材料"},
        "classify": {"classification": "reasonable"},
        "consult": {"assist_units": ["500236-RSJ"], "note": "与县人社局会商：由镇政府牵头，人社局配合核实"},
        "reply": {"reply": "已安排施工队修复。"},
        "rate": {"rating": 5},
        "reopen": {"reason": "问题没有解决"},
        "merge": {"master": other.number},
        "withdraw": {"reason": "群众自行解决"},
        "attach": {"file": attachment()},
        "appeal_rating": {"reason": "评价人与本事项无关，系恶意差评"},
        "review_appeal": {"decision": "upheld", "note": "经核实属恶意差评"},
        "rectify": {"note": "已重新清理沟渠并加装护栏"},
        "call_back": {"note": "已电话回访，群众认可整改"},
    }.get(action, {})


def case_in(status: str, county, *, transferred: bool = True, **extra: Any) -> Case:
    """A case that was transferred from 浣花村 to 石马村 (unless not `transferred`: taken in at 浣花村 and
    never sent anywhere) and then stood in `status`."""
    admin = county.people["county_admin"]
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    if transferred:
        case = perform(case, "transfer", actor=admin, to_unit="500236101202")
    facts: dict[str, Any] = {"status": status, **extra}
    if status in (CaseStatus.COMPLETED, CaseStatus.CLOSED):
        facts["completed_at"] = timezone.now() - timedelta(days=1)
    if status == CaseStatus.PAUSED:
        facts["paused_at"] = timezone.now()
        CasePause.objects.create(case=case, started_at=timezone.now(), reason="等待")
    Case.objects.filter(pk=case.pk).update(**facts)
    return Case.objects.get(pk=case.pk)


# Actions with a door of their own, never offered among the buttons.
UNLISTED = {"attach"}
# Taken by a citizen account with its proof (the mobile number's code), not by staff; tested apart.
BY_CITIZEN_ACCOUNT = {"claim"}


def attachment() -> CaseAttachment:
    """A file already stored, as `attachments.add_attachment` hands it to the action."""
    return CaseAttachment(name="现场.png", file="cases/现场.png", size=4, content_type="image/png", sha256="0" * 64)


def offered(case: Case, user: User) -> set[str]:
    return {t.action for t in allowed_actions(case, user)}


def mismatches(case: Case, action: str, expected: str, actor: User, fields: dict[str, Any]) -> list[str]:
    """Take `action` on `case` and say how the outcome differs from `expected` (a status, or REFUSED): an
    allowed action is offered, leads to `expected`, adds one to the version and records an event from the
    old status to the new; a refused one is not offered, answers 409 illegal transition and writes nothing."""
    where = f"{case.status} × {action} (expected {expected})"
    wrong = []
    is_offered = action in offered(case, actor)
    if is_offered != (expected != REFUSED and action not in UNLISTED):
        wrong.append(f"{where}: {'offered' if is_offered else 'not offered'}")
    events = case.events.count()
    try:
        done = perform(case, action, actor=actor, version=case.version, **fields)
    except DomainError as error:
        after = Case.objects.get(pk=case.pk)
        if expected != REFUSED or not isinstance(error, Conflict) or error.code != CaseError.ILLEGAL_TRANSITION:
            wrong.append(f"{where}: refused with {type(error).__name__} {error.code} {error.fields}")
        if (after.status, after.version, after.events.count()) != (case.status, case.version, events):
            wrong.append(f"{where}: the refusal wrote to the case or its history")
        return wrong
    if expected == REFUSED:
        return [*wrong, f"{where}: allowed, led to {done.status}"]
    stored = Case.objects.get(pk=case.pk)
    last = stored.events.order_by("-seq").first()
    assert last is not None
    got = (str(done.status), stored.status, stored.version, stored.events.count(), last.action, last.from_status)
    want = (expected, expected, case.version + 1, events + 1, action, case.status)
    if got != want or last.to_status != expected:
        wrong.append(f"{where}: got (status, stored, version, events, action, from) {got}, to {last.to_status}")
    return wrong


def test_the_table_names_every_status_and_action():
    """A new status or action of the workflow must be written into this file's tables."""
    assert set(STATUSES) == set(CaseStatus.values)
    assert set(TABLE) == set(GRIEVANCE)
    assert set(OFFERED) == set(STATUSES)
    assert all(s in STATUSES and t in STATUSES for row in TABLE.values() for s, t in row.items())
    assert all(names <= set(TABLE) for names in OFFERED.values())


@pytest.mark.parametrize("action", sorted(set(TABLE) - BY_CITIZEN_ACCOUNT))
def test_each_status_and_action(county, action):
    """Given a case standing in each status in turn, with the facts the action's guard needs, when county_admin
    takes the action, then it leads where TABLE says and is offered; anywhere else it is refused with 409,
    not offered, and nothing is written."""
    actor = county.people["county_admin"]
    fields = valid_fields(action, case_in(CaseStatus.ACCEPTED, county))
    wrong = []
    for status in STATUSES:
        case = case_in(status, county, **GUARD_FACTS.get(action, {}))
        wrong += mismatches(case, action, TABLE[action].get(status, REFUSED), actor, fields)
    assert not wrong, "\n".join(wrong)


def test_actions_offered_in_each_status(county):
    """Given a transferred, unrated case in each status in turn, when county_admin opens it, then the actions
    offered are exactly those of OFFERED."""
    admin = county.people["county_admin"]
    wrong = []
    for status in STATUSES:
        got = offered(case_in(status, county), admin)
        if got != OFFERED[status]:
            wrong.append(f"{status}: offered {sorted(got)}, expected {sorted(OFFERED[status])}")
    assert not wrong, "\n".join(wrong)


NOW, SOON = timezone.now(), timezone.now() + timedelta(days=5)

# 申诉复核 and the 差评 loop (DESIGN §4.4) on a closed case: (action, the case's rating facts, expected outcome, why).
GUARDED: list[tuple[str, dict[str, Any], str, str]] = [
    ("appeal_rating", {"rating": 5}, REFUSED, "非常满意: no bad rating to appeal against"),
    ("appeal_rating", {"rating": 3}, REFUSED, "基本满意 counts as satisfied"),
    ("appeal_rating", {}, REFUSED, "not rated"),
    ("appeal_rating", {"rating": 2}, "closed", "不满意 is a bad rating"),
    ("appeal_rating", {"rating": 1, "rating_appeal": "pending"}, REFUSED, "already appealed"),
    ("appeal_rating", {"rating": 1, "rating_appeal": "rejected"}, REFUSED, "one appeal per rating"),
    ("review_appeal", {"rating": 5}, REFUSED, "no appeal to review"),
    ("review_appeal", {"rating": 1}, REFUSED, "a bad rating, but no appeal to review"),
    ("review_appeal", {"rating": 1, "rating_appeal": "upheld"}, REFUSED, "the appeal was already reviewed"),
    ("rectify", {"rating": 5}, REFUSED, "a satisfied rating owes no rectification"),
    ("rectify", {"rating": 1, "rectify_due_at": SOON, "rectified_at": NOW}, REFUSED, "already rectified"),
    ("call_back", {"rating": 1, "rectify_due_at": SOON, "called_back_at": NOW}, REFUSED, "already called back"),
    ("reopen", {"rating": 4}, REFUSED, "满意: nothing to handle again"),
    ("reopen", {"rating": 3}, REFUSED, "基本满意 counts as satisfied"),
]


def test_guarded_actions_need_their_facts(county):
    """Given closed cases whose rating facts a guard does not accept, when county_admin appeals or reviews,
    then the action is not offered, is refused with 409 and nothing is written."""
    actor = county.people["county_admin"]
    wrong = []
    for action, facts, expected, why in GUARDED:
        case = case_in(CaseStatus.CLOSED, county, **facts)
        wrong += [
            f"{m} [{facts}: {why}]" for m in mismatches(case, action, expected, actor, valid_fields(action, case))
        ]
    assert not wrong, "\n".join(wrong)


def test_return_refuses_a_case_no_unit_sent(county):
    """Given cases taken in at 浣花村 and never sent there by another unit (accepted; in progress), when
    county_admin returns them (退单), then 409 nothing to return, and nothing is written."""
    actor = county.people["county_admin"]
    for status in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS):
        case = case_in(status, county, transferred=False)
        events = case.events.count()
        with pytest.raises(Conflict) as refused:
            perform(case, "return", actor=actor, version=case.version, reason="不属于本单位职责")
        assert refused.value.code == CaseError.NOTHING_TO_RETURN, status
        after = Case.objects.get(pk=case.pk)
        assert (after.status, after.unit_id, after.version, after.events.count()) == (
            status,
            county["huanhua"].pk,
            case.version,
            events,
        ), status


def test_return_is_not_offered_on_a_case_no_unit_sent(county):
    """Given cases never sent to 浣花村 by another unit, when county_admin opens them, then 退单 is not offered."""
    admin = county.people["county_admin"]
    for status in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS):
        assert "return" not in offered(case_in(status, county, transferred=False), admin), status
