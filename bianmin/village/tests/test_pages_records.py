"""The staff pages for projects, flags, the catalogue, rules and charters and declared relatives: a refusal is a
message on the field in the user's language and nothing written; what is done shows on the record."""

from __future__ import annotations

import re
from datetime import date

from bianmin.village import decisions
from bianmin.village.models import CatalogueItem, Charter, ConflictFlag, Decision, Project, Relative
from bianmin.village.tests.factories import credit_code, new_id, project, register

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def errors_of(response) -> list[str]:
    return re.findall(r'<p class="error"[^>]*>([^<]+)</p>', response.content.decode())


def project_form(village, **changes) -> dict[str, str]:
    form = {
        "village": village["huanhua"].code,
        "name": "四组产业路硬化",
        "place": "浣花村四组",
        "content": "硬化道路800米",
        "fund_source": "poverty",
        "budget": "52,000.50",
        "period_start": "2026-04-01",
        "period_end": "2026-06-30",
        "implementer": "浣花村村民委员会",
        "responsible": "孙主任",
        "beneficiaries": "46",
    }
    form.update(changes)
    return form


def test_a_cadre_creates_a_project_from_the_page_in_yuan(village, client):
    client.force_login(village.people["cadre_a"])
    for bad, field in (
        ({"budget": "五万"}, "budget"),
        ({"period_end": "2026-02-30"}, "period_end"),
        ({"name": ""}, "name"),
    ):
        refused = client.post("/village/projects/new/", project_form(village, **bad), **ZH)
        page = refused.content.decode()
        assert refused.status_code == 400 and f'id="id_{field}"' in page and errors_of(refused), bad
    assert (
        "请按元填写金额"
        in errors_of(client.post("/village/projects/new/", project_form(village, budget="1.234"), **ZH))[0]
    )
    assert not Project.objects.exists()  # nothing half-written
    done = client.post("/village/projects/new/", project_form(village), **ZH)
    p = Project.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/village/projects/{p.pk}/"
    assert (p.budget_fen, p.beneficiaries, p.period_end) == (5_200_050, 46, date(2026, 6, 30))
    assert p.prior_notice is not None and "52,000.50元" in p.prior_notice.body
    page = client.get(done["Location"], **ZH).content.decode()
    assert "52,000.50" in page and "事前公示" in page


def test_a_project_is_started_from_its_decision(village, client):
    cadre = village.people["cadre_a"]
    d = decisions.start_decision(actor=cadre, village=village["huanhua"], title="修建文化广场", amount_fen=8_000_000)
    client.force_login(cadre)
    assert "/village/projects/new/?decision=" in client.get(f"/village/decisions/{d.pk}/").content.decode()
    form = client.get(f"/village/projects/new/?decision={d.pk}").content.decode()
    assert 'value="修建文化广场"' in form and 'value="80000.00"' in form
    client.post("/village/projects/new/", project_form(village, decision=str(d.pk), name="修建文化广场"))
    assert Project.objects.get().decision == d
    assert "修建文化广场" in client.get(f"/village/decisions/{d.pk}/").content.decode()


def test_the_project_list_filters_by_village_and_status_and_counts_open_flags(village, client):
    cadre = village.people["cadre_a"]
    cadre.id_number = new_id()
    cadre.save()
    project(village["huanhua"], cadre, name="浣花村便民桥")
    project(village["huanhua"], cadre, name="浣花村干部承包路", contractor_name="某队", contractor_code=cadre.id_number)
    project(village["shima"], village.people["cadre_b"], name="石马村水池", place="石马村", implementer="石马村委会")
    client.force_login(village.people["township_leader"])
    everything = client.get("/village/projects/", **ZH).content.decode()
    assert all(name in everything for name in ("浣花村便民桥", "浣花村干部承包路", "石马村水池"))
    assert '<span class="tag">1</span>' in everything
    only = client.get(f"/village/projects/?village={village['shima'].code}").content.decode()
    assert "石马村水池" in only and "浣花村便民桥" not in only
    assert "石马村水池" not in client.get("/village/projects/?status=started").content.decode()
    client.force_login(village.people["cadre_b"])
    assert "浣花村" not in client.get("/village/projects/").content.decode().split("<tbody>")[1]


