"""The pages do what their buttons say: the kiosk issues a ticket, the console serves it, the pad rates it,
the display's board and the manager's page show it."""

from __future__ import annotations

from datetime import time

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from bianmin.cases.models import Case
from bianmin.conftest import County
from bianmin.hall import patrols, services
from bianmin.hall.models import (
    AssessmentItem,
    DutyOfficerMark,
    PadRating,
    QueueService,
    Ticket,
    Violation,
    ViolationEvent,
    WindowEvent,
)
from bianmin.hall.tests.factories import HallData, at
from bianmin.org.choices import EmploymentType, Role
from bianmin.org.models import AuditEntry
from bianmin.org.tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def all_day(hall: HallData) -> HallData:
    QueueService.objects.update(opens_at=time(0), closes_at=time(23, 59, 59))
    return hall


def test_kiosk_console_pad_and_board_serve_one_visitor(county: County, all_day: HallData, client, api_as) -> None:
    hall, window = all_day.hall, all_day.windows[1]
    # Given a visitor who takes a ticket for queue A at the kiosk
    taken = client.post(f"/hall/{hall.pk}/kiosk/", {"service": all_day.services["A"].pk})
    ticket = Ticket.objects.get()
    assert taken.status_code == 302 and taken.headers["Location"] == f"/hall/t/{ticket.token}/?new=1"
    assert "A001" in client.get(taken.headers["Location"]).content.decode()
    # When the window's staff sign in, call, start and finish on the console
    client.force_login(county.people["window"])
    do = f"/hall/console/{window.pk}/do/"
    for op in ("sign_in", "call_next"):
        client.post(do, {"op": op})
    board = api_as(None).get(f"/hall/halls/{hall.pk}/board").json()
    assert board["calls"][0]["speech"] == "请A001号到1号窗口办理"
    assert [w["ticket"] for w in board["windows"]] == ["A001"]
    for op in ("start", "finish"):
        client.post(do, {"op": op, "ticket": ticket.pk})
    client.post(
        do,
        {
            "op": "open_case",
            "ticket": ticket.pk,
            "kind": "consultation",
            "title": "咨询",
            "content": "x",
            "citizen_name": "李四",
            "citizen_phone": "13900001111",
        },
    )
    ticket.refresh_from_db()
    assert ticket.status == "finished"
    assert ticket.case_id is None  # a finished visit's case is opened while serving, not after
    # Then the pad (this device, paired by the hall's manager, who signs out) offers the ticket and records
    # the citizen's rating
    client.force_login(county.people["county_admin"])
    assert client.post(f"/hall/pad/{window.pk}/pair/").status_code == 302
    client.post("/logout/")  # signing out on the site (the test client's logout() would drop every cookie)
    pad = client.get(f"/hall/pad/{window.pk}/").content.decode()
    assert "A001" in pad
    client.post(f"/hall/pad/{window.pk}/", {"token": ticket.token, "level": "4"})
    assert list(PadRating.objects.values_list("level", flat=True)) == [4]
    # And the manager's page shows the day's figures
    client.force_login(county.people["county_admin"])
    page = client.get(f"/hall/{hall.pk}/").content.decode()
    assert "100.0%" in page


def test_the_console_opens_a_case_for_the_visit_in_hand(county: County, all_day: HallData, client) -> None:
    window = all_day.windows[1]
    client.post(f"/hall/{all_day.hall.pk}/kiosk/", {"service": all_day.services["A"].pk})
    client.force_login(county.people["window"])
    do = f"/hall/console/{window.pk}/do/"
    client.post(do, {"op": "sign_in"})
    client.post(do, {"op": "call_next"})
    ticket = Ticket.objects.get()
    client.post(do, {"op": "start", "ticket": ticket.pk})
    client.post(
        do,
        {
            "op": "open_case",
            "ticket": ticket.pk,
            "kind": "help",
            "title": "低保咨询",
            "content": "询问低保办理",
            "citizen_name": "李四",
            "citizen_phone": "13900001111",
        },
    )
    ticket.refresh_from_db()
    case = Case.objects.get(pk=ticket.case_id)
    assert (case.channel, case.unit_id, case.created_by_id) == (
        "window",
        county["center"].pk,
        county.people["window"].pk,
    )
    assert case.number in client.get(f"/hall/console/{window.pk}/").content.decode()


def test_a_hired_person_sees_why_the_console_refuses_them(county: County, all_day: HallData, client) -> None:
    hired = member(county["center"], Role.WINDOW_STAFF, username="hired", employment_type=EmploymentType.CONTRACT)
    client.force_login(hired)
    answer = client.post(f"/hall/console/{all_day.windows[1].pk}/do/", {"op": "sign_in"}, follow=True)
    assert "聘用" in answer.content.decode() or "Contract" in answer.content.decode()
    assert WindowEvent.objects.filter(user=hired, kind="refused").exists()


