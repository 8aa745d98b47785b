"""Permission matrix of the three-level analysis and the reports, the catalogue's material files and manage
page, the workbench, a case's page and bulk actions (how the tables read: bianmin/tests/route_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.cases.tests.conftest import items  # noqa: F401 (the fixture; the tests taking it say noqa: F811)
from bianmin.cases.tests.factories import new_case
from bianmin.catalog.models import ItemVersion
from bianmin.catalog.tests.factories import new_item
from bianmin.org.tests.test_api_permissions import PERSONAS
from bianmin.tests.route_matrix import (
    ANONYMOUS,
    EVERYONE,
    HANDLE_HUANHUA,
    PDF,
    VIEW_HUANHUA,
    Callers,
    cell,
    others,
    page,
    upload,
)

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