def test_the_township_closes_a_flag_on_the_project_page(village, client):
    cadre = village.people["cadre_a"]
    cadre.id_number = new_id()
    cadre.save()
    p = project(village["huanhua"], cadre, contractor_name="某队", contractor_code=cadre.id_number)
    flag = ConflictFlag.objects.get(project=p)
    client.force_login(cadre)
    assert 'class="stack close-flag"' not in client.get(f"/village/projects/{p.pk}/").content.decode()
    client.force_login(village.people["township_leader"])
    assert 'class="stack close-flag"' in client.get(f"/village/projects/{p.pk}/").content.decode()
    refused = client.post(f"/village/flags/{flag.pk}/close/", {"outcome": "cleared", "reason": ""}, **ZH)
    assert refused.status_code == 400 and errors_of(refused) == ["请填写原因。"]
    done = client.post(f"/village/flags/{flag.pk}/close/", {"outcome": "cleared", "reason": "同名不同人，经核实无关联"})
    assert done.status_code == 302
    page = client.get(f"/village/projects/{p.pk}/", **ZH).content.decode()
    assert "同名不同人，经核实无关联" in page and "经核实，不存在利益冲突" in page and flag.case.number in page
    again = client.post(f"/village/flags/{flag.pk}/close/", {"outcome": "handled", "reason": "再次"}, **ZH)
    assert again.status_code == 409 and "已由" in again.content.decode()


def test_the_one_matter_cap_is_shown_on_the_decision_form(village, client):
    client.force_login(village.people["cadre_a"])
    form = {"village": village["huanhua"].code, "title": "筹资修水池", "kind": "one_matter", "per_person": "20.01"}
    refused = client.post("/village/decisions/", form, **ZH)
    assert refused.status_code == 400 and "20.00" in errors_of(refused)[0] and not Decision.objects.exists()
    assert client.post("/village/decisions/", {**form, "per_person": "20"}).status_code == 302
    assert Decision.objects.get().per_person_fen == 2000


def test_the_catalogue_pages_add_change_retire_and_reinstate_an_item(village, client):
    client.force_login(village.people["cadre_a"])
    form = {
        "village": village["huanhua"].code,
        "category": "finance",
        "name": "",
        "cadence": "monthly",
        "due_day": "15",
        "starts_on": "2026-01-01",
        "channels": ["board", "broadcast"],
    }
    refused = client.post("/village/catalogue/", form, **ZH)
    assert (
        refused.status_code == 400 and errors_of(refused) == ["该字段为必填项。"] and not CatalogueItem.objects.exists()
    )
    assert client.post("/village/catalogue/", {**form, "name": "村级财务收支情况"}).status_code == 302
    item = CatalogueItem.objects.get()
    assert (item.due_day, item.channels) == (15, ["board", "broadcast"])
    listed = client.get("/village/catalogue/", **ZH).content.decode()
    assert "村级财务收支情况" in listed and "村务公开栏、村村响广播" in listed
    changed = client.post(f"/village/catalogue/{item.pk}/", {**form, "name": "村级财务收支明细", "due_day": "40"}, **ZH)
    assert changed.status_code == 400 and "1至31" in errors_of(changed)[0]
    client.post(f"/village/catalogue/{item.pk}/", {**form, "name": "村级财务收支明细", "legal_basis": "组织法第三十条"})
    item.refresh_from_db()
    assert (item.name, item.legal_basis) == ("村级财务收支明细", "组织法第三十条")
    client.force_login(village.people["monitor"])  # sees it, cannot change it
    assert 'id="change-item"' not in client.get(f"/village/catalogue/{item.pk}/").content.decode()
    assert client.post(f"/village/catalogue/{item.pk}/retire/").status_code == 403
    client.force_login(village.people["cadre_a"])
    client.post(f"/village/catalogue/{item.pk}/retire/")
    item.refresh_from_db()
    retired = client.get(f"/village/catalogue/{item.pk}/", **ZH).content.decode()
    assert not item.is_active and "已停用" in retired
    assert 'id="change-item"' not in retired and 'id="reinstate-item"' in retired
    # The monitor cannot reinstate it; the cadre can, and the page says from when it is scheduled again
    client.force_login(village.people["monitor"])
    assert 'id="reinstate-item"' not in client.get(f"/village/catalogue/{item.pk}/").content.decode()
    assert client.post(f"/village/catalogue/{item.pk}/reinstate/").status_code == 403
    client.force_login(village.people["cadre_a"])
    back = client.post(f"/village/catalogue/{item.pk}/reinstate/", follow=True, **ZH).content.decode()
    item.refresh_from_db()
    assert item.is_active and f"{item.starts_on:%Y-%m-%d}" in back and 'id="change-item"' in back
    # Reinstating twice says why on the page, without a change
    again = client.post(f"/village/catalogue/{item.pk}/reinstate/", follow=True, **ZH).content.decode()
    assert "未停用" in again


