"""The hall's pages answer bad input with their default or a message (never a 500), keep what a person typed
when they refuse it, and name no API field; the visitor rates a finished service on their ticket's page."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest

from bianmin import inputs
from bianmin.conftest import County
from bianmin.errors import InvalidInput
from bianmin.hall import assessment, patrols, services
from bianmin.hall.models import AssessmentItem, DutyOfficerMark, HallNotice, PadRating, QueueService, Ticket, Violation
from bianmin.hall.tests.factories import HallData

pytestmark = pytest.mark.django_db


@pytest.fixture
def all_day(hall: HallData) -> HallData:
    QueueService.objects.update(opens_at=time(0), closes_at=time(23, 59, 59))
    return hall


def test_the_parsers_take_what_the_field_asks_for_and_nothing_else() -> None:
    assert [inputs.whole(t) for t in ("12", " 7 ", "", "²", "١٢", "1e3", "-1", "9" * 30)] == [12] + [7] + [None] * 6
    assert inputs.whole("101", high=100) is None
    assert [inputs.day(t) for t in ("2026-12-09", "2026-02-30", "0001-01-01", "9999-12-31", "x")] == [
        inputs.FIRST_DAY.replace(year=2026, month=12, day=9),
        None,
        None,
        None,
        None,
    ]
    assert [inputs.month(t) for t in ("2026-12", "2026-13", "2026-12-09", "")] == [
        inputs.FIRST_DAY.replace(year=2026, month=12),
        None,
        None,
        None,
    ]


@pytest.mark.usefixtures("finding_kinds")
def test_bad_values_in_addresses_and_forms_get_the_default_or_a_message(
    county: County, all_day: HallData, client
) -> None:
    # Given the hall's manager, a violation and a window signed in
    hall, window = all_day.hall, all_day.windows[1]
    services.sign_in(window, actor=county.people["window"])
    patrols.record_patrol(
        hall, actor=county.people["inspector"], observations=[patrols.Observation(window, kind="late")]
    )
    violation = Violation.objects.get()
    client.force_login(county.people["county_admin"])
    # When every page is given days that do not exist, years out of range and digits int() refuses
    pages = [
        f"/hall/{hall.pk}/?day=2026-02-30",
        f"/hall/{hall.pk}/stats.xlsx?day=0001-01-01",
        f"/hall/{hall.pk}/ranking/?month=2026-13",
        f"/hall/{hall.pk}/ranking/?month=9999-12",
        f"/hall/{hall.pk}/ranking.xlsx?month=0001-01",
        f"/hall/{hall.pk}/marks/?month=2026-13",
        f"/hall/{hall.pk}/assessment/?year=²",
    ]
    answers = {page: client.get(page).status_code for page in pages}
    posts = [
        (f"/hall/{hall.pk}/notices/", {"title": "通报", "start": "2026-02-30", "end": "2026-12-09"}),
        (f"/hall/{hall.pk}/notices/", {"title": "通报", "start": "0001-01-01", "end": "0001-01-01"}),
        (f"/hall/{hall.pk}/assessment/", {"target": "p²", "title": "x", "points": "1"}),
        (f"/hall/{hall.pk}/assessment/", {"target": f"w{window.pk}", "title": "x", "points": "NaN"}),
        (f"/hall/violations/{violation.pk}/act/", {"action": "order_fix", "fix_days": "²"}),
        (f"/hall/console/{window.pk}/do/", {"op": "call", "ticket": "²"}),
        (f"/hall/console/{window.pk}/do/", {"op": "transfer", "ticket": "abc"}),
    ]
    redirected = [client.post(url, form).status_code for url, form in posts]
    kiosk = client.post(f"/hall/{hall.pk}/kiosk/", {"service": "²"})
    # Then: the pages show their defaults, the forms refuse with a message and write nothing
    assert answers == dict.fromkeys(pages, 200)
    assert redirected == [302] * len(posts)
    assert kiosk.status_code == 409 and Ticket.objects.count() == 0
    assert not HallNotice.objects.exists() and not AssessmentItem.objects.exists()
    messages = [str(m) for m in client.get(f"/hall/{hall.pk}/notices/").context["messages"]]
    assert "请以两个日期（2000年至2100年之间）填写通报期间。" in messages[0]
    assert not any("title" in m or "points" in m or "start" in m for m in messages), messages


def test_nan_points_are_refused_not_compared(county: County, hall: HallData) -> None:
    with pytest.raises(InvalidInput) as refused:
        assessment.add_item(
            hall.hall,
            actor=county.people["county_admin"],
            year=2026,
            half=2,
            title="x",
            points=Decimal("NaN"),
            window=hall.windows[1],
        )
    assert set(refused.value.fields) == {"points"}


def test_a_refused_mark_brings_the_form_back_as_typed_and_writes_none(county: County, hall: HallData, client) -> None:
    # Given a mark already saved for window 3
    DutyOfficerMark.objects.create(window=hall.windows[3], month=inputs.month("2026-12"), score=60)
    client.force_login(county.people["county_admin"])
    # When the manager types a good mark, a mark over 100 and a word
    typed = {"month": "2026-12", **{f"mark-{hall.windows[n].pk}": t for n, t in ((1, "88"), (2, "120"), (3, "abc"))}}
    answer = client.post(f"/hall/{hall.hall.pk}/marks/", typed)
    # Then: nothing is written, and the form shows what was typed with the two bad ones flagged
    rows = {r["window"].number: (r["mark"], r["wrong"]) for r in answer.context["rows"]}
    assert answer.status_code == 400
    assert rows == {1: ("88", False), 2: ("120", True), 3: ("abc", True)}
    assert list(DutyOfficerMark.objects.values_list("score", flat=True)) == [60]


def test_a_case_refused_at_the_console_comes_back_as_typed(county: County, all_day: HallData, client) -> None:
    # Given a visitor in hand at window 1
    window = all_day.windows[1]
    client.post(f"/hall/{all_day.hall.pk}/kiosk/", {"service": all_day.services["A"].pk})
    client.force_login(county.people["window"])
    do = f"/hall/console/{window.pk}/do/"
    for op in ("sign_in", "call_next"):
        client.post(do, {"op": op})
    ticket = Ticket.objects.get()
    console = client.get(f"/hall/console/{window.pk}/").content.decode()
    # When a case is opened with a phone number that is not one
    typed = {"kind": "help", "title": "低保咨询", "content": "询问低保办理", "citizen_name": "李四"}
    answer = client.post(do, {"op": "open_case", "ticket": ticket.pk, **typed, "citizen_phone": "12345"})
    # Then: the console comes back with the form open and filled, the message names no field; nothing to
    # call meanwhile (the main button waits for the visitor in hand)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert all(value in page for value in (*typed.values(), "12345")) and "<details open>" in page
    said = [str(m) for m in answer.context["messages"]]
    assert len(said) == 1 and "11 位手机号码" in said[0] and "citizen_phone" not in said[0]
    assert 'value="call_next" disabled' in console
    assert Ticket.objects.get().case_id is None


def test_the_visitor_rates_a_finished_service_once_on_their_tickets_page(
    county: County, all_day: HallData, client
) -> None:
    # Given a visitor's ticket, waiting
    client.post(f"/hall/{all_day.hall.pk}/kiosk/", {"service": all_day.services["A"].pk})
    ticket = Ticket.objects.get()
    page = f"/hall/t/{ticket.token}/"
    waiting = client.get(page)
    early = client.post(page, {"level": "5"})
    # When the window serves it and the visitor rates it, twice
    staff, window = county.people["window"], all_day.windows[1]
    services.sign_in(window, actor=staff)
    services.call_next(window, actor=staff)
    for action in ("start", "finish"):
        services.act(Ticket.objects.get(), action, actor=staff, window=window)
    finished = client.get(page)
    client.post(page, {"level": "4", "comment": "耐心"})
    again = client.post(page, {"level": "1"}, follow=True)
    # Then: the levels show only once it is finished and not rated; one rating is kept, the second refused
    assert early.status_code == 302 and waiting.context["levels"] == []
    assert [value for value, _label in finished.context["levels"]] == [5, 4, 3, 2, 1]
    assert list(PadRating.objects.values_list("level", "comment", "window_id")) == [(4, "耐心", window.pk)]
    assert "已经评价过了" in again.content.decode() and again.context["levels"] == []
