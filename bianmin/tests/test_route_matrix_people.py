"""Permission matrix of people, intake by role and filing applications (how the tables read:
bianmin/tests/route_matrix.py)."""

from __future__ import annotations

from bianmin.cases.models import Case
from bianmin.cases.tests.conftest import items  # noqa: F401 (the fixture; the tests taking it say noqa: F811)
from bianmin.org.models import User
from bianmin.org.tests.test_api_permissions import PERSONAS
from bianmin.tests.route_matrix import ANONYMOUS, EVERYONE, Callers, cell, others, page

# People of the test county by where they belong.
BAIDI_PEOPLE = {"villager", "cadre_a", "cadre_b", "work_team", "township_staff", "township_leader", "township_admin"}
COUNTY_PEOPLE = BAIDI_PEOPLE | {"window", "dept", "supervisor", "inspector", "county_admin"}
TAKES_NOTHING_IN = {"villager", "supervisor", "inspector"}  # no role that may take in a case


# --- people: GET /users, GET /users/{username}, POST /users ------------------------------------------------
SEES_PEOPLE = {
    "villager": {"villager"},
    "cadre_a": {"cadre_a"},
    "cadre_b": {"cadre_b"},
    "work_team": {"work_team"},
    "township_staff": {"township_staff"},
    "township_leader": BAIDI_PEOPLE,
    "township_admin": BAIDI_PEOPLE,
    "window": {"window"},
    "dept": {"dept"},
    "supervisor": COUNTY_PEOPLE,
    "inspector": {"window", "inspector"},
    "county_admin": COUNTY_PEOPLE,
    "outsider": {"outsider"},
}
# A new person with a role in 石马村: administrators of 白帝镇 or above; those who see 石马村 but do not
# administer it are forbidden; for the others 石马村 is not a unit of their scope (a field error).
CREATE_IN_SHIMA = {
    201: {"township_admin", "county_admin"},
    403: {"cadre_b", "township_staff", "township_leader", "supervisor"},
    400: {"villager", "cadre_a", "work_team", "window", "dept", "inspector", "outsider"},
    401: {ANONYMOUS},
}


def test_people_are_listed_read_and_created_only_within_scope(county, api_as):
    apis = {persona: api_as(county.people.get(persona)) for persona in EVERYONE}
    wrong = []
    for persona, api in apis.items():
        # When they list people and read each person of the county (and the superuser, who has no unit)
        listed = api.get("/users", limit=500)
        got = sorted(u["username"] for u in listed.json()["items"]) if listed.status_code == 200 else listed.status_code
        want = 401 if persona == ANONYMOUS else sorted(SEES_PEOPLE[persona])
        if got != want:
            wrong.append(f"GET /users as {persona}: got {got}, expected {want}")
        for target in [*PERSONAS, "root"]:
            status = api.get(f"/users/{target}").status_code
            want = 401 if persona == ANONYMOUS else 200 if target in SEES_PEOPLE[persona] else 404
            if status != want:
                wrong.append(f"GET /users/{target} as {persona}: got {status}, expected {want}")
    for persona, api in apis.items():
        # When they create a person with a role in 石马村 (after the reads, which would list them)
        body = {
            "username": f"new_{persona}",
            "password": "Str0ng-Passphrase",
            "display_name": "新人",
            "memberships": [{"unit": "500236101202", "role": "village_cadre"}],
        }
        status = api.post("/users", body).status_code
        created = User.objects.filter(username=f"new_{persona}").exists()
        if (status, created) != (cell(CREATE_IN_SHIMA, persona), cell(CREATE_IN_SHIMA, persona) == 201):
            wrong.append(f"POST /users (石马村) as {persona}: got {status}, expected {cell(CREATE_IN_SHIMA, persona)}")
    assert wrong == [], "\n".join(wrong)


# --- intake by role: POST /api/v1/cases and the page /cases/new/ -------------------------------------------
# A village of the caller's own county (one they serve where they serve any), and one of another county.
NEAR = {
    "villager": "huanhua",
    "cadre_a": "huanhua",
    "cadre_b": "shima",
    "work_team": "huanhua",
    "township_staff": "shima",
    "township_leader": "huanhua",
    "township_admin": "shima",
    "window": "huanhua",
    "dept": "huanhua",
    "supervisor": "huanhua",
    "inspector": "huanhua",
    "county_admin": "baotaping",
    "outsider": "other_village",
    ANONYMOUS: "huanhua",
}
FAR = {persona: "other_village" for persona in EVERYONE} | {"outsider": "huanhua"}
# Where the case lands: the village when the caller serves it, else the caller's own unit (they transfer it
# on from there); None: refused, nothing taken in.
LANDS_NEAR = {
    "villager": None,
    "cadre_a": "500236101201",
    "cadre_b": "500236101202",
    "work_team": "500236101201",
    "township_staff": "500236101202",
    "township_leader": "500236101201",
    "township_admin": "500236101202",
    "window": "500236-ZWZX",
    "dept": "500236-RSJ",
    "supervisor": None,
    "inspector": None,
    "county_admin": "500236001001",
    "outsider": "500237101201",
    ANONYMOUS: None,
}
LANDS_FAR = {
    "villager": None,
    "cadre_a": "500236101201",
    "cadre_b": "500236101202",
    "work_team": "500236101-T1",
    "township_staff": "500236101000",
    "township_leader": "500236101000",
    "township_admin": "500236101000",
    "window": "500236-ZWZX",
    "dept": "500236-RSJ",
    "supervisor": None,
    "inspector": None,
    "county_admin": "500236000000",
    "outsider": "500237101201",
    ANONYMOUS: None,
}
INTAKE_API = {403: TAKES_NOTHING_IN, 401: {ANONYMOUS}, 201: others(TAKES_NOTHING_IN)}
# The page shows everyone signed in the form (a refusal is a message on it) and takes in for those who may.
INTAKE_PAGE_GET = {"login": {ANONYMOUS}, 200: others()}
INTAKE_PAGE_POST = {"login": {ANONYMOUS}, 200: TAKES_NOTHING_IN, 302: others(TAKES_NOTHING_IN)}