def valid_meeting(village):
    """A valid representatives' meeting of 浣花村 (step 4 of a decision)."""
    cadre = village.people["cadre_a"]
    register(village["huanhua"])
    d = decisions.start_decision(actor=cadre, village=village["huanhua"], title="修订村规民约")
    for step, kind, n in ((1, "branch_committee", 5), (2, "two_committees", 7), (3, "party_members", 30)):
        decisions.record_step(
            d, actor=cadre, step=step, meeting_type=kind, held_on=date(2026, 3, step), present=n, votes_for=n
        )
    return decisions.record_step(
        d, actor=cadre, step=4, meeting_type="representatives", held_on=date(2026, 3, 9), present=40, votes_for=36
    )


def test_rules_are_adopted_by_a_valid_meeting_and_versioned_on_the_pages(village, client):
    meeting = valid_meeting(village)
    client.force_login(village.people["cadre_a"])
    form = {"village": village["huanhua"].code, "kind": "rules", "title": "浣花村村规民约", "body": "第一条 ……"}
    refused = client.post("/village/charters/", {**form, "adopted_by": ""}, **ZH)
    assert refused.status_code == 400 and "有效会议" in errors_of(refused)[0] and not Charter.objects.exists()
    done = client.post("/village/charters/", {**form, "adopted_by": str(meeting.pk)})
    charter = Charter.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/village/charters/{charter.pk}/"
    page = client.get(done["Location"], **ZH).content.decode()
    assert "第1版" in page and "村民代表会议" in page and "草稿" in page and "40" in page
    # A new version by the same kind of meeting, its publication drafted
    client.post(done["Location"], {"title": "浣花村村规民约", "body": "第一条 修订后", "adopted_by": str(meeting.pk)})
    assert list(charter.versions.order_by("number").values_list("number", "publication__title")) == [
        (1, "浣花村村规民约（第1版）"),
        (2, "浣花村村规民约（第2版）"),
    ]
    listed = client.get("/village/charters/", **ZH).content.decode()
    assert "浣花村村规民约" in listed and '<td class="num">2</td>' in listed
    client.force_login(village.people["township_leader"])  # reads, does not adopt
    assert 'id="new-version"' not in client.get(done["Location"]).content.decode()
    assert client.post(done["Location"], {"title": "x", "body": "y", "adopted_by": str(meeting.pk)}).status_code == 403


def test_declared_relatives_show_identity_numbers_only_to_the_village_s_keepers(village, client):
    number, business = new_id(), credit_code(42)
    huanhua = village["huanhua"].code
    client.force_login(village.people["cadre_a"])
    refused = client.post(
        f"/village/relatives/{huanhua}/",
        {"of_name": "孙主任", "name": "孙小二", "relation": "儿子", "code": "123"},
        **ZH,
    )
    assert refused.status_code == 400 and "身份证号码" in errors_of(refused)[0] and not Relative.objects.exists()
    for name, relation, code in (("孙小二", "儿子", number), ("浣花建材店", "配偶经营的商店", business)):
        form = {"of_name": "孙主任", "name": name, "relation": relation, "code": code}
        assert client.post(f"/village/relatives/{huanhua}/", form).status_code == 302
    mine = client.get(f"/village/relatives/{huanhua}/").content.decode()
    assert number in mine and business in mine
    client.force_login(village.people["township_leader"])
    theirs = client.get(f"/village/relatives/{huanhua}/").content.decode()
    assert number not in theirs and business not in theirs and f"{number[:6]}********{number[-4:]}" in theirs
    assert "孙小二" in theirs and ">2<" in client.get("/village/relatives/").content.decode()
    assert (
        client.post(f"/village/relatives/{huanhua}/", {"of_name": "x", "name": "y", "relation": "z"}).status_code == 403
    )
    assert client.get(f"/village/relatives/{village['other_village'].code}/").status_code == 404


