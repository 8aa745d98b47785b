"""On-the-spot ratings: one per ticket-service, anonymous on the pad; a 差评 runs the case core's loop."""

from __future__ import annotations

from datetime import date

import pytest

from bianmin.cases.choices import CaseKind, CaseStatus, Channel
from bianmin.cases.models import Case
from bianmin.cases.services import perform
from bianmin.conftest import County
from bianmin.hall import ratings, services
from bianmin.hall.choices import TicketAction
from bianmin.hall.models import PadRating, Ticket
from bianmin.hall.tests.factories import HallData, at
from bianmin.workdays.services import current_calendar

pytestmark = pytest.mark.django_db


def served(county: County, hall: HallData, minute: int = 0) -> Ticket:
    staff = county.people["window"]
    if not services.WindowSession.objects.filter(user=staff, ended_at__isnull=True).exists():
        services.sign_in(hall.windows[1], actor=staff)
    ticket = hall.take("A", at(8, minute))
    services.call_next(hall.windows[1], actor=staff, now=at(9, minute))
    services.act(ticket, TicketAction.START, actor=staff, window=hall.windows[1], now=at(9, minute, 10))
    return services.act(ticket, TicketAction.FINISH, actor=staff, window=hall.windows[1], now=at(9, minute, 50))


def test_the_pad_offers_the_service_just_finished_and_rates_it_once(county: County, hall: HallData, api_as) -> None:
    ticket = served(county, hall)
    assert ratings.awaiting_rating(hall.windows[1], now=at(9, 5)) == ticket
    anonymous = api_as(None)
    first = anonymous.post(f"/hall/tickets/{ticket.token}/rating", {"level": 5})
    again = anonymous.post(f"/hall/tickets/{ticket.token}/rating", {"level": 1})
    assert first.status_code == 201 and first.json()["case"] is None
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    assert list(PadRating.objects.values_list("level", "staff__username")) == [(5, "window")]
    assert ratings.awaiting_rating(hall.windows[1], now=at(9, 5)) is None


def test_an_unfinished_ticket_cannot_be_rated(county: County, hall: HallData, api_as) -> None:
    waiting = hall.take("A", at(8))
    answer = api_as(None).post(f"/hall/tickets/{waiting.token}/rating", {"level": 4})
    assert answer.status_code == 404


def test_a_bad_rating_opens_a_rectification_on_the_working_day_calendar(county: County, hall: HallData) -> None:
    ticket = served(county, hall)
    rating = ratings.rate(ticket, level=1, comment="态度差", rater_name="张三", rater_phone="13800001111", now=at(10))
    case = Case.objects.get(pk=rating.case_id)
    assert (case.channel, case.kind, case.unit_id) == (Channel.WINDOW, CaseKind.COMPLAINT, county["center"].pk)
    assert (case.status, case.rating, case.citizen_phone) == (CaseStatus.CLOSED, 1, "13800001111")
    # 2026-12-09 (Wednesday) + 5 working days, by the calendar, to the end of that day
    due_day = current_calendar().add_workdays(date(2026, 12, 9), 5)
    assert case.rectify_due_at is not None and case.rectify_due_at.astimezone(at(0).tzinfo).date() == due_day
    assert due_day == date(2026, 12, 16)
    # the rest of the loop is the case core's: the unit rectifies and calls back, may appeal
    staff = county.people["window"]
    perform(case, "rectify", actor=staff, note="已约谈窗口人员", at=at(11))
    perform(case, "call_back", actor=staff, note="群众表示认可", at=at(12))
    case.refresh_from_db()
    assert case.rectified_at == at(11) and case.called_back_at == at(12)


def test_an_anonymous_bad_rating_keeps_the_rater_anonymous(county: County, hall: HallData) -> None:
    ticket = served(county, hall)
    rating = ratings.rate(ticket, level=2, now=at(10))
    case = Case.objects.get(pk=rating.case_id)
    assert case.citizen_name == ratings.ANONYMOUS_RATER and case.citizen_phone == hall.hall.phone
    assert case.rectify_due_at is not None
