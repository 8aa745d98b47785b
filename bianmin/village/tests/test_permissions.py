"""Permission matrix over every village route and page (DESIGN §8; how the tables read:
bianmin/tests/route_matrix.py): each persona of the test county, the supervision committee member of 浣花村
(`monitor`) and an anonymous caller, against records of 浣花村. A village's cadre edits its records, its
supervision committee signs, the township and the county supervisor supervise the subtree, out of scope is
not found, and the public reads published records only."""

from __future__ import annotations

from datetime import date

import pytest

from bianmin.org.tests.test_api_permissions import PERSONAS
from bianmin.tests.route_matrix import ANONYMOUS, Callers, cell, page
from bianmin.village import services, views_public
from bianmin.village.choices import PublicationAction
from bianmin.village.models import ConflictFlag, Project, Publication
from bianmin.village.tests.factories import new_id, project, published, register

SIGNED_IN = [*PERSONAS, "monitor"]
EVERYONE = [*SIGNED_IN, ANONYMOUS]
VIEW = {"cadre_a", "monitor", "township_staff", "township_leader", "township_admin", "supervisor", "county_admin"}
CHANGE = {"cadre_a", "township_admin", "county_admin"}
SIGN = {"monitor", "township_admin", "county_admin"}
SUPERVISE = {"township_leader", "township_admin", "supervisor", "county_admin"}
INTAKE = {"cadre_a", "township_staff", "township_leader", "township_admin", "county_admin"}  # take in cases there
ANY_VIEW = VIEW | {"cadre_b", "inspector", "outsider"}  # hold the view somewhere
ANY_CHANGE = CHANGE | {"cadre_b", "outsider"}


def rest(*sets: set[str]) -> set[str]:
    return set(SIGNED_IN).difference(*sets)


def in_scope_only(allowed: set[str]) -> set[str]:
    """Who a page refuses (403) a write on a record of 浣花村: those who see it but lack the right, and those
    who hold the view nowhere."""
    return (VIEW - allowed) | rest(ANY_VIEW)


def scoped(ok: int, allowed: set[str]) -> dict:
    """In scope with the right: `ok`; in scope without it: 403; out of scope: 404; anonymous: 401."""
    return {ok: allowed, 403: VIEW - allowed, 404: rest(VIEW), 401: {ANONYMOUS}}


def created(ok: int, allowed: set[str]) -> dict:
    """A new record for 浣花村: who may write there; who sees it only; for the others it is not a village of
    their scope (a field error)."""
    return {ok: allowed, 403: VIEW - allowed, 400: rest(VIEW), 401: {ANONYMOUS}}


API = {
    "GET publication": {200: VIEW, 404: rest(VIEW), 401: {ANONYMOUS}},
    "GET publications": {200: set(SIGNED_IN), 401: {ANONYMOUS}},
    "POST publication": created(201, CHANGE),
    "POST sign": scoped(200, SIGN),
    "POST publish": scoped(200, CHANGE),
    "POST channel": scoped(201, CHANGE),
    "POST question": {201: INTAKE, 403: VIEW - INTAKE, 404: rest(VIEW), 401: {ANONYMOUS}},
    "GET decisions": {200: set(SIGNED_IN), 401: {ANONYMOUS}},
    "POST decision": created(201, CHANGE),
    "GET decision": {200: VIEW, 404: rest(VIEW), 401: {ANONYMOUS}},
    "POST step": scoped(201, CHANGE),
    "GET projects": {200: set(SIGNED_IN), 401: {ANONYMOUS}},
    "POST project": created(201, CHANGE),
    "GET project": {200: VIEW, 404: rest(VIEW), 401: {ANONYMOUS}},
    "POST start (too early)": scoped(409, CHANGE),
    "POST disbursement": scoped(201, CHANGE),
    "POST complete": scoped(200, CHANGE),
    "POST register": created(201, CHANGE),
    "GET report (白帝镇)": {200: SUPERVISE, 403: rest(SUPERVISE), 401: {ANONYMOUS}},
    "GET overdue": {200: SUPERVISE, 403: rest(SUPERVISE), 401: {ANONYMOUS}},
    "GET flags": {200: SUPERVISE, 403: rest(SUPERVISE), 401: {ANONYMOUS}},
    "GET public list": {200: set(EVERYONE)},
    "GET catalogue": {200: set(SIGNED_IN), 401: {ANONYMOUS}},
    "POST catalogue": created(201, CHANGE),
    "POST relative": created(201, CHANGE),
    "POST charter": created(201, CHANGE),
    "PUT catalogue item": scoped(200, CHANGE),
    "POST retire catalogue item": scoped(200, CHANGE),
    "POST reinstate catalogue item": scoped(200, CHANGE),
    "GET relatives": {200: set(SIGNED_IN), 401: {ANONYMOUS}},
    "POST close flag": scoped(200, SUPERVISE),
}

