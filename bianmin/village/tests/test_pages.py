"""The staff pages' forms: drafting (a refusal shown on the form, nothing written), the publication's action
buttons from the transition table, and recording a meeting step (the verdict computed, an invalid one shown)."""

from __future__ import annotations

from bianmin.village import decisions
from bianmin.village.models import DecisionStep, Publication
from bianmin.village.tests.factories import register


def test_drafting_signing_and_publishing_through_the_pages(village, client):
    client.force_login(village.people["cadre_a"])
    code = village["huanhua"].code
    bad = client.post("/village/new/", {"village": code, "category": "finance", "title": "", "body": "正文"})
    assert bad.status_code == 400 and not Publication.objects.exists()
    done = client.post(
        "/village/new/", {"village": code, "category": "finance", "title": "三月财务公开", "body": "收入100元。"}
    )
    pub = Publication.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/village/p/{pub.pk}/"
    page = client.get(f"/village/p/{pub.pk}/").content.decode()
    assert 'data-action="edit"' in page and 'data-action="sign"' not in page  # the cadre cannot sign
    client.force_login(village.people["monitor"])
    page = client.get(f"/village/p/{pub.pk}/").content.decode()
    assert 'data-action="sign"' in page and 'data-action="edit"' not in page
    client.post(f"/village/p/{pub.pk}/act/", {"action": "sign", "note": "属实"})
    client.force_login(village.people["cadre_a"])
    client.post(f"/village/p/{pub.pk}/act/", {"action": "publish"})
    pub.refresh_from_db()
    assert pub.status == "published" and pub.current.remarks == "属实"
    page = client.get(f"/village/p/{pub.pk}/").content.decode()
    assert "一百元" in page and f"/village/board/{code}/{pub.pk}/v1/" in page  # broadcast script, group text


def test_recording_a_meeting_through_the_page(village, client):
    register(village["huanhua"])
    cadre = village.people["cadre_a"]
    d = decisions.start_decision(actor=cadre, village=village["huanhua"], title="修建文化广场")
    client.force_login(cadre)
    form = {"step": "1", "meeting_type": "branch_committee", "held_on": "2026-03-01", "present": "2", "votes_for": "2"}
    client.post(f"/village/decisions/{d.pk}/", form)
    row = DecisionStep.objects.get()
    assert (row.entitled, row.valid) == (5, False)  # 2 of 5 members: no quorum
    page = client.get(f"/village/decisions/{d.pk}/").content.decode()
    assert "到会成员未超过半数" in page
    client.post(f"/village/decisions/{d.pk}/", {**form, "present": "abc"})
    assert DecisionStep.objects.count() == 1  # bad input: a message, nothing written


def test_a_cadre_starts_a_decision_from_the_page(village, client):
    from bianmin.village.models import Decision

    client.force_login(village.people["cadre_a"])
    form = {"village": village["huanhua"].code, "title": "修建村道", "kind": "major", "amount": "52,000.50"}
    started = client.post("/village/decisions/", form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    decision = Decision.objects.get()
    assert started.status_code == 302 and started["Location"] == f"/village/decisions/{decision.pk}/"
    assert (decision.title, decision.amount_fen, decision.village) == ("修建村道", 5200050, village["huanhua"])
    for bad in ({"amount": "五万"}, {"amount": "-1"}, {"amount": "1.234"}, {"title": ""}):
        refused = client.post("/village/decisions/", {**form, **bad}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert refused.status_code == 400 and 'class="error"' in refused.content.decode()
    assert Decision.objects.count() == 1  # nothing half-written
