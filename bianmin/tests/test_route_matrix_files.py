"""Permission matrix of attachments and notices (how the tables read: bianmin/tests/route_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.cases.attachments import add_attachment
from bianmin.cases.models import CaseAttachment, CaseDocument
from bianmin.cases.services import perform
from bianmin.cases.tests.conftest import items  # noqa: F401 (the fixture; the tests taking it say noqa: F811)
from bianmin.cases.tests.factories import new_application, new_case
from bianmin.tests.route_matrix import (
    ANONYMOUS,
    EVERYONE,
    HANDLE_HUANHUA,
    PDF,
    VIEW_HUANHUA,
    Callers,
    cell,
    differences,
    others,
    page,
    upload,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


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