PAGES = {
    "home": {200: ANY_VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "new": {200: ANY_CHANGE, 403: rest(ANY_CHANGE), "login": {ANONYMOUS}},
    "publication": {200: VIEW, 404: ANY_VIEW - VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "act": {302: VIEW, 404: ANY_VIEW - VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "channel": {302: VIEW, 404: ANY_VIEW - VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "question": {302: INTAKE, 403: rest(ANY_VIEW) | (VIEW - INTAKE), 404: ANY_VIEW - VIEW, "login": {ANONYMOUS}},
    "decisions": {200: ANY_VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    # Started for 浣花村: by those who change its records; a cadre elsewhere is told to choose their own village.
    "start decision": {302: CHANGE, 400: ANY_CHANGE - CHANGE, 403: rest(ANY_CHANGE), "login": {ANONYMOUS}},
    "decision": {200: VIEW, 404: ANY_VIEW - VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "project": {200: VIEW, 404: ANY_VIEW - VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "projects": {200: ANY_VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "new project": {200: ANY_CHANGE, 403: rest(ANY_CHANGE), "login": {ANONYMOUS}},
    "create project": {302: CHANGE, 400: ANY_CHANGE - CHANGE, 403: rest(ANY_CHANGE), "login": {ANONYMOUS}},
    "close flag": {302: SUPERVISE, 403: in_scope_only(SUPERVISE), 404: ANY_VIEW - VIEW, "login": {ANONYMOUS}},
    "record payment": {302: CHANGE, 403: in_scope_only(CHANGE), 404: ANY_VIEW - VIEW, "login": {ANONYMOUS}},
    "catalogue": {200: ANY_VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "add catalogue item": {302: CHANGE, 400: ANY_CHANGE - CHANGE, 403: rest(ANY_CHANGE), "login": {ANONYMOUS}},
    "catalogue item": {200: VIEW, 404: ANY_VIEW - VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "change catalogue item": {302: CHANGE, 403: in_scope_only(CHANGE), 404: ANY_VIEW - VIEW, "login": {ANONYMOUS}},
    "retire catalogue item": {302: CHANGE, 403: in_scope_only(CHANGE), 404: ANY_VIEW - VIEW, "login": {ANONYMOUS}},
    "reinstate catalogue item": {
        302: CHANGE,
        403: in_scope_only(CHANGE),
        404: ANY_VIEW - VIEW,
        "login": {ANONYMOUS},
    },
    "charters": {200: ANY_VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "adopt charter": {302: CHANGE, 400: ANY_CHANGE - CHANGE, 403: rest(ANY_CHANGE), "login": {ANONYMOUS}},
    "charter": {200: VIEW, 404: ANY_VIEW - VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "charter version": {302: CHANGE, 403: in_scope_only(CHANGE), 404: ANY_VIEW - VIEW, "login": {ANONYMOUS}},
    "relative villages": {200: ANY_VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "relatives": {200: VIEW, 404: ANY_VIEW - VIEW, 403: rest(ANY_VIEW), "login": {ANONYMOUS}},
    "declare relative": {302: CHANGE, 403: in_scope_only(CHANGE), 404: ANY_VIEW - VIEW, "login": {ANONYMOUS}},
    "report": {200: SUPERVISE, 403: rest(SUPERVISE), "login": {ANONYMOUS}},
    "report.xlsx": {200: SUPERVISE, 403: rest(SUPERVISE), "login": {ANONYMOUS}},
    "board": {200: set(EVERYONE)},
    "public publication": {200: set(EVERYONE)},
    "public version": {200: set(EVERYONE)},
    "public pdf": {200: set(EVERYONE)},
    "screen": {200: set(EVERYONE)},
    "ask": {302: set(EVERYONE)},
}


def differences(observed, expected):
    return [
        f"{route} as {persona}: got {got!r}, expected {cell(expected[route], persona)!r}"
        for (route, persona), got in observed.items()
        if got != cell(expected[route], persona)
    ]


def started(village, **fields) -> Project:
    p = project(village["huanhua"], village.people["cadre_a"], **fields)
    notice = p.prior_notice
    services.act(notice, PublicationAction.SIGN, actor=village.people["monitor"])
    services.act(notice, PublicationAction.PUBLISH, actor=village.people["cadre_a"])
    Publication.objects.filter(pk=notice.pk).update(first_published_on=date(2026, 1, 1))
    Project.objects.filter(pk=p.pk).update(status="started", started_on=date(2026, 1, 20))
    return Project.objects.get(pk=p.pk)


def resolved(village):
    """A valid representatives' meeting of 浣花村 (step 4 of a decision), which can adopt a charter."""
    from bianmin.village import decisions

    cadre = village.people["cadre_a"]
    d = decisions.start_decision(actor=cadre, village=village["huanhua"], title="修订村规民约")
    for step, kind, n in (
        (1, "branch_committee", 5),
        (2, "two_committees", 7),
        (3, "party_members", 30),
        (4, "representatives", 40),
    ):
        row = decisions.record_step(
            d, actor=cadre, step=step, meeting_type=kind, held_on=date(2026, 3, step), present=n, votes_for=n
        )
    return row


PROJECT_FORM = {
    "name": "四组产业路",
    "place": "四组",
    "content": "硬化",
    "fund_source": "poverty",
    "budget": "1000",
    "period_start": "2026-04-01",
    "period_end": "2026-06-30",
    "implementer": "村委会",
    "responsible": "孙",
}


def flagged(village) -> ConflictFlag:
    """A new project of 浣花村 whose contractor is its cadre: an open flag."""
    cadre = village.people["cadre_a"]
    if not cadre.id_number:
        cadre.id_number = new_id()
        cadre.save()
    p = project(village["huanhua"], cadre, contractor_name="某队", contractor_code=cadre.id_number)
    return ConflictFlag.objects.get(project=p)


@pytest.fixture
def world(village):
    cadre, monitor = village.people["cadre_a"], village.people["monitor"]
    register(village["huanhua"])
    return {"pub": published(village["huanhua"], cadre, monitor), "cadre": cadre, "monitor": monitor}


def test_the_api_answers_each_persona_by_scope(village, world, api_as, client):
    from bianmin.village import decisions

    callers = Callers(village, api_as, client)
    huanhua, cadre, monitor, pub = village["huanhua"], world["cadre"], world["monitor"], world["pub"]
    resolution = resolved(village)
    observed = {}
    for persona in EVERYONE:
        api = callers.as_(persona)
        draft = services.draft_publication(actor=cadre, village=huanhua, category="village", title="草稿", body="正文")
        signed = services.draft_publication(actor=cadre, village=huanhua, category="village", title="待发", body="正文")
        services.act(signed, PublicationAction.SIGN, actor=monitor)
        d = decisions.start_decision(actor=cadre, village=huanhua, title="事项")
        waiting = project(huanhua, cadre)
        running, finishing = started(village), started(village)
        observed["GET publication", persona] = api.get(f"/village/publications/{pub.pk}").status_code
        observed["GET publications", persona] = api.get("/village/publications").status_code
        observed["POST publication", persona] = api.post(
            "/village/publications", {"village": huanhua.code, "category": "finance", "title": "标题", "body": "正文"}
        ).status_code
        observed["POST sign", persona] = api.post(
            f"/village/publications/{draft.pk}/actions", {"action": "sign"}
        ).status_code
        observed["POST publish", persona] = api.post(
            f"/village/publications/{signed.pk}/actions", {"action": "publish"}
        ).status_code
        observed["POST channel", persona] = api.post(
            f"/village/publications/{pub.pk}/channels", {"channel": "board", "place": "村委会公开栏"}
        ).status_code
        observed["POST question", persona] = api.post(
            f"/village/publications/{pub.pk}/questions", {"name": "王大爷", "phone": "13900001111", "text": "为什么？"}
        ).status_code
        observed["GET decisions", persona] = api.get("/village/decisions").status_code
        observed["POST decision", persona] = api.post(
            "/village/decisions", {"village": huanhua.code, "title": "修路"}
        ).status_code
        observed["GET decision", persona] = api.get(f"/village/decisions/{d.pk}").status_code
        observed["POST step", persona] = api.post(
            f"/village/decisions/{d.pk}/steps",
            {"step": 1, "meeting_type": "branch_committee", "held_on": "2026-03-01", "present": 5, "votes_for": 5},
        ).status_code
        observed["GET projects", persona] = api.get("/village/projects").status_code
        observed["POST project", persona] = api.post(
            "/village/projects",
            {
                "village": huanhua.code,
                "name": "路",
                "place": "三组",
                "content": "硬化",
                "period_start": "2026-03-01",
                "period_end": "2026-05-01",
                "implementer": "村委会",
                "responsible": "孙",
                "fund_source": "poverty",
                "budget_fen": 100000,
            },
        ).status_code
        observed["GET project", persona] = api.get(f"/village/projects/{waiting.pk}").status_code
        observed["POST start (too early)", persona] = api.post(
            f"/village/projects/{waiting.pk}/start", {"on": "2026-03-01"}
        ).status_code
        observed["POST disbursement", persona] = api.post(
            f"/village/projects/{running.pk}/disbursements",
            {"payee_name": "路桥公司", "amount_fen": 1000, "paid_on": "2026-02-01", "voucher": "记-1"},
        ).status_code
        observed["POST complete", persona] = api.post(
            f"/village/projects/{finishing.pk}/complete", {"on": "2026-05-01", "summary": "完工"}
        ).status_code
        observed["POST register", persona] = api.post(
            "/village/registers",
            {
                "village": huanhua.code,
                "as_of": "2026-02-01",
                "party_members": 31,
                "adults": 901,
                "households": 300,
                "representatives": 45,
            },
        ).status_code
        observed["GET report (白帝镇)", persona] = api.get(
            "/village/report", start="2026-01-01", end="2026-12-31", unit=village["baidi"].code
        ).status_code
        observed["GET overdue", persona] = api.get("/village/overdue").status_code
        observed["GET flags", persona] = api.get("/village/flags").status_code
        observed["GET public list", persona] = api.get(f"/village/public/{huanhua.code}/publications").status_code
        observed["GET catalogue", persona] = api.get("/village/catalogue").status_code
        observed["POST catalogue", persona] = api.post(
            "/village/catalogue",
            {
                "village": huanhua.code,
                "category": "finance",
                "name": f"财务{persona}",
                "cadence": "monthly",
                "starts_on": "2026-01-01",
            },
        ).status_code
        observed["POST relative", persona] = api.post(
            "/village/relatives", {"village": huanhua.code, "of_name": "孙主任", "name": "孙二", "relation": "弟弟"}
        ).status_code
        item = services.add_catalogue_item(
            actor=cadre,
            village=huanhua,
            category="village",
            name=f"事项{persona}",
            cadence="quarterly",
            starts_on=date(2026, 1, 1),
        )
        observed["PUT catalogue item", persona] = api.put(
            f"/village/catalogue/{item.pk}",
            {"category": "village", "name": f"事项{persona}", "cadence": "monthly", "channels": ["board"]},
        ).status_code
        observed["POST retire catalogue item", persona] = api.post(
            f"/village/catalogue/{item.pk}/retire", {}
        ).status_code
        retired = services.add_catalogue_item(
            actor=cadre,
            village=huanhua,
            category="village",
            name=f"停用{persona}",
            cadence="yearly",
            starts_on=date(2026, 1, 1),
        )
        services.retire_catalogue_item(retired, actor=cadre)
        observed["POST reinstate catalogue item", persona] = api.post(
            f"/village/catalogue/{retired.pk}/reinstate", {}
        ).status_code
        observed["GET relatives", persona] = api.get("/village/relatives").status_code
        flag = flagged(village)
        observed["POST close flag", persona] = api.post(
            f"/village/flags/{flag.pk}/close", {"outcome": "cleared", "reason": "经核实无关联"}
        ).status_code
        observed["POST charter", persona] = api.post(
            "/village/charters",
            {
                "village": huanhua.code,
                "kind": "rules",
                "title": "村规民约",
                "body": "第一条",
                "adopted_by": resolution.pk,
            },
        ).status_code
    assert differences(observed, API) == []


def test_the_pages_answer_each_persona_by_scope(village, world, api_as, client):
    from bianmin.village import decisions

    callers = Callers(village, api_as, client)
    huanhua, cadre, pub = village["huanhua"], world["cadre"], world["pub"]
    d = decisions.start_decision(actor=cadre, village=huanhua, title="事项")
    p = project(huanhua, cadre)
    meeting = resolved(village)
    charter = decisions.adopt_charter(
        actor=cadre, village=huanhua, kind="rules", title="浣花村村规民约", body="第一条", adopted_by=meeting
    ).charter
    code = huanhua.code
    observed = {}
    for persona in EVERYONE:
        callers.as_(persona)
        draft = services.draft_publication(actor=cadre, village=huanhua, category="village", title="草稿", body="正文")
        observed["home", persona] = page(client.get("/village/"))
        observed["new", persona] = page(client.get("/village/new/"))
        observed["publication", persona] = page(client.get(f"/village/p/{pub.pk}/"))
        observed["act", persona] = page(client.post(f"/village/p/{draft.pk}/act/", {"action": "sign"}))
        observed["channel", persona] = page(client.post(f"/village/p/{pub.pk}/channel/", {"channel": "board"}))
        observed["question", persona] = page(
            client.post(f"/village/p/{pub.pk}/question/", {"name": "王", "phone": "13900001111", "text": "问"})
        )
        observed["decisions", persona] = page(client.get("/village/decisions/"))
        observed["start decision", persona] = page(
            client.post("/village/decisions/", {"village": code, "title": "修建村道", "amount": "52000"})
        )
        observed["decision", persona] = page(client.get(f"/village/decisions/{d.pk}/"))
        observed["project", persona] = page(client.get(f"/village/projects/{p.pk}/"))
        observed["projects", persona] = page(client.get("/village/projects/"))
        observed["new project", persona] = page(client.get("/village/projects/new/"))
        observed["create project", persona] = page(
            client.post("/village/projects/new/", PROJECT_FORM | {"village": code})
        )
        payment = {
            "action": "pay",
            "paid_on": "2026-02-01",
            "payee_name": "路桥公司",
            "amount": "10",
            "voucher": "记-1",
        }
        observed["record payment", persona] = page(
            client.post(f"/village/projects/{started(village).pk}/work/", payment)
        )
        flag = flagged(village)
        observed["close flag", persona] = page(
            client.post(f"/village/flags/{flag.pk}/close/", {"outcome": "cleared", "reason": "经核实无关联"})
        )
        item = services.add_catalogue_item(
            actor=cadre,
            village=huanhua,
            category="village",
            name=f"事项{persona}",
            cadence="quarterly",
            starts_on=date(2026, 1, 1),
        )
        item_form = {"category": "village", "name": f"事项{persona}", "cadence": "monthly", "due_day": "20"}
        observed["catalogue", persona] = page(client.get("/village/catalogue/"))
        observed["add catalogue item", persona] = page(
            client.post(
                "/village/catalogue/",
                item_form | {"village": code, "name": f"新事项{persona}", "starts_on": "2026-01-01"},
            )
        )
        observed["catalogue item", persona] = page(client.get(f"/village/catalogue/{item.pk}/"))
        observed["change catalogue item", persona] = page(client.post(f"/village/catalogue/{item.pk}/", item_form))
        observed["retire catalogue item", persona] = page(client.post(f"/village/catalogue/{item.pk}/retire/"))
        retired = services.add_catalogue_item(
            actor=cadre,
            village=huanhua,
            category="village",
            name=f"停用{persona}",
            cadence="yearly",
            starts_on=date(2026, 1, 1),
        )
        services.retire_catalogue_item(retired, actor=cadre)
        observed["reinstate catalogue item", persona] = page(client.post(f"/village/catalogue/{retired.pk}/reinstate/"))
        adopt = {"title": "浣花村村规民约", "body": "第一条", "adopted_by": str(meeting.pk)}
        observed["charters", persona] = page(client.get("/village/charters/"))
        observed["adopt charter", persona] = page(
            client.post("/village/charters/", adopt | {"village": code, "kind": "charter"})
        )
        observed["charter", persona] = page(client.get(f"/village/charters/{charter.pk}/"))
        observed["charter version", persona] = page(client.post(f"/village/charters/{charter.pk}/", adopt))
        observed["relative villages", persona] = page(client.get("/village/relatives/"))
        observed["relatives", persona] = page(client.get(f"/village/relatives/{code}/"))
        observed["declare relative", persona] = page(
            client.post(f"/village/relatives/{code}/", {"of_name": "孙主任", "name": "孙二", "relation": "弟弟"})
        )
        observed["report", persona] = page(client.get("/village/report/"))
        observed["report.xlsx", persona] = page(client.get("/village/report.xlsx"))
        observed["board", persona] = page(client.get(f"/village/board/{code}/"))
        observed["public publication", persona] = page(client.get(f"/village/board/{code}/{pub.pk}/"))
        observed["public version", persona] = page(client.get(f"/village/board/{code}/{pub.pk}/v1/"))
        observed["public pdf", persona] = page(client.get(f"/village/board/{code}/{pub.pk}.pdf"))
        observed["screen", persona] = page(client.get(f"/village/board/{code}/screen/"))
        observed["ask", persona] = page(
            client.post(f"/village/board/{code}/{pub.pk}/ask/", {"name": "李", "phone": "13900002222", "text": "问"})
        )
    assert differences(observed, PAGES) == []
    # The staff's questions and the public ones became cases of this notice, the public ones up to the limit
    # of questions from one address in an hour (the test client always comes from the same one)
    assert pub.questions.count() == len(INTAKE) + views_public.QUESTIONS_PER_HOUR < len(INTAKE) + len(EVERYONE)


def test_identity_numbers_are_masked_for_those_who_do_not_keep_the_records(village, world, api_as):
    from bianmin.village.tests.factories import new_id

    number = new_id()
    p = project(village["huanhua"], world["cadre"], contractor_name="路桥公司", contractor_code=number)
    full = api_as(village.people["cadre_a"]).get(f"/village/projects/{p.pk}").json()
    masked = api_as(village.people["supervisor"]).get(f"/village/projects/{p.pk}").json()
    assert (
        full["contractor_code"] == number and masked["contractor_code"] != number and "*" in masked["contractor_code"]
    )
    assert number not in services.Publication.objects.get(pk=p.prior_notice_id).body
