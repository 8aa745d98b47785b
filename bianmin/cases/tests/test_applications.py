"""The application workflow (办件, DESIGN §2.2, §4.2) as the people who use it would check it: village proxy
filing, the one-time notice and its 5-working-day rule, paused and extended clocks across holidays, the
decision at the right level, delivery, trips, and items versioned under filed applications."""

from __future__ import annotations

from datetime import datetime

import pytest

from bianmin.cases import sla
from bianmin.cases.choices import CaseStatus, Channel, Decision
from bianmin.cases.errors import CaseError
from bianmin.cases.events import verify_chains
from bianmin.cases.models import Case, CaseDocument
from bianmin.cases.services import allowed_actions, perform
from bianmin.cases.tests.factories import new_application
from bianmin.catalog.services import update_item
from bianmin.catalog.tests.factories import content, new_item
from bianmin.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.org.permissions import Permission


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=sla.SHANGHAI)


def test_a_village_cadre_files_for_a_villager_and_the_township_checks_it(county, items):
    cadre = county.people["cadre_a"]
    case = new_application(cadre, items.allowance, village=county["huanhua"], received_at=at("2026-09-30T10:00"))
    application = case.application
    assert (case.workflow, case.status, case.unit) == ("application", CaseStatus.SUBMITTED, county["baidi"])
    assert (case.village, case.origin_unit, case.channel) == (
        county["huanhua"],
        county["huanhua"],
        Channel.VILLAGE_HALL,
    )
    assert (application.proxy, application.trips, case.citizen) == (cadre, 0, county.people["villager"])
    assert application.item_version == items.allowance.current
    # The one-time notice is due 5 working days after receipt: National Day and its make-up Saturday.
    assert application.notice_due_at == case.due_at == at("2026-10-13T23:59:59")
    for who in ("villager", "cadre_a", "township_staff", "supervisor"):
        assert Case.objects.restrict(county.people[who], Permission.CASE_VIEW).filter(pk=case.pk).exists(), who
    for who in ("cadre_b", "outsider", "mzj_staff"):
        person = county.people.get(who) or items.mzj_staff
        assert not Case.objects.restrict(person, Permission.CASE_VIEW).filter(pk=case.pk).exists(), who


def test_proxy_filing_needs_an_item_that_allows_it_and_a_village_the_cadre_serves(county, items):
    with pytest.raises(InvalidInput) as no_proxy:
        new_application(county.people["cadre_a"], items.disability, village=county["huanhua"])
    assert "channel" in no_proxy.value.fields
    with pytest.raises(PermissionDenied):
        new_application(county.people["cadre_b"], items.allowance, village=county["huanhua"])
    with pytest.raises(InvalidInput) as no_village:
        new_application(county.people["cadre_a"], items.allowance)
    assert "village" in no_village.value.fields


def test_a_window_of_the_county_hall_takes_in_for_a_department_and_counts_the_trip(county, items):
    case = new_application(county.people["window"], items.disability, channel=Channel.WINDOW)
    assert (case.unit, case.application.trips, case.application.proxy) == (items.disability.unit, 1, None)
    assert case.unit.code == "500236-CL"


def test_a_citizen_applies_online_for_themselves(county, items):
    villager = county.people["villager"]
    case = new_application(villager, items.pension, channel=Channel.WEB, village=county["huanhua"])
    assert (case.citizen, case.status, case.unit) == (villager, CaseStatus.SUBMITTED, county["baidi"])
    with pytest.raises(InvalidInput):
        new_application(villager, items.disability, channel=Channel.WEB)  # a window-only item


def test_the_one_time_notice_lists_every_missing_material_and_stops_the_clock(county, items):
    staff = county.people["township_staff"]
    case = new_application(county.people["cadre_a"], items.allowance, village=county["huanhua"])
    materials = list(items.allowance.current.materials.order_by("position"))
    with pytest.raises(InvalidInput):
        perform(case, "request_supplement", actor=staff, missing=[99])
    case = perform(case, "request_supplement", actor=staff, missing=[2, 3], note="申请表需本人签字")
    assert case.status == CaseStatus.SUPPLEMENT and case.paused_at is not None
    assert [m["name"] for m in case.application.missing] == [materials[1].name, materials[2].name]
    notice = CaseDocument.objects.get(case=case)
    assert (notice.kind, notice.title) == ("supplement", "补正材料一次性告知书")
    assert notice.pdf[:5] == b"%PDF-"
    # Once: a second notice would not be "one time".
    supplement = next(t for t in allowed_actions(case, staff) if t.action == "supplement")
    assert supplement and "request_supplement" not in {t.action for t in allowed_actions(case, staff)}
    case = perform(case, "supplement", actor=staff, in_person=True)
    assert (case.status, case.paused_at, case.application.trips) == (CaseStatus.SUBMITTED, None, 1)
    assert not case.pauses.filter(ended_at__isnull=True).exists()
    with pytest.raises(Conflict):
        perform(case, "request_supplement", actor=staff, missing=[1])


