"""Permission matrix over the routes and pages the other matrices miss (DESIGN §8): each persona of the test
county and an anonymous caller, against objects in and out of their scope.

The other matrices: units and one person (bianmin/org/tests/test_api_permissions.py), home and admin
(test_pages_permissions.py), a village case's detail, list and reply (cases/tests/test_api.py, test_pages.py),
the catalogue's item writes and Excel page (catalog/tests), each persona's own and another county's report
(reports/tests). Here: people lists, intake by role, filing applications, the three-level analysis with a unit
inside and outside the caller's scope, attachments, notices, the catalogue's material files and manage page,
the workbench with a citizen's, an assisted and a service-center case, and bulk actions.

Each test builds the county once and loops over the personas, collecting every cell that differs from the
table. Tables map an expected value to the personas who get it, written out by hand: a persona must be in
exactly one set. "login" is a page's redirect to the login page. A case outside the caller's scope is not
found (404); a public object (a catalogue item) the caller may not change is forbidden (403); a unit or person
named in a request's fields or query that is outside the caller's scope is a field error (400), the same as an
unknown one.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bianmin.cases.attachments import add_attachment
from bianmin.cases.models import Case, CaseAttachment, CaseDocument
from bianmin.cases.services import perform
from bianmin.cases.tests.conftest import items  # noqa: F401 (the fixture; the tests taking it say noqa: F811)
from bianmin.cases.tests.factories import new_application, new_case
from bianmin.catalog.models import ItemVersion
from bianmin.catalog.tests.factories import new_item
from bianmin.org.models import User
from bianmin.org.tests.test_api_permissions import PERSONAS

ANONYMOUS = "anonymous"
EVERYONE = [*PERSONAS, ANONYMOUS]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4 form"

# People of the test county by where they belong.
BAIDI_PEOPLE = {"villager", "cadre_a", "cadre_b", "work_team", "township_staff", "township_leader", "township_admin"}
COUNTY_PEOPLE = BAIDI_PEOPLE | {"window", "dept", "supervisor", "inspector", "county_admin"}
# Who sees and who handles a case handled in 浣花村 (or about it).
VIEW_HUANHUA = {
    "cadre_a",
    "work_team",
    "township_staff",
    "township_leader",
    "township_admin",
    "supervisor",
    "county_admin",
}
HANDLE_HUANHUA = {"cadre_a", "work_team", "township_staff", "township_leader", "township_admin", "county_admin"}
TAKES_NOTHING_IN = {"villager", "supervisor", "inspector"}  # no role that may take in a case


def cell(table: dict[Any, set[str]], persona: str) -> Any:
    """The value `table` expects for `persona`; the persona must be in exactly one of its sets."""
    found = [value for value, names in table.items() if persona in names]
    assert len(found) == 1, f"{persona} is in {len(found)} cells of {table}"
    return found[0]


def others(*sets: set[str]) -> set[str]:
    """The personas (signed in) but those of `sets`."""
    return set(PERSONAS).difference(*sets)


def page(response: Any) -> int | str:
    """A page's status, "login" for the redirect to the login page; a download is read to its end."""
    if response.status_code == 302 and response.headers["Location"].startswith("/login/"):
        return "login"
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


class Callers:
    """Each persona (or an anonymous caller) through a page session and through an API token."""

    def __init__(self, county: Any, api_as: Any, client: Any) -> None:
        self.county, self.api_as, self.client = county, api_as, client

    def as_(self, persona: str) -> Any:
        user = None if persona == ANONYMOUS else self.county.people[persona]
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        return self.api_as(user)


def upload(api: Any, path: str, name: str, content: bytes) -> Any:
    return api.client.post("/api/v1" + path, {"file": SimpleUploadedFile(name, content)}, headers=api.headers)


def differences(observed: dict[tuple[str, str], Any], expected: dict[str, dict[Any, set[str]]]) -> list[str]:
    return [
        f"{route} as {persona}: got {got!r}, expected {cell(expected[route], persona)!r}"
        for (route, persona), got in observed.items()
        if got != cell(expected[route], persona)
    ]


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


