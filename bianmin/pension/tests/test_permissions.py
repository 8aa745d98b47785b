"""Permission matrix over every pension route and page (DESIGN §8; how the tables read:
bianmin/tests/route_matrix.py): each persona of the test county and an anonymous caller, against a pensioner
of 浣花村 (in the scope of its cadre and of 白帝镇) and, for the lists, what each one sees. An assistant sees
their village, the township its subtree; a pensioner out of scope is not found; identity numbers and phones
are masked for those who only watch the figures."""

from __future__ import annotations

from datetime import date

from bianmin.pension.models import Pensioner
from bianmin.pension.tests.factories import new_id, pensioner
from bianmin.pension.tests.test_excel import workbook
from bianmin.tests.route_matrix import ANONYMOUS, EVERYONE, Callers, cell, differences, others, page

SEE_HUANHUA = {"cadre_a", "township_staff", "township_leader", "township_admin", "supervisor", "county_admin"}
SEE_BAIDI = SEE_HUANHUA - {"cadre_a"}
CERTIFY_HUANHUA = {"cadre_a", "township_staff", "township_admin", "county_admin"}
MANAGE_HUANHUA = {"township_staff", "township_admin", "county_admin"}
FULL_NUMBERS = CERTIFY_HUANHUA
# Holders of a pension permission somewhere (the window's service center and the outsider's other county
# have no pensioners of the test county).
ANY_VIEW = SEE_HUANHUA | {"cadre_b", "window", "outsider"}
ANY_CERTIFY = CERTIFY_HUANHUA | {"cadre_b", "window", "outsider"}

API = {
    "GET one": {200: SEE_HUANHUA, 404: others(SEE_HUANHUA), 401: {ANONYMOUS}},
    "PATCH home visit": {
        200: CERTIFY_HUANHUA,
        403: SEE_HUANHUA - CERTIFY_HUANHUA,
        404: others(SEE_HUANHUA),
        401: {ANONYMOUS},
    },
    "POST certification": {
        201: CERTIFY_HUANHUA,
        403: SEE_HUANHUA - CERTIFY_HUANHUA,
        404: others(SEE_HUANHUA),
        401: {ANONYMOUS},
    },
    "POST certification by number": {
        201: CERTIFY_HUANHUA,
        403: SEE_HUANHUA - CERTIFY_HUANHUA,
        404: others(SEE_HUANHUA),
        401: {ANONYMOUS},
    },
    "POST stop": {200: MANAGE_HUANHUA, 403: SEE_HUANHUA - MANAGE_HUANHUA, 404: others(SEE_HUANHUA), 401: {ANONYMOUS}},
    # A new pensioner in 石马村: who keeps its register; who sees it but does not keep it; for the others
    # 石马村 is not a unit of their scope (a field error).
    "POST register (石马村)": {
        201: MANAGE_HUANHUA,
        403: {"cadre_b", "township_leader", "supervisor"},
        400: others(MANAGE_HUANHUA, {"cadre_b", "township_leader", "supervisor"}),
        401: {ANONYMOUS},
    },
    "POST import": {200: MANAGE_HUANHUA, 403: others(MANAGE_HUANHUA), 401: {ANONYMOUS}},
    "GET schemes": {200: set(EVERYONE) - {ANONYMOUS}, 401: {ANONYMOUS}},
    # A unit named in the query must lie in the caller's scope: a village's cadre asks for their village.
    "GET report (白帝镇)": {200: SEE_BAIDI, 400: others(SEE_BAIDI), 401: {ANONYMOUS}},
}
PAGES = {
    "lists": {200: ANY_VIEW, 403: others(ANY_VIEW), "login": {ANONYMOUS}},
    "record": {200: SEE_HUANHUA, 404: {"cadre_b", "window", "outsider"}, 403: others(ANY_VIEW), "login": {ANONYMOUS}},
    "certify form": {
        302: SEE_HUANHUA,  # back to the record, with the outcome (or the refusal) as a message
        404: {"cadre_b", "window", "outsider"},
        403: others(ANY_VIEW),
        "login": {ANONYMOUS},
    },
    "hall": {200: ANY_CERTIFY, 403: others(ANY_CERTIFY), "login": {ANONYMOUS}},
    "report": {200: ANY_VIEW, 403: others(ANY_VIEW), "login": {ANONYMOUS}},
    "report.xlsx": {200: ANY_VIEW, 403: others(ANY_VIEW), "login": {ANONYMOUS}},
    "register": {200: MANAGE_HUANHUA, 403: others(MANAGE_HUANHUA), "login": {ANONYMOUS}},
    "register.xlsx": {200: ANY_VIEW, 403: others(ANY_VIEW), "login": {ANONYMOUS}},
}