@pytest.mark.usefixtures("finding_kinds")
def test_the_discipline_pages_write_through_the_services_and_refuse_bad_input(
    county: County, hall: HallData, client
) -> None:
    # Given a violation at window 1 and the hall's manager signed in
    services.sign_in(hall.windows[1], actor=county.people["window"])
    patrols.record_patrol(
        hall.hall, actor=county.people["inspector"], observations=[patrols.Observation(hall.windows[1], kind="late")]
    )
    violation = Violation.objects.get()
    client.force_login(county.people["county_admin"])
    # When they record a talk, mark two windows (one with a bad mark first) and add an assessment item
    client.post(f"/hall/violations/{violation.pk}/act/", {"action": "account", "measure": "talk", "note": "约谈"})
    marks = f"/hall/{hall.hall.pk}/marks/"
    bad = client.post(
        marks, {"month": "2026-12", f"mark-{hall.windows[1].pk}": "90", f"mark-{hall.windows[2].pk}": "120"}
    )
    good = client.post(
        marks, {"month": "2026-12", f"mark-{hall.windows[1].pk}": "90", f"mark-{hall.windows[2].pk}": "75"}
    )
    assessment_page = f"/hall/{hall.hall.pk}/assessment/?year=2026&half=2"
    client.post(assessment_page, {"target": f"w{hall.windows[1].pk}", "title": "表扬信", "points": "2"})
    client.post(assessment_page, {"target": f"w{hall.windows[1].pk}", "title": "太多", "points": "9"})
    # Then: the measure, the marks and one item are written; the bad mark and the bad item wrote nothing
    assert ViolationEvent.objects.filter(violation=violation, measure="talk").count() == 1
    assert bad.status_code == 400 and "0 至 100" in bad.content.decode()
    assert good.status_code == 302
    assert sorted(DutyOfficerMark.objects.values_list("score", flat=True)) == [75, 90]
    assert list(AssessmentItem.objects.values_list("title", flat=True)) == ["表扬信"]
    page = client.get(assessment_page).content.decode()
    assert "表扬信" in page and "半年考核" in page
    notices = client.get(f"/hall/{hall.hall.pk}/notices/").content.decode()
    assert "提醒（蓝牌）" in notices and "约谈" in notices


@pytest.mark.usefixtures("finding_kinds")
def test_the_public_notices_page_shows_only_public_notices(county: County, hall: HallData, client) -> None:
    admin = county.people["county_admin"]
    patrols.publish_notice(hall.hall, actor=admin, title="内部通报", start=at(0).date(), end=at(0).date())
    patrols.publish_notice(hall.hall, actor=admin, title="公开通报", start=at(0).date(), end=at(0).date(), public=True)
    page = client.get(f"/hall/{hall.hall.pk}/notices/public/").content.decode()
    assert "公开通报" in page and "内部通报" not in page


def test_a_case_opened_at_a_window_names_its_ticket(county: County, all_day: HallData) -> None:
    staff, window = county.people["window"], all_day.windows[1]
    services.sign_in(window, actor=staff)
    all_day.take("A", at(9))
    ticket = services.call_next(window, actor=staff, now=at(9, 1))
    case = services.open_case(
        ticket,
        actor=staff,
        window=window,
        kind="consultation",
        title="咨询",
        content="社保转移",
        citizen_name="张三",
        citizen_phone="13800001111",
    )
    with translation.override("zh-hans"):
        shown = Template("{% load hall_links %}{% hall_visit case %}").render(Context({"case": case}))
    assert "A001" in shown and "1号窗口" in shown and all_day.hall.name in shown, shown
    assert Template("{% load hall_links %}{% hall_visit case %}").render(Context({"case": None})).strip() == ""


def test_only_the_pad_its_manager_paired_hands_out_the_ticket_to_rate(county: County, all_day: HallData) -> None:
    # A pad shows the secret of the ticket just served, with which it is rated: a phone on the hall's network
    # must not get it, or anyone could rate every visit before its citizen does.
    window = all_day.windows[1]
    first, second, stranger = Client(), Client(), Client()
    for device in (first, second):
        device.force_login(county.people["county_admin"])
    # Given the manager pairs the first device as window 1's pad
    paired = first.post(f"/hall/pad/{window.pk}/pair/")
    assert paired.status_code == 302 and paired.cookies[f"bianmin_pad_{window.pk}"]["httponly"]
    key = paired.cookies[f"bianmin_pad_{window.pk}"].value
    window.refresh_from_db()
    assert window.pad_paired_at is not None and key not in window.pad_key_digest  # only the digest is kept
    assert AuditEntry.objects.filter(action="hall.pad.pair", object_id=str(window.pk)).count() == 1
    first.post("/logout/")  # the pairing outlives signing out
    assert "_auth_user_id" not in first.session
    assert first.get(f"/hall/pad/{window.pk}/").status_code == 200
    assert first.get(f"/api/v1/hall/windows/{window.pk}/pad").status_code == 200
    # Then any other device is refused, page and API alike, with no ticket in the answer
    refused = stranger.get(f"/hall/pad/{window.pk}/")
    assert refused.status_code == 403 and "token" not in refused.content.decode()
    assert stranger.get(f"/api/v1/hall/windows/{window.pk}/pad").status_code == 403
    stranger.cookies[f"bianmin_pad_{window.pk}"] = "guessed"
    assert stranger.get(f"/api/v1/hall/windows/{window.pk}/pad").status_code == 403
    # And pairing a second device (a replaced tablet) makes the first one stop
    assert second.post(f"/hall/pad/{window.pk}/pair/").status_code == 302
    assert first.get(f"/hall/pad/{window.pk}/").status_code == 403
    assert second.get(f"/hall/pad/{window.pk}/").status_code == 200