# --- the three-level analysis and the reports, with a unit inside and outside the caller's scope -----------
INSIDE = {  # a unit whose cases the caller may see, not always their own
    "villager": "huanhua",  # a citizen has no unit: refused
    "cadre_a": "huanhua",
    "cadre_b": "shima",
    "work_team": "huanhua",  # the village the team is stationed in
    "township_staff": "huanhua",
    "township_leader": "shima",
    "township_admin": "huanhua",
    "window": "center",
    "dept": "rsj",
    "supervisor": "baidi",
    "inspector": "center",
    "county_admin": "baotaping",
    "outsider": "other_village",
    ANONYMOUS: "huanhua",
}
OUTSIDE = {  # a unit of the same county (or the parent) that they may not see
    "villager": "shima",
    "cadre_a": "baidi",
    "cadre_b": "huanhua",
    "work_team": "shima",
    "township_staff": "kuimen",
    "township_leader": "county",
    "township_admin": "baotaping",
    "window": "rsj",
    "dept": "center",
    "supervisor": "other_county",
    "inspector": "county",
    "county_admin": "province",
    "outsider": "other_town",
    ANONYMOUS: "huanhua",
}
# Being solved at the village level, of a case in 浣花村 (the villager's), one in 宝塔坪社区 and one of another county.
BEING_SOLVED = {
    0: {"cadre_b", "window", "dept", "inspector"},
    1: {"villager", "cadre_a", "work_team", "township_staff", "township_leader", "township_admin", "outsider"},
    2: {"supervisor", "county_admin"},
    401: {ANONYMOUS},
}
BEING_SOLVED_INSIDE = {  # with ?unit= the INSIDE unit (cases handled in its subtree)
    400: {"villager"},
    0: {"cadre_b", "township_leader", "window", "dept", "inspector"},
    1: {"cadre_a", "work_team", "township_staff", "township_admin", "supervisor", "county_admin", "outsider"},
    401: {ANONYMOUS},
}
UNIT_INSIDE = {"villager": 400, ANONYMOUS: 401} | {persona: 200 for persona in PERSONAS if persona != "villager"}
UNIT_OUTSIDE = {persona: 400 for persona in PERSONAS} | {ANONYMOUS: 401}
REPORT_PAGES = ["/reports/", "/reports/wall/", "/reports/kpi.xlsx", "/reports/cases.xlsx"]


def levels(response: Any) -> Any:
    """How many cases are being solved at the village level when that is all the figures hold (nothing solved,
    nothing at another level); else all the figures, or the status of a refusal."""
    if response.status_code != 200:
        return response.status_code
    rows = {row["level"]: (row["solved"], row["being_solved"]) for row in response.json()["levels"]}
    assert set(rows) == {"village", "work_team", "township", "county"}
    others_empty = all(rows[level] == (0, 0) for level in ("work_team", "township", "county"))
    return rows["village"][1] if rows["village"][0] == 0 and others_empty else rows