def test_without_a_notice_in_5_working_days_the_application_counts_as_accepted_on_receipt(county, items):
    staff = county.people["township_staff"]
    case = new_application(
        county.people["cadre_a"], items.allowance, village=county["huanhua"], received_at=at("2026-09-30T10:00")
    )
    late = at("2026-10-14T09:00")
    with pytest.raises(Conflict) as too_late:
        perform(case, "request_supplement", actor=staff, missing=[1], at=late)
    assert too_late.value.code == CaseError.NOTICE_TOO_LATE
    with pytest.raises(Conflict):
        perform(case, "refuse", actor=staff, reason="不符合条件", proper_channel="无", at=late)
    case = perform(case, "accept", actor=staff, at=late)
    assert case.application.deemed_accepted and case.accepted_at == at("2026-09-30T10:00")
    # The promised 10 and legal 20 working days run from receipt, across National Day.
    assert case.due_at == at("2026-10-20T23:59:59")
    assert case.application.legal_due_at == at("2026-11-03T23:59:59")
    assert case.documents.get().kind == "acceptance"


def test_within_5_working_days_acceptance_dates_from_the_day_it_is_accepted(county, items):
    staff = county.people["township_staff"]
    case = new_application(
        county.people["cadre_a"], items.allowance, village=county["huanhua"], received_at=at("2026-09-30T10:00")
    )
    case = perform(case, "accept", actor=staff, at=at("2026-10-13T17:00"))
    assert not case.application.deemed_accepted and case.accepted_at == at("2026-10-13T17:00")
    assert case.due_at == at("2026-10-27T23:59:59")
    assert list(verify_chains()) == []  # a history replayed in Asia/Shanghai time verifies like any other


def test_special_procedures_pause_and_one_extension_moves_both_limits_across_holidays(county, items):
    staff, leader = county.people["township_staff"], county.people["township_leader"]
    case = new_application(
        county.people["cadre_a"], items.subsistence, village=county["huanhua"], received_at=at("2026-09-28T09:00")
    )
    case = perform(case, "accept", actor=staff, at=at("2026-09-29T09:00"))
    # 低保: promised 20, legal 30 working days from 29 September, National Day and 10 October counted right.
    assert case.due_at == at("2026-11-02T23:59:59")
    assert case.application.legal_due_at == at("2026-11-16T23:59:59")
    case = perform(case, "review", actor=staff, handler="township_staff", at=at("2026-09-29T10:00"))
    with pytest.raises(InvalidInput):
        perform(case, "special_procedure", actor=staff, procedure="party", reason="x", at=at("2026-09-30T16:00"))
    case = perform(
        case,
        "special_procedure",
        actor=staff,
        procedure="on_site",
        reason="入户调查核实家庭经济状况",
        at=at("2026-09-30T16:00"),
    )
    assert case.status == CaseStatus.PAUSED
    case = perform(case, "resume", actor=staff, at=at("2026-10-09T09:00"))
    # Paused over 8 and 9 October: two working days given back to both limits.
    assert case.due_at == at("2026-11-04T23:59:59")
    assert case.application.legal_due_at == at("2026-11-18T23:59:59")
    with pytest.raises(PermissionDenied):
        perform(case, "extend", actor=staff, amount=10, reason="需公示7天", at=at("2026-10-12T09:00"))
    with pytest.raises(InvalidInput):
        perform(case, "extend", actor=leader, amount=11, reason="需公示7天", at=at("2026-10-12T09:00"))
    case = perform(case, "extend", actor=leader, amount=10, reason="需在村公示7天", at=at("2026-10-12T09:00"))
    assert case.due_at == at("2026-11-18T23:59:59")
    assert case.application.legal_due_at == at("2026-12-02T23:59:59")
    with pytest.raises(Conflict):  # once only
        perform(case, "extend", actor=leader, amount=1, reason="再延", at=at("2026-10-13T09:00"))


