"""The staff and public forms that record what happened: a project's start, payments and completion; a meeting
of a decision; a villager's question. A refusal keeps what was typed and says at each field what is wrong, in
the reader's language and never with the field's code name; a date ahead of today is refused."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.village import decisions, services
from bianmin.village.choices import ProjectStatus, PublicationAction
from bianmin.village.models import DecisionStep, Disbursement, Project, Publication
from bianmin.village.tests.factories import project, published, register
from bianmin.village.tests.test_pages_records import ZH, errors_of


def noticed(village) -> Project:
    """A project of 浣花村 whose prior notice was published a month ago."""
    cadre = village.people["cadre_a"]
    p = project(village["huanhua"], cadre, budget_fen=1_000_000)
    services.act(p.prior_notice, PublicationAction.SIGN, actor=village.people["monitor"])
    services.act(p.prior_notice, PublicationAction.PUBLISH, actor=cadre)
    Publication.objects.filter(pk=p.prior_notice_id).update(first_published_on=timezone.localdate() - timedelta(30))
    return Project.objects.get(pk=p.pk)


def test_the_cadre_starts_pays_and_completes_a_project_on_its_page(village, client):
    p = noticed(village)
    work = f"/village/projects/{p.pk}/work/"
    today, tomorrow = timezone.localdate(), timezone.localdate() + timedelta(days=1)
    client.force_login(village.people["cadre_a"])
    assert 'id="start-work"' in client.get(f"/village/projects/{p.pk}/").content.decode()
    # A start dated ahead is refused at its field
    ahead = client.post(work, {"action": "start", "on": f"{tomorrow}"}, **ZH)
    assert (
        ahead.status_code == 400
        and errors_of(ahead) == ["不能晚于今天。"]
        and f'value="{tomorrow}"' in ahead.content.decode()
    )
    assert client.post(work, {"action": "start", "on": f"{today}"}).status_code == 302
    pay = {
        "action": "pay",
        "paid_on": f"{today}",
        "payee_name": "奉节县路桥公司",
        "amount": "6,000",
        "voucher": "记-001",
    }
    # Amounts in yuan; a bad one, a day ahead, a payment past the budget: each at its field, nothing written
    for bad, field, message in (
        ({"amount": "六千"}, "amount", "请按元填写金额"),
        ({"paid_on": f"{tomorrow}"}, "paid_on", "不能晚于今天"),
        ({"amount": "10000.01"}, "amount", "超过项目预算"),
        ({"payee_code": "123"}, "payee_code", "身份证号码"),
    ):
        refused = client.post(work, pay | bad, **ZH)
        assert refused.status_code == 400 and message in errors_of(refused)[0], bad
        at_field = re.search(rf'name="{field}"[^>]*>\s*<p class="error">([^<]+)', refused.content.decode())
        assert at_field and message in at_field.group(1), bad  # shown under the field it is about
        assert 'value="奉节县路桥公司"' in refused.content.decode()  # what was typed stays
    assert not Disbursement.objects.exists()
    done = client.post(work, pay, follow=True, **ZH).content.decode()
    assert "支出已登记入账" in done and "6,000.00" in done
    assert Project.objects.get(pk=p.pk).disbursed_fen == 600_000
    # Completed: its notice is drafted, and the page offers payments still but no second completion
    client.post(work, {"action": "complete", "on": f"{today}", "summary": "按期完工"})
    p.refresh_from_db()
    page = client.get(f"/village/projects/{p.pk}/").content.decode()
    assert p.status == ProjectStatus.COMPLETED and p.completion_notice is not None
    assert 'id="pay"' in page and 'id="complete"' not in page


def test_only_the_village_keepers_see_and_use_the_work_forms(village, client):
    p = noticed(village)
    client.force_login(village.people["township_leader"])
    assert 'id="start-work"' not in client.get(f"/village/projects/{p.pk}/").content.decode()
    refused = client.post(f"/village/projects/{p.pk}/work/", {"action": "start", "on": f"{timezone.localdate()}"})
    assert refused.status_code == 403 and Project.objects.get(pk=p.pk).status == ProjectStatus.NOTICED
    client.force_login(village.people["cadre_a"])
    assert client.post(f"/village/projects/{p.pk}/work/", {"action": "nothing"}).status_code == 400


def test_a_refused_meeting_stays_on_the_form_with_its_messages(village, client):
    register(village["huanhua"])
    d = decisions.start_decision(actor=village.people["cadre_a"], village=village["huanhua"], title="修建文化广场")
    client.force_login(village.people["cadre_a"])
    page = client.get(f"/village/decisions/{d.pk}/", **ZH).content.decode()
    # Only the meeting the step needs is offered, with how many may attend it
    assert "党支部委员会 · 应到5人" in page and "村民代表会议" not in page.split('id="record-meeting"')[1]
    form = {"step": "1", "meeting_type": "branch_committee", "held_on": "2026-03-01", "present": "9", "votes_for": "9"}
    too_many = client.post(f"/village/decisions/{d.pk}/", form, **ZH)
    assert too_many.status_code == 400 and errors_of(too_many) == ["实到人数超过应到人数。"]
    assert "present" not in " ".join(errors_of(too_many)) and 'value="2026-03-01"' in too_many.content.decode()
    tomorrow = f"{timezone.localdate() + timedelta(days=1)}"
    ahead = client.post(f"/village/decisions/{d.pk}/", form | {"held_on": tomorrow, "present": "5"}, **ZH)
    assert ahead.status_code == 400 and errors_of(ahead) == ["不能晚于今天。"]
    typo = client.post(f"/village/decisions/{d.pk}/", form | {"present": "五"}, **ZH)
    assert typo.status_code == 400 and errors_of(typo) == ["请输入整数。"]
    assert not DecisionStep.objects.exists()
    # Full-width digits, as a Chinese input method types them, are read
    done = client.post(f"/village/decisions/{d.pk}/", form | {"present": "５", "votes_for": "５"}, follow=True, **ZH)
    assert "会议已登记：有效" in done.content.decode() and DecisionStep.objects.get().present == 5
    # The meeting is named, not coded
    assert (
        "党支部委员会" in done.content.decode().split("<tbody>")[1] and "branch_committee" not in done.content.decode()
    )


def test_a_villager_s_refused_question_keeps_the_text_and_names_no_field_code(village, client):
    pub = published(village["huanhua"], village.people["cadre_a"], village.people["monitor"])
    url = f"/village/board/{village['huanhua'].code}/{pub.pk}/ask/"
    refused = client.post(url, {"name": "张大山", "phone": "123", "text": "支出8,000元用在哪里？"}, **ZH)
    page = refused.content.decode()
    assert refused.status_code == 400 and "手机号码" in errors_of(refused)[0] and "citizen_phone" not in page
    assert "支出8,000元用在哪里？</textarea>" in page and not Case.objects.exists()
    done = client.post(url, {"name": "张大山", "phone": "13900001111", "text": "支出用在哪里？"}, follow=True, **ZH)
    assert "手机号码后4位" in done.content.decode() and Case.objects.count() == 1
    # At the hall, staff see the refusal without code names too
    client.force_login(village.people["cadre_a"])
    hall = client.post(f"/village/p/{pub.pk}/question/", {"name": "王", "phone": "1", "text": "问"}, follow=True, **ZH)
    assert "citizen_phone" not in hall.content.decode() and "手机号码" in hall.content.decode()


def test_the_report_shows_funds_in_yuan_and_words_of_the_village(village, client):
    project(village["huanhua"], village.people["cadre_a"], budget_fen=5_000_050)
    client.force_login(village.people["township_leader"])
    report = client.get("/village/report/", **ZH).content.decode()
    assert "50,000.50" in report and "5000050" not in report and "预算（元）" in report
    # Words another app translates otherwise keep the village's meaning
    decisions_page = client.get("/village/decisions/", **ZH).content.decode()
    assert "来访事项" not in decisions_page and "<th>事项</th>" in decisions_page
    # The menu offers the report only to those it opens for
    assert 'href="/village/report/"' in report
    client.force_login(village.people["monitor"])
    assert 'href="/village/report/"' not in client.get("/village/", **ZH).content.decode()