def test_the_three_level_analysis_and_the_reports_inside_and_outside_the_scope(county, api_as, client):
    # Given three open cases at the village level: 浣花村 (the villager's own), 宝塔坪社区, another county's
    new_case(county.people["cadre_a"], village=county["huanhua"], citizen=county.people["villager"])
    new_case(county.people["county_admin"], village=county["baotaping"])
    new_case(county.people["outsider"], village=county["other_village"])
    today = timezone.localdate()
    period = {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    callers, wrong = Callers(county, api_as, client), []
    for persona in EVERYONE:
        api = callers.as_(persona)
        inside, outside = county[INSIDE[persona]].code, county[OUTSIDE[persona]].code
        anonymous = persona == ANONYMOUS
        checks = [
            ("GET /api/v1/cases/analysis", levels(api.get("/cases/analysis")), cell(BEING_SOLVED, persona)),
            (
                "GET /api/v1/cases/analysis?unit=inside",
                levels(api.get("/cases/analysis", unit=inside)),
                cell(BEING_SOLVED_INSIDE, persona),
            ),
            (
                "GET /api/v1/cases/analysis?unit=outside",
                api.get("/cases/analysis", unit=outside).status_code,
                UNIT_OUTSIDE[persona],
            ),
        ]
        answer = api.get("/reports/analysis", unit=inside, **period)
        got = (answer.status_code, answer.json()["unit"]["code"] if answer.status_code == 200 else None)
        want = (UNIT_INSIDE[persona], inside if UNIT_INSIDE[persona] == 200 else None)
        checks.append(("GET /api/v1/reports/analysis?unit=inside", got, want))
        refused = api.get("/reports/analysis", unit=outside, **period)
        checks.append(("GET /api/v1/reports/analysis?unit=outside", refused.status_code, UNIT_OUTSIDE[persona]))
        for url in REPORT_PAGES:
            own = page(client.get(url, {**period, "unit": inside}))
            checks.append((f"GET {url}?unit=inside", own, "login" if anonymous else UNIT_INSIDE[persona]))
            other = page(client.get(url, {**period, "unit": outside}))
            checks.append((f"GET {url}?unit=outside", other, "login" if anonymous else UNIT_OUTSIDE[persona]))
        wrong += [f"{route} as {persona}: got {got}, expected {want}" for route, got, want in checks if got != want]
    assert wrong == [], "\n".join(wrong)


# --- attachments: upload (API and case page) and download ---------------------------------------------------
# The cases: "open" in 浣花村, the villager's own, 县人力社保局 assisting; "closed" the same but answered and
# completed; "away" another county's. Only those who may act on the case now (handle it), and its own citizen,
# may attach to an open case; no one to a closed one; those who may only view it (the supervisor, the
# assisting department) are forbidden; the others do not find the case.
VIEW_OPEN = VIEW_HUANHUA | {"villager", "dept"}
ATTACH = {
    "POST /api/v1/cases/{open}/attachments": {
        201: HANDLE_HUANHUA | {"villager"},
        403: {"supervisor", "dept"},
        404: {"cadre_b", "window", "inspector", "outsider"},
        401: {ANONYMOUS},
    },
    # The state is checked before the caller's right, as for every action: a completed case takes no file.
    "POST /api/v1/cases/{closed}/attachments": {
        409: HANDLE_HUANHUA | {"villager", "supervisor", "dept"},
        404: {"cadre_b", "window", "inspector", "outsider"},
        401: {ANONYMOUS},
    },
    "POST /api/v1/cases/{away}/attachments": {201: {"outsider"}, 401: {ANONYMOUS}, 404: others({"outsider"})},
    # The page answers a viewer with a redirect to the case (a refusal is a message there): what it kept counts.
    "POST /cases/{open}/ (attach): status": {302: VIEW_OPEN, 404: others(VIEW_OPEN), "login": {ANONYMOUS}},
    "POST /cases/{open}/ (attach): attached": {
        True: HANDLE_HUANHUA | {"villager"},
        False: others(HANDLE_HUANHUA, {"villager"}) | {ANONYMOUS},
    },
    "POST /cases/{closed}/ (attach): status": {302: VIEW_OPEN, 404: others(VIEW_OPEN), "login": {ANONYMOUS}},
    "POST /cases/{closed}/ (attach): attached": {False: set(EVERYONE)},
    "GET /cases/{open}/files/{pk}/": {200: VIEW_OPEN, 404: others(VIEW_OPEN), "login": {ANONYMOUS}},
    "GET /cases/{closed}/files/{pk}/": {200: VIEW_OPEN, 404: others(VIEW_OPEN), "login": {ANONYMOUS}},
    # An attachment is found only under its own case's number.
    "GET /cases/{away}/files/{pk of open}/": {404: others(), "login": {ANONYMOUS}},
}
# Issue 19 item 6: before attaching became an action of the door, anyone who may view a case could attach to
# it (the supervisor, an assisting department), closed cases included.
ISSUE_19_ITEM_6 = {
    ("POST /api/v1/cases/{open}/attachments", "supervisor"),
    ("POST /api/v1/cases/{open}/attachments", "dept"),
    ("POST /cases/{open}/ (attach): attached", "supervisor"),
    ("POST /cases/{open}/ (attach): attached", "dept"),
    *(("POST /api/v1/cases/{closed}/attachments", persona) for persona in VIEW_OPEN),
    *(("POST /cases/{closed}/ (attach): attached", persona) for persona in VIEW_OPEN),
}


def attachment_cells(county: Any, api_as: Any, client: Any) -> dict[tuple[str, str], Any]:
    """What each persona gets from each route of ATTACH."""
    cadre, villager = county.people["cadre_a"], county.people["villager"]
    cases = {}
    for name in ("open", "closed"):
        case = new_case(cadre, village=county["huanhua"], citizen=villager)
        case.assist_units.add(county["rsj"])
        cases[name] = case
    files = {  # brought while both were open
        name: add_attachment(cases[name], actor=cadre, upload=SimpleUploadedFile("现场.png", PNG)).pk
        for name in ("open", "closed")
    }
    cases["closed"] = perform(cases["closed"], "answer", actor=cadre, reply="已修复")
    assert cases["closed"].status == "completed"
    cases["away"] = new_case(county.people["outsider"], village=county["other_village"])
    callers, observed = Callers(county, api_as, client), {}
    for persona in EVERYONE:
        api = callers.as_(persona)
        for name, case in cases.items():
            observed[f"POST /api/v1/cases/{{{name}}}/attachments", persona] = upload(
                api, f"/cases/{case.number}/attachments", "a.png", PNG
            ).status_code
        for name in ("open", "closed"):
            case = cases[name]
            before = CaseAttachment.objects.filter(case=case).count()
            form = {"action": "attach", "file": SimpleUploadedFile("b.pdf", PDF)}
            observed[f"POST /cases/{{{name}}}/ (attach): status", persona] = page(
                client.post(f"/cases/{case.number}/", form)
            )
            attached = CaseAttachment.objects.filter(case=case).count() > before
            observed[f"POST /cases/{{{name}}}/ (attach): attached", persona] = attached
            observed[f"GET /cases/{{{name}}}/files/{{pk}}/", persona] = page(
                client.get(f"/cases/{case.number}/files/{files[name]}/")
            )
        observed["GET /cases/{away}/files/{pk of open}/", persona] = page(
            client.get(f"/cases/{cases['away'].number}/files/{files['open']}/")
        )
    return observed


def test_attachments_are_added_by_those_who_may_act_and_downloaded_in_scope(county, api_as, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    observed = attachment_cells(county, api_as, client)
    wrong = differences({key: got for key, got in observed.items() if key not in ISSUE_19_ITEM_6}, ATTACH)
    assert wrong == [], "\n".join(wrong)


def test_viewers_and_closed_cases_take_no_attachment(county, api_as, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    observed = attachment_cells(county, api_as, client)
    wrong = differences({key: got for key, got in observed.items() if key in ISSUE_19_ITEM_6}, ATTACH)
    assert wrong == [], "\n".join(wrong)


# --- notices: /cases/{number}/notices/{id}/ and GET /api/v1/cases/{number}/notices/{id} -----------------------
# The application of the villager of 浣花村, filed by her cadre, handled by 白帝镇.
VIEW_APPLICATION = VIEW_HUANHUA | {"villager"}
NOTICE_PAGE = {200: VIEW_APPLICATION, 404: others(VIEW_APPLICATION), "login": {ANONYMOUS}}
NOTICE_API = {200: VIEW_APPLICATION, 404: others(VIEW_APPLICATION), 401: {ANONYMOUS}}
NOT_THERE_PAGE = {404: others(), "login": {ANONYMOUS}}
NOT_THERE_API = {404: others(), 401: {ANONYMOUS}}


def test_notices_are_read_by_those_who_see_the_case(county, items, api_as, client):  # noqa: F811
    # Given an application accepted by the township, so that its 受理通知书 was issued
    cadre = county.people["cadre_a"]
    application = new_application(cadre, items.allowance, village=county["huanhua"])
    application = perform(application, "accept", actor=county.people["township_staff"])
    notice = CaseDocument.objects.get(case=application)
    assert notice.kind == "acceptance"
    other = new_case(cadre, village=county["huanhua"])  # a case the same people see, without that notice
    number = application.number
    callers, wrong = Callers(county, api_as, client), []
    for persona in EVERYONE:
        api = callers.as_(persona)
        shown = client.get(f"/cases/{number}/notices/{notice.pk}/")
        pdf = shown.status_code == 200 and shown["Content-Type"] == "application/pdf"
        checks = [
            ("page", page(shown), NOTICE_PAGE),
            ("page is a PDF", pdf, {True: VIEW_APPLICATION, False: others(VIEW_APPLICATION) | {ANONYMOUS}}),
            ("API", api.get(f"/cases/{number}/notices/{notice.pk}").status_code, NOTICE_API),
            ("page, unknown id", page(client.get(f"/cases/{number}/notices/{notice.pk + 999}/")), NOT_THERE_PAGE),
            ("API, unknown id", api.get(f"/cases/{number}/notices/{notice.pk + 999}").status_code, NOT_THERE_API),
            ("page, other case", page(client.get(f"/cases/{other.number}/notices/{notice.pk}/")), NOT_THERE_PAGE),
            ("API, other case", api.get(f"/cases/{other.number}/notices/{notice.pk}").status_code, NOT_THERE_API),
        ]
        wrong += [
            f"notice {what} as {persona}: got {got}, expected {cell(table, persona)}"
            for what, got, table in checks
            if got != cell(table, persona)
        ]
    assert wrong == [], "\n".join(wrong)


# --- the catalogue: material files (API) and the manage page, administrators of the implementing unit only ----
ADMINS_BAIDI = {"township_admin", "county_admin"}
MATERIAL = {
    "白帝镇's item, blank_form": {200: ADMINS_BAIDI, 401: {ANONYMOUS}, 403: others(ADMINS_BAIDI)},
    "白帝镇's item, sample": {200: ADMINS_BAIDI, 401: {ANONYMOUS}, 403: others(ADMINS_BAIDI)},
    "县人力社保局's item, blank_form": {
        200: {"county_admin"},
        401: {ANONYMOUS},
        403: others({"county_admin"}),
    },
    "another county's item, blank_form": {401: {ANONYMOUS}, 403: others()},
    "an unknown item, blank_form": {401: {ANONYMOUS}, 404: others()},
}
MANAGE = {  # (status, the items of the three listed)
    (200, ("baidi",)): {"township_admin"},
    (200, ("baidi", "rsj")): {"county_admin"},
    (403, ()): others(ADMINS_BAIDI),
    ("login", ()): {ANONYMOUS},
}
MANAGE_POST = {200: ADMINS_BAIDI, 403: others(ADMINS_BAIDI), "login": {ANONYMOUS}}


def test_material_files_and_the_manage_page_are_for_administrators_of_the_implementing_unit(
    county,
    items,  # noqa: F811
    api_as,
    client,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    # Given an item of 白帝镇, one of 县人力社保局 and one of another county
    catalogue = {
        "baidi": new_item(county["baidi"]),
        "rsj": items.pension,
        "other": new_item(county["other_county"]),
    }
    targets = {
        "白帝镇's item, blank_form": (catalogue["baidi"].code, "blank_form"),
        "白帝镇's item, sample": (catalogue["baidi"].code, "sample"),
        "县人力社保局's item, blank_form": (catalogue["rsj"].code, "blank_form"),
        "another county's item, blank_form": (catalogue["other"].code, "blank_form"),
        "an unknown item, blank_form": ("115002360000000000X000200099000", "blank_form"),
    }
    callers, wrong = Callers(county, api_as, client), []
    for persona in EVERYONE:
        api = callers.as_(persona)
        for label, (code, which) in targets.items():
            status = upload(api, f"/catalog/items/{code}/materials/1/{which}", "申请书.pdf", PDF).status_code
            if status != cell(MATERIAL[label], persona):
                wrong.append(f"POST material file ({label}) as {persona}: got {status}")
        shown = client.get("/guide/manage/")
        text = shown.content.decode() if shown.status_code == 200 else ""
        got = (page(shown), tuple(name for name, item in catalogue.items() if item.code in text))
        if got != cell(MANAGE, persona):
            wrong.append(f"GET /guide/manage/ as {persona}: got {got}, expected {cell(MANAGE, persona)}")
        status = page(client.post("/guide/manage/", {}))  # no file: an administrator is told to choose one
        if status != cell(MANAGE_POST, persona):
            wrong.append(f"POST /guide/manage/ as {persona}: got {status}, expected {cell(MANAGE_POST, persona)}")
    # Then each accepted file made one new version, and only those
    versions = {name: ItemVersion.objects.filter(item=item).count() for name, item in catalogue.items()}
    if versions != {"baidi": 1 + 4, "rsj": 1 + 1, "other": 1}:
        wrong.append(f"versions of the items: {versions}")
    assert wrong == [], "\n".join(wrong)


# --- the workbench, a case's page and bulk actions ------------------------------------------------------------
# "village": 浣花村's case of the villager, 县人力社保局 assisting; "center": taken in at the county hall's window;
# "away": another county's.
VIEW_CASE = {
    "village": VIEW_HUANHUA | {"villager", "dept"},
    "center": {"window", "inspector", "supervisor", "county_admin"},
    "away": {"outsider"},
}


def test_the_workbench_case_pages_and_bulk_actions_follow_the_scope(county, api_as, client):
    cadre = county.people["cadre_a"]
    village = new_case(cadre, village=county["huanhua"], citizen=county.people["villager"])
    village.assist_units.add(county["rsj"])
    cases = {
        "village": village,
        "center": new_case(county.people["window"]),
        "away": new_case(county.people["outsider"], village=county["other_village"]),
    }
    assert cases["center"].unit.code == "500236-ZWZX"
    # One case of 浣花村 for each caller to transfer in bulk
    mine = {persona: new_case(cadre, village=county["huanhua"]) for persona in EVERYONE}
    callers, wrong = Callers(county, api_as, client), []
    for persona in EVERYONE:
        callers.as_(persona)
        workbench = client.get("/cases/")
        if persona == ANONYMOUS:
            listed = {page(workbench)}
            expected = {"login"}
        else:
            listed = {name for name, case in cases.items() if case.number in workbench.content.decode()}
            listed |= {workbench.status_code} - {200}
            expected = {name for name, viewers in VIEW_CASE.items() if persona in viewers}
        if listed != expected:
            wrong.append(f"GET /cases/ as {persona}: lists {sorted(listed)}, expected {sorted(expected)}")
        for name, case in cases.items():
            status = page(client.get(f"/cases/{case.number}/"))
            want = "login" if persona == ANONYMOUS else 200 if persona in VIEW_CASE[name] else 404
            if status != want:
                wrong.append(f"GET /cases/({name})/ as {persona}: got {status}, expected {want}")
        # When they transfer their case to 县人力社保局 in bulk: done by those who handle 浣花村's cases; the
        # others are told the case is not in their scope, on the workbench
        case = mine[persona]
        selected = [f"{case.number}:{case.version}"]
        status = page(
            client.post("/cases/bulk/", {"bulk_action": "transfer", "to_unit": "500236-RSJ", "selected": selected})
        )
        moved = Case.objects.get(pk=case.pk).unit.code == "500236-RSJ"
        want = ("login" if persona == ANONYMOUS else 302, persona in HANDLE_HUANHUA)
        if (status, moved) != want:
            wrong.append(f"POST /cases/bulk/ as {persona}: got {(status, moved)}, expected {want}")
        status = page(client.get("/cases/bulk/"))  # not a page: back to the workbench
        if status != ("login" if persona == ANONYMOUS else 302):
            wrong.append(f"GET /cases/bulk/ as {persona}: got {status}")
    assert wrong == [], "\n".join(wrong)