def test_the_township_forwards_what_the_county_decides_and_the_county_delivers(county, items):
    staff, dept = county.people["township_staff"], items.mzj_staff
    case = new_application(county.people["cadre_a"], items.allowance, village=county["huanhua"])
    case = perform(case, "accept", actor=staff)
    case = perform(case, "review", actor=staff, handler="township_staff")
    offered = {t.action for t in allowed_actions(case, staff)}
    assert "forward" in offered and "approve" not in offered
    with pytest.raises(Conflict):
        perform(case, "approve", actor=staff)
    case = perform(case, "forward", actor=staff, note="经入户核实，申请人年满80周岁，符合条件，报县民政局审批。")
    assert (case.unit, case.status, case.handler) == (items.mzj, CaseStatus.ACCEPTED, None)
    case = perform(case, "review", actor=dept, handler="mzj_staff")
    case = perform(case, "approve", actor=dept, note="自次月起按月发放高龄津贴。")
    application = case.application
    assert (case.status, application.decision) == (CaseStatus.COMPLETED, Decision.APPROVED)
    assert case.completed_on_time and application.within_legal_limit
    assert application.delivery_due_at is not None
    assert "rate" not in {t.action for t in allowed_actions(case, dept)}  # rated after delivery
    case = perform(case, "deliver", actor=dept, delivery_method="village_proxy")
    assert case.application.trips == 0  # 不出村: the villager never went to an office
    case = perform(case, "rate", actor=county.people["villager"], rating=5)
    assert case.status == CaseStatus.CLOSED
    kinds = list(case.documents.values_list("kind", flat=True))
    assert kinds == ["acceptance", "decision"]
    assert case.documents.get(kind="decision").title == "准予高龄津贴申领决定书"
    assert list(verify_chains()) == []


def test_a_delegated_item_is_decided_by_the_township_and_a_denial_gives_reasons(county, items):
    staff = county.people["township_staff"]
    case = new_application(county.people["cadre_a"], items.subsistence, village=county["huanhua"])
    case = perform(case, "accept", actor=staff)
    case = perform(case, "review", actor=staff, handler="township_staff")
    assert "forward" not in {t.action for t in allowed_actions(case, staff)}
    with pytest.raises(InvalidInput):
        perform(case, "deny", actor=staff, reason="  ")
    case = perform(case, "deny", actor=staff, reason="家庭人均收入高于当地低保标准。")
    assert case.application.decision == Decision.DENIED and case.reply == "家庭人均收入高于当地低保标准。"
    assert case.documents.get(kind="decision").title == "不予准予最低生活保障申请决定书"


def test_not_accepting_names_the_right_agency_and_issues_the_notice(county, items):
    staff = county.people["township_staff"]
    case = new_application(county.people["cadre_a"], items.allowance, village=county["huanhua"])
    case = perform(case, "request_supplement", actor=staff, missing=[1])
    case = perform(case, "refuse", actor=staff, reason="申请人户籍不在本镇", proper_channel="户籍所在地乡镇人民政府")
    assert case.status == CaseStatus.REFUSED and case.paused_at is None
    assert not case.pauses.filter(ended_at__isnull=True).exists()
    assert list(case.documents.values_list("kind", flat=True)) == ["supplement", "refusal"]


def test_an_application_keeps_the_item_version_it_was_filed_under(county, items):
    before = new_application(county.people["cadre_a"], items.allowance, village=county["huanhua"])
    update_item(
        items.allowance, actor=None, content=content("高龄津贴申领", items.mzj, promised_limit=5, legal_limit=15)
    )
    items.allowance.refresh_from_db()
    after = new_application(county.people["cadre_a"], items.allowance, village=county["huanhua"])
    assert before.application.item_version.number == 1 and after.application.item_version.number == 2
    before = perform(before, "accept", actor=county.people["township_staff"])
    assert (before.limit_value, before.application.legal_limit_value) == (10, 20)
    assert (after.limit_value, after.application.legal_limit_value) == (5, 15)


def test_the_sweep_accepts_applications_left_without_a_notice(county, items):
    from bianmin.cases.sweep import sweep

    case = new_application(
        county.people["cadre_a"], items.allowance, village=county["huanhua"], received_at=at("2026-09-30T10:00")
    )
    sweep(at("2026-10-14T00:30"))
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.application.deemed_accepted
    assert case.accepted_at == at("2026-09-30T10:00")
    assert case.events.order_by("-seq").first().data.get("by") == "system"


def test_the_applicant_hears_of_the_notice_and_the_decision_and_the_county_of_the_forward(county, items):
    from bianmin.cases.models import Notification

    staff, dept = county.people["township_staff"], items.mzj_staff
    case = new_application(county.people["cadre_a"], items.allowance, village=county["huanhua"])
    for actor, action, fields in [
        (staff, "request_supplement", {"missing": [1]}),
        (staff, "supplement", {}),
        (staff, "accept", {}),
        (staff, "review", {"handler": "township_staff"}),
        (staff, "forward", {"note": "报县民政局审批"}),
        (dept, "review", {"handler": "mzj_staff"}),
        (dept, "approve", {}),
    ]:
        case = perform(case, action, actor=actor, **fields)
    to_applicant = list(Notification.objects.filter(case=case, to_citizen=True).values_list("kind", "message"))
    assert [kind for kind, _text in to_applicant] == ["request_supplement", "accept", "approve"]
    first = items.allowance.current.materials.get(position=1).name
    assert "一次性告知" in to_applicant[0][1] and first in to_applicant[0][1] and case.number in to_applicant[2][1]
    assert Notification.objects.filter(case=case, kind="forward", unit=items.mzj).exists()