def test_the_lists_cost_the_same_queries_for_few_rows_and_many(village, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cadre = village.people["cadre_a"]
    client.force_login(village.people["township_leader"])
    paths = (
        "/village/projects/",
        "/village/catalogue/",
        "/village/charters/",
        f"/village/relatives/{village['huanhua'].code}/",
    )

    def queries() -> list[int]:
        counts = []
        for path in paths:
            with CaptureQueriesContext(connection) as seen:
                assert client.get(path).status_code == 200
            counts.append(len(seen))
        return counts

    def more(n: int) -> None:
        for i in range(n):
            project(village["huanhua"], cadre, name=f"项目{n}-{i}")
            CatalogueItem.objects.create(
                village=village["huanhua"],
                category="village",
                name=f"事项{n}-{i}",
                cadence="yearly",
                starts_on=date(2026, 1, 1),
            )
            Relative.objects.create(village=village["huanhua"], of_name="孙主任", name=f"亲属{n}-{i}", relation="侄子")

    more(1)
    few = queries()
    more(5)
    assert queries() == few


def test_the_new_pages_speak_english_too(village, client):
    client.force_login(village.people["cadre_a"])
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    refused = client.post("/village/projects/new/", project_form(village, budget="12万"), **en)
    assert errors_of(refused) == ["Enter the amount in yuan, like 52000 or 52000.50."]
    for path in ("/village/projects/", "/village/catalogue/", "/village/charters/", "/village/relatives/"):
        page = client.get(path, **en).content.decode()
        assert "Projects and funds" in page and "Declared relatives" in page, path


def test_huge_amounts_and_superscript_digits_are_field_errors_not_500s(village, client):
    client.force_login(village.people["cadre_a"])
    for bad, field in (({"budget": "1e30"}, "budget"), ({"beneficiaries": "²"}, "beneficiaries")):
        refused = client.post("/village/projects/new/", project_form(village, **bad), **ZH)
        page = refused.content.decode()
        assert refused.status_code == 400 and f'id="id_{field}"' in page and errors_of(refused), bad
    assert not Project.objects.exists()
    decision = {"village": village["huanhua"].code, "title": "筹资修水池", "kind": "one_matter", "per_person": "1e30"}
    refused = client.post("/village/decisions/", decision, **ZH)
    assert refused.status_code == 400 and errors_of(refused) and not Decision.objects.exists()
    refused = client.post(
        "/village/decisions/", {**decision, "kind": "major", "per_person": "", "amount": "1e30"}, **ZH
    )
    assert refused.status_code == 400 and errors_of(refused) and not Decision.objects.exists()
    item = {
        "village": village["huanhua"].code,
        "category": "finance",
        "name": "村级财务收支情况",
        "cadence": "monthly",
        "due_day": "²",
        "starts_on": "2026-01-01",
        "channels": ["board"],
    }
    refused = client.post("/village/catalogue/", item, **ZH)
    assert refused.status_code == 400 and "1至31" in errors_of(refused)[0] and not CatalogueItem.objects.exists()
    charter = {
        "village": village["huanhua"].code,
        "kind": "rules",
        "title": "村规民约",
        "body": "第一条",
        "adopted_by": "²",
    }
    refused = client.post("/village/charters/", charter, **ZH)
    assert refused.status_code == 400 and errors_of(refused) and not Charter.objects.exists()
