"""The application workflow written out by hand (DESIGN §4.2): for every status × action, the status it leads to
or its refusal with 409, and the actions offered in each status. The expectations are literal, not read from
`workflow.APPLICATION`: a change to the table must change this file too."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bianmin.cases.choices import CaseStatus
from bianmin.cases.errors import CaseError
from bianmin.cases.models import Application, Case, CaseAttachment, CasePause
from bianmin.cases.services import allowed_actions, perform
from bianmin.cases.tests.factories import new_application
from bianmin.cases.workflow import APPLICATION
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
    "request_supplement": {"submitted": "supplement"},  # 一次性告知, once; the clock stops
    "supplement": {"supplement": "submitted"},  # 补正 received; the clock runs again
    "accept": {"submitted": "accepted"},  # 受理
    "refuse": {"submitted": "refused", "supplement": "refused"},  # 不予受理
    "review": {"accepted": "in_progress"},  # 审查
    "forward": {"in_progress": "accepted"},  # 报送审批, from below the implementing unit
    "special_procedure": {"in_progress": "paused"},  # 听证, 检验检测, 专家评审 (第45条)
    "resume": {"paused": "in_progress"},
    "extend": {"accepted": "accepted", "in_progress": "in_progress"},  # 延期, once (第42条)
    "supervise": {  # 督办
        "submitted": "submitted",
        "accepted": "accepted",
        "in_progress": "in_progress",
        "paused": "paused",
    },
    "approve": {"in_progress": "completed"},  # 决定, by the implementing unit
    "deny": {"in_progress": "completed"},
    "deliver": {"completed": "completed"},  # 送达, once (第44条)
    "rate": {"completed": "closed"},  # 评价, once delivered
    "appeal_rating": {"closed": "closed"},  # 申诉 (with a bad rating not yet appealed)
    "review_appeal": {"closed": "closed"},  # 复核 (with an appeal pending)
    "rectify": {"closed": "closed"},  # 整改 (after a 差评)
    "call_back": {"closed": "closed"},  # 回访 (after a 差评)
    "withdraw": {
        "submitted": "withdrawn",
        "supplement": "withdrawn",
        "accepted": "withdrawn",
        "in_progress": "withdrawn",
        "paused": "withdrawn",
    },
    # 认领: a citizen account claims a matter filed with its mobile number, in any status but merged; taken by
    # the citizen, not county_admin (bianmin/org/tests/test_citizens.py walks it through every status)
    "claim": {s: s for s in STATUSES if s != "merged"},
    # 附件: while the case is open; never offered as a button (an upload has its own door)
    "attach": {s: s for s in ("submitted", "supplement", "accepted", "in_progress", "paused", "replied")},
}

# What county_admin is offered in each status (the buttons, the API's allowed actions), on a 高龄津贴申领
# application taken in at 白帝镇, which the county bureau decides; no notice sent before the supplement
# status, not extended, not delivered, not rated.
OFFERED: dict[str, set[str]] = {
    "submitted": {"request_supplement", "accept", "refuse", "supervise", "withdraw"},
    "supplement": {"supplement", "refuse", "withdraw"},
    "accepted": {"review", "extend", "supervise", "withdraw"},
    "in_progress": {"forward", "special_procedure", "extend", "supervise", "withdraw"},
    "paused": {"resume", "supervise", "withdraw"},
    "replied": set(),
    "completed": {"deliver"},
    "closed": set(),
    "refused": set(),
    "withdrawn": set(),
    "merged": set(),
}

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
    "rectify": {"note": "已向申请人补充说明审批依据"},
    "call_back": {"note": "已电话回访申请人"},
}

# What the application must carry for an action's guard: the decision is taken where the item is
# implemented (here the county bureau, after the township forwarded it); a result is rated once delivered.
DECIDED_AT_THE_COUNTY = {"case": {"unit": "mzj"}}
DELIVERED = {"delivered_at": True}
GUARD_FACTS: dict[str, dict[str, Any]] = {
    "approve": DECIDED_AT_THE_COUNTY,
    "deny": DECIDED_AT_THE_COUNTY,
    "rate": {"application": DELIVERED},
    "appeal_rating": {"case": {"rating": 1}, "application": DELIVERED},
    "review_appeal": {"case": {"rating": 1, "rating_appeal": "pending"}, "application": DELIVERED},
    "rectify": {"case": {"rating": 1, "rectify_due_at": True}, "application": DELIVERED},
    "call_back": {"case": {"rating": 1, "rectify_due_at": True}, "application": DELIVERED},
}


def valid_fields(action: str) -> dict[str, Any]:
    if action == "attach":
        return {"file": attachment()}
    if action == "supervise":
        return {"due_at": timezone.now() + timedelta(days=3), "note": "请加快办理"}
    return FIELDS.get(action, {})


def application_in(status: str, county, items, wanted: dict[str, Any]) -> Case:
    """An application filed by 浣花村's cadre (for 高龄津贴申领 unless `wanted` names another item), then
    standing in `status` with the facts that status implies (accepted with its limits; paused; decided)
    and those `wanted` (case and application fields; "extended": its limit extended once)."""
    item = getattr(items, wanted.get("item", "allowance"))
    case = new_application(county.people["cadre_a"], item, village=county["huanhua"])
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
    facts.update({k: items.mzj if v == "mzj" else now if v is True else v for k, v in wanted.get("case", {}).items()})
    extra.update({k: now if v is True else v for k, v in wanted.get("application", {}).items()})
    Case.objects.filter(pk=case.pk).update(**facts)
    Application.objects.filter(case=case).update(**extra)
    if wanted.get("extended"):
        perform(case, "extend", actor=county.people["county_admin"], amount=1, reason="公示")
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


def mismatches(case: Case, action: str, expected: str, actor: User) -> list[str]:
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
        done = perform(case, action, actor=actor, version=case.version, **valid_fields(action))
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
    assert set(TABLE) == set(APPLICATION)
    assert set(OFFERED) == set(STATUSES)
    assert all(s in STATUSES and t in STATUSES for row in TABLE.values() for s, t in row.items())
    assert all(names <= set(TABLE) for names in OFFERED.values())


@pytest.mark.parametrize("action", sorted(set(TABLE) - BY_CITIZEN_ACCOUNT))
def test_each_status_and_action(county, items, action):
    """Given an application standing in each status in turn, with the facts the action's guard needs, when
    county_admin takes the action, then it leads where TABLE says and is offered; anywhere else it is refused
    with 409, not offered, and nothing is written."""
    actor = county.people["county_admin"]
    wrong = []
    for status in STATUSES:
        case = application_in(status, county, items, GUARD_FACTS.get(action, {}))
        wrong += mismatches(case, action, TABLE[action].get(status, REFUSED), actor)
    assert not wrong, "\n".join(wrong)


def test_actions_offered_in_each_status(county, items):
    """Given a 高龄津贴申领 application at 白帝镇 in each status in turn, when county_admin opens it, then the
    actions offered are exactly those of OFFERED."""
    admin = county.people["county_admin"]
    wrong = []
    for status in STATUSES:
        got = offered(application_in(status, county, items, {}), admin)
        if got != OFFERED[status]:
            wrong.append(f"{status}: offered {sorted(got)}, expected {sorted(OFFERED[status])}")
    assert not wrong, "\n".join(wrong)


# Applications whose facts an action's guard does not accept, and two it does: (action, status, facts,
# expected outcome, why).
COUNTY_DECIDES = "at 白帝镇: the township may not decide what the county implements"
GUARDED: list[tuple[str, str, dict[str, Any], str, str]] = [
    ("approve", "in_progress", {}, REFUSED, COUNTY_DECIDES),
    ("deny", "in_progress", {}, REFUSED, COUNTY_DECIDES),
    ("forward", "in_progress", DECIDED_AT_THE_COUNTY, REFUSED, "already with the implementing unit"),
    ("forward", "in_progress", {"item": "subsistence"}, REFUSED, "低保 is delegated down: 白帝镇 decides"),
    ("approve", "in_progress", {"item": "subsistence"}, "completed", "低保 is delegated down: 白帝镇 decides"),
    ("rate", "completed", {}, REFUSED, "the result has not been delivered"),
    ("deliver", "completed", {"application": DELIVERED}, REFUSED, "the result was already delivered"),
    ("request_supplement", "submitted", {"application": {"notice_sent_at": True}}, REFUSED, "a notice was sent"),
    ("extend", "accepted", {"extended": True}, REFUSED, "the limit was already extended once"),
    ("extend", "in_progress", {"extended": True}, REFUSED, "the limit was already extended once"),
    ("appeal_rating", "closed", {"case": {"rating": 5}, "application": DELIVERED}, REFUSED, "rated 非常满意"),
    ("review_appeal", "closed", {"case": {"rating": 1}, "application": DELIVERED}, REFUSED, "no appeal to review"),
]


def test_guarded_actions_need_their_facts(county, items):
    """Given applications whose facts an action's guard does not accept, when county_admin takes it, then it
    is not offered, is refused with 409 and nothing is written (and 低保, delegated down, is decided at 白帝镇)."""
    actor = county.people["county_admin"]
    wrong = []
    for action, status, facts, expected, why in GUARDED:
        case = application_in(status, county, items, facts)
        wrong += [f"{m} [{facts}: {why}]" for m in mismatches(case, action, expected, actor)]
    assert not wrong, "\n".join(wrong)