def test_an_extension_counts_working_days_even_on_a_limit_in_calendar_days(county, items):
    from bianmin.cases.choices import LimitUnit

    item = new_item(
        items.mzj, "高龄津贴申领", code="CALENDARLIMIT01", legal_limit=60, legal_limit_unit=LimitUnit.CALENDAR_DAYS
    )
    staff, leader = county.people["township_staff"], county.people["township_leader"]
    case = new_application(
        county.people["cadre_a"], item, village=county["huanhua"], received_at=at("2026-09-28T09:00")
    )
    case = perform(case, "accept", actor=staff, at=at("2026-09-29T09:00"))
    assert case.application.legal_due_at == at("2026-11-28T23:59:59")  # 60 calendar days
    assert case.due_at == at("2026-10-19T23:59:59")  # 10 working days
    case = perform(case, "extend", actor=leader, amount=10, reason="需在村公示7天", at=at("2026-10-12T09:00"))
    assert case.application.legal_due_at == at("2026-12-11T23:59:59")  # + 10 working days, not 10 days
    assert case.due_at == at("2026-11-02T23:59:59")


def test_a_citizen_applies_online_with_the_materials_and_answers_the_notice_online(county, items, client):
    """Given a signed-in villager on the pension item's page (online handling), when she files it with a scan of
    a material, the township sends the one-time notice, and she uploads the missing one and sends it online,
    then the files are on the case under the materials' names, the clock runs again, and she downloads the
    notice."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    villager, staff = county.people["villager"], county.people["township_staff"]
    client.force_login(villager)
    item = items.pension
    first, second = list(item.current.materials.order_by("position"))[:2]
    form = {
        "channel": "web",
        "village": county["huanhua"].code,
        "citizen_name": "王秀英",
        "citizen_phone": "13900001111",
        f"material_{first.pk}": SimpleUploadedFile("户口簿.pdf", b"%PDF-1.4 scan", content_type="application/pdf"),
    }
    filed = client.post(f"/cases/apply/{item.code}/", form)
    assert filed.status_code == 302, filed.content.decode()[:2000]
    case = Case.objects.filter(citizen=villager).latest("id")
    assert [a.name for a in case.attachments.all()] == [f"{first.name}-户口簿.pdf"]
    case = perform(case, "request_supplement", actor=staff, missing=[second.position])
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "补正材料一次性告知书" in page
    upload = SimpleUploadedFile("身份证.jpg", b"\xff\xd8\xff scan", content_type="image/jpeg")
    client.post(f"/cases/{case.number}/", {"action": "attach", "file": upload})
    version = Case.objects.get(pk=case.pk).version  # the attachment is in the history
    done = client.post(f"/cases/{case.number}/", {"action": "supplement", "supplement-version": version})
    assert done.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.paused_at, case.attachments.count()) == (CaseStatus.SUBMITTED, None, 2)
    notice = CaseDocument.objects.get(case=case, kind="supplement")
    download = client.get(f"/cases/{case.number}/notices/{notice.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:5] == b"%PDF-"


def test_the_cadre_who_filed_it_follows_up_the_supplement_and_still_sees_the_number_they_typed(county, items, client):
    """Given an application 浣花村's cadre filed for the villager (代办), now at 白帝镇 awaiting materials, when the
    cadre opens it, then the phone shows in full, and the cadre attaches the supplement and sends it; deciding
    stays with the township."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    cadre, staff = county.people["cadre_a"], county.people["township_staff"]
    case = new_application(cadre, items.allowance, village=county["huanhua"])
    case = perform(case, "request_supplement", actor=staff, missing=[2])
    client.force_login(cadre)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert case.citizen_phone in page
    offered = {t.action for t in allowed_actions(case, cadre)}
    assert {"supplement", "withdraw"} <= offered and "accept" not in offered
    upload = SimpleUploadedFile("签字的申请表.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    assert client.post(f"/cases/{case.number}/", {"action": "attach", "file": upload}).status_code == 302
    case = perform(Case.objects.get(pk=case.pk), "supplement", actor=cadre)
    assert (case.status, case.attachments.count()) == (CaseStatus.SUBMITTED, 1)
    with pytest.raises(PermissionDenied):  # a proxy follows up; deciding stays with the township
        perform(case, "accept", actor=cadre)
