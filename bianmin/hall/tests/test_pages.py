"""The pages do what their buttons say: the kiosk issues a ticket, the console serves it, the pad rates it,
the display's board and the manager's page show it."""

from __future__ import annotations

from datetime import time

import pytest

from bianmin.cases.models import Case
from bianmin.conftest import County
from bianmin.hall.models import PadRating, QueueService, Ticket, WindowEvent
from bianmin.hall.tests.factories import HallData
from bianmin.org.choices import EmploymentType, Role
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
    # Then the pad offers the ticket and records the citizen's rating
    client.logout()
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