def intake_form(title: str, village: str) -> dict[str, str]:
    return {
        "channel": "hotline",
        "kind": "help",
        "urgency": "normal",
        "title": title,
        "content": "三组路口路灯不亮，晚上行人看不清路。",
        "citizen_name": "李四",
        "citizen_phone": "13900002222",
        "village": village,
    }


def test_intake_by_role_for_a_village_of_the_county_and_one_of_another(county, api_as, client):
    callers, wrong = Callers(county, api_as, client), []

    def landed(title: str) -> str | None:
        return Case.objects.filter(title=title).values_list("unit__code", flat=True).first()

    for persona in EVERYONE:
        api = callers.as_(persona)
        status = page(client.get("/cases/new/"))
        if status != cell(INTAKE_PAGE_GET, persona):
            wrong.append(f"GET /cases/new/ as {persona}: got {status}")
        for where, villages, lands in (("near", NEAR, LANDS_NEAR), ("far", FAR, LANDS_FAR)):
            code = county[villages[persona]].code
            # When they take in a case about that village through the API
            title = f"API {where} {persona}"
            response = api.post("/cases", intake_form(title, code))
            got = (response.status_code, landed(title))
            want = (cell(INTAKE_API, persona), lands[persona])
            if got != want:
                wrong.append(f"POST /api/v1/cases ({where}) as {persona}: got {got}, expected {want}")
            # and through the page
            title = f"page {where} {persona}"
            got = (page(client.post("/cases/new/", intake_form(title, code))), landed(title))
            want = (cell(INTAKE_PAGE_POST, persona), lands[persona])
            if got != want:
                wrong.append(f"POST /cases/new/ ({where}) as {persona}: got {got}, expected {want}")
    assert wrong == [], "\n".join(wrong)


# --- applications: /cases/apply/{code}/ ---------------------------------------------------------------------
# Staff who take in cases file through the village hall (代办, cadres) or at a window (everyone else who takes
# in); anyone else online, for themselves. Someone who can file an item in none of its ways is forbidden.
APPLY_WINDOW_OR_PROXY = {  # 高龄津贴申领: window or village proxy
    "login": {ANONYMOUS},
    403: TAKES_NOTHING_IN,
    200: others(TAKES_NOTHING_IN),
}
APPLY_WINDOW_ONLY = {  # 残疾人证办理: at a window only
    "login": {ANONYMOUS},
    403: TAKES_NOTHING_IN | {"cadre_a", "cadre_b", "outsider"},
    200: {"work_team", "township_staff", "township_leader", "township_admin", "window", "dept", "county_admin"},
}
APPLY_ANY = {"login": {ANONYMOUS}, 200: others()}  # 城乡居民基本养老保险参保登记: online too
APPLY_UNKNOWN = {"login": {ANONYMOUS}, 404: others()}
# The channel each files the pension registration through for a villager of 浣花村 (the page's only choice).
CHANNEL = {persona: "window" for persona in EVERYONE} | {
    "villager": "web",
    "supervisor": "web",
    "inspector": "web",
    "cadre_a": "village_hall",
    "cadre_b": "village_hall",
    "outsider": "village_hall",
}
# Filed (302 to the case) by those who serve 浣花村 or the township it lands in, by the county hall's window,
# and online by those who apply for themselves; refused on the form (200) for a cadre of another village
# (浣花村 is not among their choices), for the work team and the department (the application lands at 白帝镇,
# which they do not serve, and they are no service hall's window).
APPLY_POST = {
    "login": {ANONYMOUS},
    200: {"cadre_b", "outsider", "work_team", "dept"},
    302: {
        "villager",
        "supervisor",
        "inspector",
        "cadre_a",
        "township_staff",
        "township_leader",
        "township_admin",
        "window",
        "county_admin",
    },
}


def test_filing_an_application_by_role(county, items, api_as, client):  # noqa: F811
    callers, wrong = Callers(county, api_as, client), []
    for persona in EVERYONE:
        callers.as_(persona)
        for route, table in (
            (f"/cases/apply/{items.allowance.code}/", APPLY_WINDOW_OR_PROXY),
            (f"/cases/apply/{items.disability.code}/", APPLY_WINDOW_ONLY),
            (f"/cases/apply/{items.pension.code}/", APPLY_ANY),
            ("/cases/apply/115002360000000000X000200099000/", APPLY_UNKNOWN),
        ):
            status = page(client.get(route))
            if status != cell(table, persona):
                wrong.append(f"GET {route} as {persona}: got {status}, expected {cell(table, persona)}")
        form = {
            "channel": CHANNEL[persona],
            "village": "500236101201",
            "citizen_name": "王秀英",
            "citizen_phone": "13900003333",
            "address": persona,
        }
        status = page(client.post(f"/cases/apply/{items.pension.code}/", form))
        filed = Case.objects.filter(kind="application", address=persona).values_list("unit__code", flat=True)
        got = (status, list(filed))
        want = (cell(APPLY_POST, persona), ["500236101000"] if cell(APPLY_POST, persona) == 302 else [])
        if got != want:
            wrong.append(f"POST /cases/apply/(pension)/ as {persona}: got {got}, expected {want}")
    assert wrong == [], "\n".join(wrong)
