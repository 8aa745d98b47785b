"""The queue's rules: numbering, calling order, transfer, no-show, day end, sign-in of formal staff only."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bianmin.conftest import County
from bianmin.errors import DomainError, PermissionDenied
from bianmin.hall import services
from bianmin.hall.choices import GreenReason, TicketAction, TicketChannel, TicketStatus, WindowEventKind, WindowState
from bianmin.hall.errors import HallError
from bianmin.hall.models import QueueService, Ticket, TicketEvent, WindowEvent, WindowSession
from bianmin.hall.tests.factories import HallData, at, make_hall
from bianmin.org.choices import EmploymentType, Role
from bianmin.org.tests.factories import member

pytestmark = pytest.mark.django_db


def test_numbers_carry_the_prefix_and_restart_each_day(hall: HallData) -> None:
    first = [hall.take("A", at(9, m)).number for m in range(3)]
    other = hall.take("B", at(9, 5)).number
    next_day = hall.take("A", at(9, 0, day=10)).number
    assert first == ["A001", "A002", "A003"]
    assert (other, next_day) == ("B001", "A001")


def test_daily_cap_and_issuing_hours_are_the_service_rows(hall: HallData) -> None:
    service = hall.services["C"]
    QueueService.objects.filter(pk=service.pk).update(daily_cap=2, opens_at=time(9), closes_at=time(11))
    service.refresh_from_db()
    with pytest.raises(DomainError) as early:
        hall.take("C", at(8, 59))
    hall.take("C", at(9, 0))
    hall.take("C", at(9, 1))
    with pytest.raises(DomainError) as full:
        hall.take("C", at(9, 2))
    assert (early.value.code, full.value.code) == (HallError.OUTSIDE_HOURS, HallError.DAILY_CAP)


def test_a_hired_person_is_refused_at_a_window_and_the_attempt_recorded(county: County, hall: HallData) -> None:
    hired = member(county["center"], Role.WINDOW_STAFF, username="hired", employment_type=EmploymentType.CONTRACT)
    with pytest.raises(DomainError) as refused:
        services.sign_in(hall.windows[1], actor=hired)
    assert refused.value.code == HallError.NOT_FORMAL_STAFF and refused.value.status == 403
    assert "Contract staff" in str(refused.value.message) or "聘用" in str(refused.value.message)
    assert WindowEvent.objects.filter(window=hall.windows[1], user=hired, kind=WindowEventKind.REFUSED).count() == 1
    assert not WindowSession.objects.filter(user=hired).exists()


def test_staff_act_only_at_their_own_hall(county: County, hall: HallData) -> None:
    elsewhere = make_hall(county["baidi"], name="白帝镇便民服务中心", windows=1)
    with pytest.raises(PermissionDenied):
        services.sign_in(elsewhere.windows[1], actor=county.people["window"])
    services.sign_in(hall.windows[1], actor=county.people["window"])
    ticket = hall.take("A", at(9))
    with pytest.raises(DomainError) as not_here:
        services.call_next(hall.windows[2], actor=county.people["window"], now=at(9, 1))
    assert not_here.value.code == HallError.NOT_SIGNED_IN
    assert services.call_next(hall.windows[1], actor=county.people["window"], now=at(9, 1)) == ticket


def test_calling_order_green_then_due_appointment_then_priority_then_issue_time(county: County, hall: HallData) -> None:
    staff = county.people["window"]
    services.sign_in(hall.windows[2], actor=staff)  # window 2: A first (priority 1), then B
    early_b = hall.take("B", at(8, 0))
    a1 = hall.take("A", at(8, 5))
    booked = hall.take("B", at(8, 10), actor=staff, appointment_at=at(9, 0))
    green = hall.take("B", at(8, 20), actor=staff, green=GreenReason.ELDERLY)
    a2 = hall.take("A", at(8, 30))
    later_booking = hall.take("B", at(8, 31), actor=staff, appointment_at=at(11, 0))
    called = []
    for minute in range(6):
        ticket = services.call_next(hall.windows[2], actor=staff, now=at(9, 1 + minute))
        services.act(ticket, TicketAction.NO_SHOW, actor=staff, window=hall.windows[2], now=at(9, 1 + minute))
        called.append(ticket.number)
    # green; the appointment due at 9:00; A before B at this window; within a service, the issue time
    expected = [green, booked, a1, a2, early_b, later_booking]
    assert called == [t.number for t in expected]


def test_transfer_keeps_the_visitors_place(county: County, hall: HallData) -> None:
    staff, other = county.people["window"], member(county["center"], Role.WINDOW_STAFF, username="w3")
    services.sign_in(hall.windows[1], actor=staff)
    services.sign_in(hall.windows[3], actor=other)
    moved = hall.take("A", at(8, 0))
    already_waiting = hall.take("B", at(8, 30))
    ticket = services.call_next(hall.windows[1], actor=staff, now=at(9))
    services.act(ticket, TicketAction.START, actor=staff, window=hall.windows[1], now=at(9, 1))
    services.act(
        ticket,
        TicketAction.TRANSFER,
        actor=staff,
        window=hall.windows[1],
        to_service=hall.services["B"],
        reason="需民政审核",
        now=at(9, 5),
    )
    # Taken at 8:00, the visitor is ahead of the B ticket taken at 8:30.
    assert services.call_next(hall.windows[3], actor=other, now=at(9, 6)) == moved
    assert already_waiting.status == TicketStatus.WAITING
    moved.refresh_from_db()
    assert (moved.service_id, moved.queued_at, moved.window_id) == (hall.services["B"].pk, at(8, 0), hall.windows[3].pk)


def test_a_no_show_may_be_called_again_and_the_day_end_counts_it_apart(county: County, hall: HallData) -> None:
    staff = county.people["window"]
    services.sign_in(hall.windows[1], actor=staff)
    missed, never_called = hall.take("A", at(8)), hall.take("A", at(8, 1))
    services.call_next(hall.windows[1], actor=staff, now=at(9))
    services.act(missed, TicketAction.RECALL, actor=staff, window=hall.windows[1], now=at(9, 1))
    services.act(missed, TicketAction.NO_SHOW, actor=staff, window=hall.windows[1], now=at(9, 2))
    again = services.act(missed, TicketAction.CALL, actor=staff, window=hall.windows[1], now=at(9, 3))
    assert again.status == TicketStatus.CALLED
    services.act(missed, TicketAction.NO_SHOW, actor=staff, window=hall.windows[1], now=at(9, 4))
    assert services.expire_day(before=at(0, day=10).date(), now=at(1, day=10)) == 2
    assert services.expire_day(before=at(0, day=10).date(), now=at(1, day=10)) == 0  # idempotent
    ends = dict(TicketEvent.objects.filter(action=TicketAction.EXPIRE).values_list("ticket_id", "from_status"))
    assert ends == {missed.pk: TicketStatus.NO_SHOW, never_called.pk: TicketStatus.WAITING}
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.EXPIRED}


def test_an_illegal_action_is_refused_by_the_table(county: County, hall: HallData) -> None:
    staff = county.people["window"]
    services.sign_in(hall.windows[1], actor=staff)
    ticket = hall.take("A", at(8))
    services.call_next(hall.windows[1], actor=staff, now=at(9))
    with pytest.raises(DomainError) as refused:
        services.act(ticket, TicketAction.FINISH, actor=staff, window=hall.windows[1], now=at(9, 1))
    assert refused.value.code == HallError.ILLEGAL_TRANSITION and refused.value.status == 409
    actions = list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True))
    assert actions == [TicketAction.ISSUE, TicketAction.CALL]
    assert Ticket.objects.get(pk=ticket.pk).channel == TicketChannel.KIOSK


def test_a_phone_given_with_a_ticket_is_checked(hall: HallData) -> None:
    with pytest.raises(DomainError) as refused:
        hall.take("A", at(9), phone="12345")
    assert refused.value.fields.keys() == {"phone"}
    assert hall.take("A", at(9), phone="13800001111").phone == "13800001111"


def test_call_next_says_why_it_called_no_one(county: County, hall: HallData) -> None:
    staff = county.people["window"]
    services.sign_in(hall.windows[1], actor=staff)

    def refusal() -> str:
        with pytest.raises(DomainError) as refused:
            services.call_next(hall.windows[1], actor=staff, now=at(9, 30))
        return refused.value.code

    empty = refusal()
    services.set_state(hall.windows[1], actor=staff, state=WindowState.PAUSED)
    hall.take("A", at(9))
    paused = refusal()
    services.set_state(hall.windows[1], actor=staff, state=WindowState.OPEN)
    hall.take("A", at(9, 1))
    services.call_next(hall.windows[1], actor=staff, now=at(9, 30))
    in_hand = refusal()
    assert [empty, paused, in_hand] == [HallError.QUEUE_EMPTY, HallError.WINDOW_NOT_OPEN, HallError.ILLEGAL_TRANSITION]


def test_call_next_through_the_api_is_five_statements(county: County, hall: HallData, api_as: Any) -> None:
    """Token, window (scoped), the candidates with the caller's right to call, the claim and its event."""
    staff = county.people["window"]
    QueueService.objects.update(opens_at=time(0), closes_at=time(23, 59, 59))  # whatever the hour it runs at
    hall.services["A"].refresh_from_db()
    services.sign_in(hall.windows[1], actor=staff)
    hall.take("A", timezone.now())
    api = api_as(staff)
    api.get("/hall/halls")  # the worker now holds the caller's grants, as it does between requests
    with CaptureQueriesContext(connection) as queries:
        answer = api.post(f"/hall/windows/{hall.windows[1].pk}/call-next", {})
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert answer.status_code == 200 and answer.json()["number"] == "A001"
    assert len(statements) == 5, "\n".join(statements)
