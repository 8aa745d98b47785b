"""The services: a publication's life and its frozen versions, the schedule, questions as cases, decisions step
by step, charters, projects with the prior notice, the ledger and the conflict-of-interest check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bianmin.cases.choices import Channel
from bianmin.cases.models import Case
from bianmin.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.village import decisions, projects, services
from bianmin.village.choices import (
    Cadence,
    DecisionKind,
    DecisionStatus,
    MeetingType,
    ProjectStatus,
    PublicationAction,
    PublicationStatus,
    PublicityCategory,
    Step,
)
from bianmin.village.errors import VillageError
from bianmin.village.models import CatalogueItem, ConflictFlag, Project, Publication, PublicationVersion, Relative
from bianmin.village.tests.factories import credit_code, new_id, project, published, register

CODE = credit_code(7)

A = PublicationAction


def test_a_publication_is_drafted_signed_published_and_its_text_frozen(village):
    cadre, monitor = village.people["cadre_a"], village.people["monitor"]
    pub = published(village["huanhua"], cadre, monitor)
    assert pub.status == PublicationStatus.PUBLISHED and pub.current.number == 1
    assert pub.current.intact() and pub.current.remarks == "已核对" and pub.current.signed_by == monitor
    # Published: the text cannot be edited, only corrected
    with pytest.raises(Conflict) as refused:
        services.act(pub, A.EDIT, actor=cadre, body="改过的")
    assert refused.value.code == VillageError.ILLEGAL_TRANSITION
    pub.current.body = "偷改"
    with pytest.raises(ValueError, match="cannot change"):
        pub.current.save()
    assert PublicationVersion.objects.get(pk=pub.current.pk).body == "本季度村集体收入12,345.60元，支出8,000元。"


def test_a_correction_is_a_new_version_that_shows_what_changed(village):
    cadre, monitor = village.people["cadre_a"], village.people["monitor"]
    pub = published(village["huanhua"], cadre, monitor)
    with pytest.raises(InvalidInput):
        services.act(pub, A.CORRECT, actor=cadre, body="本季度收入有误")  # no reason
    pub = services.act(pub, A.CORRECT, actor=cadre, body="本季度村集体收入12,346.60元，支出8,000元。", note="收入笔误")
    assert pub.status == PublicationStatus.DRAFT and pub.current.number == 1  # version 1 stays on the board
    with pytest.raises(Conflict):
        services.act(pub, A.PUBLISH, actor=cadre)  # not signed again
    services.act(pub, A.SIGN, actor=monitor)
    pub = services.act(pub, A.PUBLISH, actor=cadre)
    v1, v2 = pub.versions.order_by("number")
    assert (v1.number, v2.number) == (1, 2) and pub.current == v2 and v1.sha256 != v2.sha256
    assert v2.correction_reason == "收入笔误"
    assert "-本季度村集体收入12,345.60元" in v2.diff and "+本季度村集体收入12,346.60元" in v2.diff


def test_only_the_supervision_committee_signs_and_withdrawal_needs_a_reason(village):
    cadre, monitor = village.people["cadre_a"], village.people["monitor"]
    pub = services.draft_publication(
        actor=cadre, village=village["huanhua"], category=PublicityCategory.VILLAGE, title="低保名单", body="名单"
    )
    with pytest.raises(PermissionDenied):
        services.act(pub, A.SIGN, actor=cadre)
    with pytest.raises(PermissionDenied):
        services.act(pub, A.SIGN, actor=village.people["monitor_b"])  # another village's committee
    with pytest.raises(PermissionDenied):
        services.act(pub, A.EDIT, actor=monitor, body="x")
    services.act(pub, A.SIGN, actor=monitor)
    pub = services.act(pub, A.PUBLISH, actor=cadre)
    with pytest.raises(InvalidInput):
        services.act(pub, A.WITHDRAW, actor=cadre)
    pub = services.act(pub, A.WITHDRAW, actor=cadre, note="名单有误，核实后重发")
    assert pub.status == PublicationStatus.WITHDRAWN
    assert list(pub.events.values_list("action", flat=True)) == ["create", "sign", "publish", "withdraw"]


def test_the_schedule_creates_each_due_publication_once_and_shows_the_overdue(village):
    huanhua = village["huanhua"]
    CatalogueItem.objects.create(
        village=huanhua, category="finance", name="财务收支", cadence=Cadence.MONTHLY, starts_on=date(2026, 1, 1)
    )
    CatalogueItem.objects.create(
        village=huanhua, category="village", name="重大事项", cadence=Cadence.IMMEDIATE, starts_on=date(2026, 1, 1)
    )
    assert services.create_due_publications(date(2026, 4, 2)) == 3  # January to March
    assert services.create_due_publications(date(2026, 4, 2)) == 0  # idempotent
    assert services.create_due_publications(date(2026, 5, 1)) == 1
    pubs = Publication.objects.filter(village=huanhua)
    assert sorted(pubs.values_list("due_on", flat=True)) == [
        date(2026, 2, 20),
        date(2026, 3, 20),
        date(2026, 4, 20),
        date(2026, 5, 20),
    ]
    assert services.overdue(pubs, date(2026, 4, 21)).count() == 3
    assert services.scheduled_run(date(2026, 5, 1)) == "created 0 due publications, 3 overdue"
    assert pubs.first().events.count() == 1


def test_a_question_becomes_a_case_with_a_ten_day_limit(village):
    pub = published(village["huanhua"], village.people["cadre_a"], village.people["monitor"])
    case = services.ask_question(pub, actor=None, name="王大爷", phone="13900001111", text="支出8000元买了什么？")
    case = Case.objects.get(pk=case.pk)
    assert case.channel == Channel.NOTICE_QUESTION and case.unit == village["huanhua"]
    assert (case.limit_value, case.limit_unit) == (10, "calendar_days")
    assert case.due_at is not None and (case.due_at - case.received_at) >= timedelta(days=9)
    assert pub.questions.get().case == case
    with pytest.raises(InvalidInput):
        services.ask_question(pub, actor=None, name="王大爷", phone="123", text="?")


def meeting(decision, step, meeting_type, held_on, present, votes_for, **more):
    return decisions.record_step(
        decision,
        actor=more.pop("actor"),
        step=step,
        meeting_type=meeting_type,
        held_on=held_on,
        present=present,
        votes_for=votes_for,
        **more,
    )


def test_an_invalid_meeting_blocks_the_next_step_until_held_again(village):
    cadre = village.people["cadre_a"]
    register(village["huanhua"])
    d = decisions.start_decision(actor=cadre, village=village["huanhua"], title="修建村文化广场", amount_fen=8_000_000)
    meeting(d, Step.PROPOSAL, MeetingType.BRANCH_COMMITTEE, date(2026, 3, 1), 5, 5, actor=cadre)
    meeting(d, Step.CONSULTATION, MeetingType.TWO_COMMITTEES, date(2026, 3, 2), 7, 6, actor=cadre)
    # 19 of 30 Party members: below two thirds
    low = meeting(d, Step.PARTY_REVIEW, MeetingType.PARTY_MEMBERS, date(2026, 3, 5), 19, 19, actor=cadre)
    assert (low.entitled, low.valid, low.quorum) == (30, False, False)
    with pytest.raises(InvalidInput) as ahead:  # a meeting is recorded once held, never ahead
        meeting(
            d,
            Step.PARTY_REVIEW,
            MeetingType.PARTY_MEMBERS,
            timezone.localdate() + timedelta(days=1),
            30,
            30,
            actor=cadre,
        )
    assert list(ahead.value.fields) == ["held_on"]
    d.refresh_from_db()
    assert d.status == DecisionStatus.BLOCKED
    with pytest.raises(Conflict) as blocked:
        meeting(d, Step.RESOLUTION, MeetingType.REPRESENTATIVES, date(2026, 3, 8), 40, 40, actor=cadre)
    assert blocked.value.code == VillageError.STEP_BLOCKED
    # Held again with 20 present (exactly two thirds): valid, and the resolution can follow
    meeting(d, Step.PARTY_REVIEW, MeetingType.PARTY_MEMBERS, date(2026, 3, 9), 20, 11, abstaining=9, actor=cadre)
    meeting(d, Step.RESOLUTION, MeetingType.REPRESENTATIVES, date(2026, 3, 10), 30, 16, actor=cadre)
    d.refresh_from_db()
    assert d.status == DecisionStatus.RESOLVED and decisions.next_step(d) == Step.RESOLUTION_PUBLIC
    assert d.resolution.due_on == date(2026, 3, 15) and "应到45人，实到30人" in d.resolution.body


def test_one_matter_one_discussion_needs_two_thirds_approval(village):
    cadre = village.people["cadre_a"]
    register(village["huanhua"])
    d = decisions.start_decision(
        actor=cadre, village=village["huanhua"], title="筹资修水池", kind=DecisionKind.ONE_MATTER
    )
    for step, kind, n in ((1, "branch_committee", 5), (2, "two_committees", 7), (3, "party_members", 30)):
        meeting(d, step, kind, date(2026, 3, step), n, n, actor=cadre)
    row = meeting(d, Step.RESOLUTION, MeetingType.REPRESENTATIVES, date(2026, 3, 9), 30, 19, actor=cadre)
    assert row.quorum and not row.approved


def test_a_charter_is_adopted_only_by_a_valid_meeting(village):
    cadre = village.people["cadre_a"]
    register(village["huanhua"])
    d = decisions.start_decision(actor=cadre, village=village["huanhua"], title="修订村规民约")
    for step, kind, n in ((1, "branch_committee", 5), (2, "two_committees", 7), (3, "party_members", 30)):
        meeting(d, step, kind, date(2026, 3, step), n, n, actor=cadre)
    party = d.steps.get(step=3)
    with pytest.raises(Conflict):
        decisions.adopt_charter(
            actor=cadre,
            village=village["huanhua"],
            kind="rules",
            title="浣花村村规民约",
            body="第一条",
            adopted_by=party,
        )
    vote = meeting(d, Step.RESOLUTION, MeetingType.VILLAGERS, date(2026, 3, 9), 460, 300, actor=cadre)
    version = decisions.adopt_charter(
        actor=cadre, village=village["huanhua"], kind="rules", title="浣花村村规民约", body="第一条", adopted_by=vote
    )
    assert version.number == 1 and version.publication.status == PublicationStatus.DRAFT


def noticed_project(village, **fields):
    """A project whose prior notice was published a month ago (work is recorded as started on a past day)."""
    cadre, monitor = village.people["cadre_a"], village.people["monitor"]
    p = project(village["huanhua"], cadre, **fields)
    services.act(p.prior_notice, A.SIGN, actor=monitor)
    services.act(p.prior_notice, A.PUBLISH, actor=cadre)
    month_ago = timezone.localdate() - timedelta(days=30)
    Publication.objects.filter(pk=p.prior_notice_id).update(first_published_on=month_ago)
    p.refresh_from_db()
    return p


def test_the_prior_notice_must_be_displayed_ten_days_before_work_starts(village):
    cadre = village.people["cadre_a"]
    p = project(village["huanhua"], cadre)
    with pytest.raises(Conflict):
        projects.start_work(p, actor=cadre, on=timezone.localdate())  # not even published
    p = noticed_project(village)
    assert p.status == ProjectStatus.NOTICED
    day = p.prior_notice.first_published_on
    with pytest.raises(Conflict) as early:
        projects.start_work(p, actor=cadre, on=day + timedelta(days=9))
    assert early.value.code == VillageError.NOTICE_TOO_SHORT
    # Nor may a start be dated ahead, which would let work begin before the notice was displayed long enough
    fresh = noticed_project(village, name="四组便民路硬化")
    Publication.objects.filter(pk=fresh.prior_notice_id).update(first_published_on=timezone.localdate())
    with pytest.raises(InvalidInput) as ahead:
        projects.start_work(fresh, actor=cadre, on=timezone.localdate() + timedelta(days=10))
    assert list(ahead.value.fields) == ["on"]
    assert projects.start_work(p, actor=cadre, on=day + timedelta(days=10)).status == ProjectStatus.STARTED


def test_the_ledger_cannot_exceed_the_budget(village):
    cadre = village.people["cadre_a"]
    p = noticed_project(village, budget_fen=1_000_000)
    p = projects.start_work(p, actor=cadre, on=p.prior_notice.first_published_on + timedelta(days=10))
    pay = {"payee_name": "奉节县路桥公司", "payee_code": "", "paid_on": timezone.localdate(), "voucher": "记-001"}
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(InvalidInput) as ahead:
        projects.disburse(p, actor=cadre, amount_fen=600_000, **(pay | {"paid_on": tomorrow}))
    assert list(ahead.value.fields) == ["paid_on"] and not p.disbursements.exists()
    projects.disburse(p, actor=cadre, amount_fen=600_000, **pay)
    with pytest.raises(Conflict) as over:
        projects.disburse(p, actor=cadre, amount_fen=400_001, **pay)
    assert over.value.code == VillageError.OVER_BUDGET
    projects.disburse(p, actor=cadre, amount_fen=400_000, **pay)  # exactly the budget
    assert (
        Project.objects.get(pk=p.pk).disbursed_fen
        == 1_000_000
        == sum(p.disbursements.values_list("amount_fen", flat=True))
    )
    # And the database itself refuses a total past the budget
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=p.pk).update(disbursed_fen=1_000_001)


def test_a_cadre_contractor_is_flagged_and_a_case_opened_for_the_township(village):
    cadre = village.people["cadre_a"]
    cadre.id_number = new_id()
    cadre.save()
    p = project(village["huanhua"], cadre, contractor_name="某某", contractor_code=cadre.id_number)
    flag = ConflictFlag.objects.get(project=p)
    assert flag.role == "cadre" and flag.case is not None and flag.case.unit == village["baidi"]
    # A payee who is a declared relative of the supervision committee's member (a business: its credit code)
    Relative.objects.create(
        village=village["huanhua"],
        of_person=village.people["monitor"],
        of_name="郑监督",
        name="浣花建材店",
        code=CODE,
        relation="配偶经营的商店",
    )
    clean = project(village["huanhua"], cadre, contractor_name="奉节县路桥公司")
    assert not clean.flags.exists()
    flagged = projects.check_conflicts(clean, "浣花建材店", CODE, actor=cadre)
    assert [f.role for f in flagged] == ["relative"]
    # Same name, different identity number: another person
    assert projects.check_conflicts(clean, str(cadre), new_id(), actor=cadre) == []
    with pytest.raises(InvalidInput):
        project(village["huanhua"], cadre, contractor_code="123")


def test_the_completion_notice_is_step_six_of_the_decision(village):
    cadre, monitor = village.people["cadre_a"], village.people["monitor"]
    register(village["huanhua"], as_of=date(2020, 1, 1))
    d = decisions.start_decision(actor=cadre, village=village["huanhua"], title="便民路硬化")
    for step, kind, n in (
        (1, "branch_committee", 5),
        (2, "two_committees", 7),
        (3, "party_members", 30),
        (4, "representatives", 40),
    ):
        meeting(d, step, kind, date(2026, 1, step), n, n, actor=cadre)
    d.refresh_from_db()
    services.act(d.resolution, A.SIGN, actor=monitor)
    services.act(d.resolution, A.PUBLISH, actor=cadre)
    assert decisions.next_step(d) == Step.RESULT_PUBLIC
    p = noticed_project(village, decision=d)
    p = projects.start_work(p, actor=cadre, on=p.prior_notice.first_published_on + timedelta(days=10))
    for bad in (p.started_on - timedelta(days=1), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(InvalidInput):  # before it started, or a day still ahead
            projects.complete_project(p, actor=cadre, on=bad, summary="按期完工")
    pub = projects.complete_project(p, actor=cadre, on=timezone.localdate(), summary="按期完工")
    services.act(pub, A.SIGN, actor=monitor)
    services.act(pub, A.PUBLISH, actor=cadre)
    d.refresh_from_db()
    assert d.result == pub and d.status == DecisionStatus.DONE and decisions.next_step(d) is None


def test_the_completion_notice_is_not_the_result_of_a_decision_with_an_earlier_step_due(village):
    cadre, monitor = village.people["cadre_a"], village.people["monitor"]
    register(village["huanhua"], as_of=date(2020, 1, 1))
    d = decisions.start_decision(actor=cadre, village=village["huanhua"], title="便民路硬化")
    meeting(d, 1, "branch_committee", date(2026, 1, 1), 5, 5, actor=cadre)
    assert decisions.next_step(d) == Step.CONSULTATION
    p = noticed_project(village, decision=d)
    p = projects.start_work(p, actor=cadre, on=p.prior_notice.first_published_on + timedelta(days=10))
    pub = projects.complete_project(p, actor=cadre, on=timezone.localdate(), summary="按期完工")
    services.act(pub, A.SIGN, actor=monitor)
    services.act(pub, A.PUBLISH, actor=cadre)
    d.refresh_from_db()
    assert d.result is None and d.status != DecisionStatus.DONE
    assert decisions.next_step(d) == Step.CONSULTATION


def test_a_sign_in_sheet_is_stored_outside_the_lock_and_removed_when_the_meeting_is_refused(village):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cadre = village.people["cadre_a"]
    register(village["huanhua"])
    d = decisions.start_decision(actor=cadre, village=village["huanhua"], title="修建村文化广场")
    sheet = SimpleUploadedFile("签到表.jpg", b"\xff\xd8\xff sign-in", content_type="image/jpeg")
    row = meeting(d, Step.PROPOSAL, MeetingType.BRANCH_COMMITTEE, date(2026, 3, 1), 5, 5, actor=cadre, attachment=sheet)
    row.refresh_from_db()
    storage = row.attachment.storage
    assert row.attachment.name.startswith("village/meetings/") and storage.exists(row.attachment.name)
    assert row.attachment.read() == b"\xff\xd8\xff sign-in"
    row.attachment.close()
    before = set(storage.listdir(row.attachment.name.rsplit("/", 1)[0])[1])
    refused = SimpleUploadedFile("again.jpg", b"x", content_type="image/jpeg")
    with pytest.raises(Conflict):  # step 1 is done: the decision waits for step 2
        meeting(d, Step.PROPOSAL, MeetingType.BRANCH_COMMITTEE, date(2026, 3, 2), 5, 5, actor=cadre, attachment=refused)
    assert set(storage.listdir(row.attachment.name.rsplit("/", 1)[0])[1]) == before


def test_the_admin_keeps_catalogue_and_relatives_read_only_and_saves_registers_through_the_service(village, rf):
    from django.contrib.admin.sites import site

    from bianmin.village.models import Register

    request = rf.get("/")
    request.user = village.people["cadre_a"]
    for model in (CatalogueItem, Relative):
        admin = site._registry[model]
        assert not admin.has_add_permission(request)
        assert not admin.has_change_permission(request) and not admin.has_delete_permission(request)
    admin = site._registry[Register]
    assert not admin.has_delete_permission(request)

    class Form:
        cleaned_data = {"party_members": 30, "adults": 900, "households": 300, "representatives": 45}

    obj = Register(village=village["huanhua"], as_of=date(2026, 1, 1))
    admin.save_model(request, obj, Form(), False)
    assert obj.pk and (obj.adults, obj.committee_members) == (900, 7)
    Form.cleaned_data = {**Form.cleaned_data, "adults": 901}
    admin.save_model(request, obj, Form(), True)
    assert Register.objects.get().adults == 901
    request.user = village.people["cadre_b"]  # 石马村's cadre: not this village
    with pytest.raises(PermissionDenied):
        admin.save_model(request, Register(village=village["huanhua"], as_of=date(2026, 2, 1)), Form(), False)