def test_the_api_answers_each_persona_by_scope(county, api_as, client):
    callers = Callers(county, api_as, client)
    huanhua = pensioner(county["huanhua"], phone="13912345678", last_certified_on=date(2026, 1, 5))
    observed = {}
    for persona in EVERYONE:
        api = callers.as_(persona)
        victim = pensioner(county["huanhua"], last_certified_on=date(2026, 1, 5))
        body = api.get(f"/pension/pensioners/{huanhua.pk}")
        observed["GET one", persona] = body.status_code
        if body.status_code == 200:
            # Full numbers for who certifies; masked for who only watches
            full = body.json()["id_number"] == huanhua.id_number and body.json()["phone"] == "13912345678"
            masked = "*" in body.json()["id_number"] and body.json()["phone"] == "139****5678"
            assert (full, masked) == (persona in FULL_NUMBERS, persona not in FULL_NUMBERS), persona
        observed["PATCH home visit", persona] = api.patch(
            f"/pension/pensioners/{huanhua.pk}", {"needs_home_visit": True}
        ).status_code
        observed["POST certification", persona] = api.post(
            f"/pension/pensioners/{huanhua.pk}/certifications", {"method": "in_person_hall"}
        ).status_code
        observed["POST certification by number", persona] = api.post(
            "/pension/certifications",
            {"id_number": huanhua.id_number, "method": "fingerprint_on_site", "device_ref": "ZW-1"},
        ).status_code
        observed["POST stop", persona] = api.post(
            f"/pension/pensioners/{victim.pk}/stop", {"reason": "death", "ended_on": "2026-01-06"}
        ).status_code
        observed["POST register (石马村)", persona] = api.post(
            "/pension/pensioners",
            {"village": county["shima"].code, "name": "新人", "id_number": new_id(), "scheme": "170"},
        ).status_code
        observed["GET schemes", persona] = api.get("/pension/schemes").status_code
        sheet = workbook([["新人", new_id(), "170", county["shima"].code, "", "", "", ""]])
        sheet.name = "register.xlsx"
        answer = api.client.post("/api/v1/pension/imports", {"file": sheet}, headers=api.headers)
        observed["POST import", persona] = answer.status_code
        if answer.status_code == 200:
            assert (answer.json()["written"], answer.json()["created"]) == (True, 1), answer.json()
        observed["GET report (白帝镇)", persona] = api.get(
            "/pension/report", start="2026-01-01", end="2026-01-31", unit=county["baidi"].code
        ).status_code
    assert differences(observed, API) == []


def test_the_lists_hold_only_the_villages_in_scope(county, api_as):
    # Given one pensioner in each of 浣花村, 石马村, 宝塔坪社区 and the other county's village
    for name in ("huanhua", "shima", "baotaping", "other_village"):
        pensioner(county[name], last_certified_on=date(2026, 1, 5))
    sees = {
        "cadre_a": {"浣花村"},
        "cadre_b": {"石马村"},
        "township_staff": {"浣花村", "石马村"},
        "township_leader": {"浣花村", "石马村"},
        "township_admin": {"浣花村", "石马村"},
        "supervisor": {"浣花村", "石马村", "宝塔坪社区"},
        "county_admin": {"浣花村", "石马村", "宝塔坪社区"},
        "outsider": {"其他村"},
    }
    wrong = []
    for persona in EVERYONE:
        answer = api_as(county.people.get(persona)).get("/pension/pensioners", list="all")
        got = {row["village"] for row in answer.json()["items"]} if answer.status_code == 200 else answer.status_code
        want = 401 if persona == ANONYMOUS else sees.get(persona, set())
        if got != want:
            wrong.append(f"{persona}: {got} != {want}")
    assert wrong == []


def test_the_pages_answer_each_persona_by_scope(county, api_as, client):
    callers = Callers(county, api_as, client)
    huanhua = pensioner(county["huanhua"], last_certified_on=date(2026, 1, 5))
    observed = {}
    for persona in EVERYONE:
        callers.as_(persona)
        observed["lists", persona] = page(client.get("/pension/?list=due"))
        observed["record", persona] = page(client.get(f"/pension/{huanhua.pk}/"))
        observed["certify form", persona] = page(
            client.post(f"/pension/{huanhua.pk}/certify/", {"method": "in_person_hall"})
        )
        observed["hall", persona] = page(client.get("/pension/hall/"))
        observed["report", persona] = page(client.get("/pension/report/"))
        observed["report.xlsx", persona] = page(client.get("/pension/report.xlsx"))
        observed["register", persona] = page(client.get("/pension/register/"))
        observed["register.xlsx", persona] = page(client.get("/pension/register.xlsx"))
    assert differences(observed, PAGES) == []
    # The form's certifications were recorded only by those who may certify 浣花村
    operators = set(Pensioner.objects.get(pk=huanhua.pk).certifications.values_list("operator__username", flat=True))
    assert operators == CERTIFY_HUANHUA
    assert cell(PAGES["hall"], "window") == 200
