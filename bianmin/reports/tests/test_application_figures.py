"""The application figures (办件, DESIGN §4.2, §5) as a county's statistician would check them: eight
applications of 白帝镇 in known states, counted by hand, now and as of moments in the past; grievances filed
at the same village hall stay out of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bianmin.cases.choices import Channel
from bianmin.cases.models import Case
from bianmin.cases.services import perform
from bianmin.cases.sla import SHANGHAI
from bianmin.cases.tests.factories import new_application, new_case
from bianmin.reports.kpi import Dimension, Period, kpi_by, kpi_summary
from bianmin.reports.tests.test_kpi_oracle import APPLICATION_COUNTED, COUNTED, oracle, played_from_the_database

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


MON = at("2026-03-02T09:00")


@dataclass
class Filed:
    """The applications, by the letter the hand counts use."""

    a1: Case
    a2: Case
    a3: Case
    a4: Case
    a5: Case
    a6: Case
    a7: Case
    a8: Case


@pytest.fixture
def filed(county, items) -> Filed:
    """All received on Monday 2 March 2026. 最低生活保障申请 (the township decides): promised 20, legal 30
    working days; with 清明 (4–6 April), accepted on 3 March it is due by 31 March, by law by 15 April."""
    staff, cadre_a, villager = county.people["township_staff"], county.people["cadre_a"], county.people["villager"]
    huanhua = county["huanhua"]

    def proxy(cadre=cadre_a, village=huanhua, **overrides):
        return new_application(cadre, items.subsistence, village=village, received_at=MON, **overrides)

    def decide(case, action, when, **fields):
        case = perform(case, "review", actor=staff, handler="township_staff", at=at(when) - (at(when) - MON) / 2)
        return perform(case, action, actor=staff, at=at(when), **fields)

    # A1: filed by the village cadre (代办), decided in time on both counts, delivered through the cadre: no trip.
    a1 = perform(proxy(), "accept", actor=staff, at=at("2026-03-02T10:00"))
    a1 = decide(a1, "approve", "2026-03-10T10:00")
    a1 = perform(a1, "deliver", actor=staff, delivery_method="village_proxy", at=at("2026-03-11T10:00"))
    # A2: by the cadre; the applicant brought the missing material in person (1 trip); approved after the
    # promised limit but within the legal one; collected at the window (2 trips).
    a2 = perform(proxy(), "request_supplement", actor=staff, missing=[1], at=at("2026-03-02T10:00"))
    a2 = perform(a2, "supplement", actor=staff, in_person=True, at=at("2026-03-03T10:00"))
    a2 = perform(a2, "accept", actor=staff, at=at("2026-03-03T11:00"))
    a2 = decide(a2, "approve", "2026-04-03T10:00")
    a2 = perform(a2, "deliver", actor=staff, delivery_method="window", at=at("2026-04-08T10:00"))
    # A3: at the township's window (1 trip), supplement in person (2), denied after both limits, the
    # decision collected at the window (3).
    a3 = new_application(staff, items.subsistence, channel=Channel.WINDOW, village=huanhua, received_at=MON)
    a3 = perform(a3, "request_supplement", actor=staff, missing=[1], at=at("2026-03-02T10:00"))
    a3 = perform(a3, "supplement", actor=staff, in_person=True, at=at("2026-03-03T10:00"))
    a3 = perform(a3, "accept", actor=staff, at=at("2026-03-03T11:00"))
    a3 = decide(a3, "deny", "2026-04-20T10:00", reason="家庭人均收入高于当地低保标准。")
    a3 = perform(a3, "deliver", actor=staff, delivery_method="window", at=at("2026-04-21T10:00"))
    # A4: online, accepted, under review. A5: online, not accepted (不予受理).
    online = {"channel": Channel.WEB, "village": huanhua, "received_at": MON}
    a4 = perform(new_application(villager, items.pension, **online), "accept", actor=staff, at=at("2026-03-02T10:00"))
    a4 = perform(a4, "review", actor=staff, handler="township_staff", at=at("2026-03-02T11:00"))
    a5 = new_application(villager, items.pension, **{**online, "channel": Channel.MOBILE})
    a5 = perform(
        a5, "refuse", actor=staff, reason="已在外地参保", proper_channel="参保地社保经办机构", at=at("2026-03-02T11:00")
    )
    # A6: by the cadre, not yet checked.
    a6 = proxy()
    # A7: by 石马村's cadre, accepted.
    a7 = perform(proxy(county.people["cadre_b"], county["shima"]), "accept", actor=staff, at=at("2026-03-02T10:00"))
    # A8: by the cadre, left without a one-time notice past 9 March: accepted on 12 March, by law on receipt.
    a8 = perform(proxy(), "accept", actor=staff, at=at("2026-03-12T09:00"))
    assert a8.application.deemed_accepted and a8.accepted_at == MON
    # Two grievances brought to the same village hall: counted as cases, never as applications.
    grievance = new_case(cadre_a, village=huanhua, received_at=MON)
    grievance = perform(grievance, "reply", actor=cadre_a, at=at("2026-03-02T12:00"), reply="已修复")
    perform(grievance, "complete", actor=cadre_a, at=at("2026-03-02T13:00"))
    new_case(cadre_a, village=huanhua, received_at=MON)
    return Filed(a1, a2, a3, a4, a5, a6, a7, a8)


def test_the_figures_now_match_the_hand_counts(county, filed):
    """Trips of the completed: A1 0, A2 2, A3 3 → 5 ÷ 3 = 1.66… → 1.6, truncated."""
    assert [c.application.trips for c in (filed.a1, filed.a2, filed.a3)] == [0, 2, 3]
    f = kpi_summary(county["county"], MARCH).figures
    assert (f.applications_received, f.applications_accepted, f.applications_completed) == (8, 6, 3)
    assert (f.applications_on_time, f.application_on_time_rate) == (1, Decimal("33.3"))
    assert (f.applications_within_legal_limit, f.application_legal_on_time_rate) == (2, Decimal("66.6"))
    assert (f.applications_online, f.application_online_share) == (2, Decimal("25.0"))
    assert (f.application_trips, f.application_average_trips) == (5, Decimal("1.6"))
    assert (f.applications_one_trip, f.application_one_trip_share) == (1, Decimal("33.3"))
    assert f.application_completion_rate == Decimal("50.0")
    # The village system: accepted applications filed at or for a village (A1, A2, A7, A8), not the
    # grievances of the same village hall, nor A3 (at the window) or A6 (not yet accepted).
    assert (f.village_handled, f.village_completed, f.village_completion_rate) == (4, 2, Decimal("50.0"))
    # The case figures count applications and grievances alike, as before.
    assert (f.accepted, f.completed) == (8, 4)


def test_the_township_breakdown_splits_them_by_village(county, filed):
    report = kpi_summary(county["baidi"], MARCH)
    by_village = {g.label: g.figures for g in report.breakdown}
    huanhua, shima = by_village["浣花村"], by_village["石马村"]
    assert (huanhua.applications_received, huanhua.village_handled, huanhua.village_completed) == (7, 3, 2)
    assert (shima.applications_received, shima.village_handled, shima.village_completed) == (1, 1, 0)
    assert report.figures.applications_received == 8


def test_as_of_a_past_moment_the_figures_are_those_of_that_moment(county, filed):
    """3 April noon: A1 and A2 decided, A2's result not yet collected (1 trip so far), A3 undecided.
    5 March: nothing decided, and A8 not yet accepted — its acceptance on receipt came on 12 March."""
    april = kpi_summary(county["county"], MARCH, as_of=at("2026-04-03T12:00")).figures
    assert (april.applications_accepted, april.applications_completed) == (6, 2)
    assert (april.application_on_time_rate, april.application_legal_on_time_rate) == (Decimal("50.0"), Decimal(100))
    assert (april.application_trips, april.application_average_trips) == (1, Decimal("0.5"))
    assert (april.applications_one_trip, april.application_one_trip_share) == (2, Decimal(100))
    assert (april.village_handled, april.village_completed) == (4, 2)

    march = kpi_summary(county["county"], MARCH, as_of=at("2026-03-05T12:00")).figures
    assert (march.applications_received, march.applications_accepted, march.applications_completed) == (8, 5, 0)
    assert (march.village_handled, march.accepted) == (3, 7)  # A1–A4, A7 and the two grievances
    assert march.application_on_time_rate is None and march.application_average_trips is None
    assert kpi_summary(county["county"], MARCH, as_of=at("2026-03-13T12:00")).figures.village_handled == 4

    before = kpi_summary(county["county"], MARCH, as_of=at("2026-03-01T12:00")).figures
    assert (before.applications_received, before.application_online_share) == (0, None)


def test_the_present_and_the_past_tense_agree_now(county, filed):
    assert (
        kpi_summary(county["county"], MARCH).figures
        == kpi_summary(county["county"], MARCH, as_of=timezone.now()).figures
    )


def test_by_channel_the_online_share_is_all_or_nothing(county, filed):
    groups = {g.key: g.figures for g in kpi_by(county["county"], MARCH, Dimension.CHANNEL)}
    assert (groups["web"].applications_received, groups["web"].application_online_share) == (1, Decimal(100))
    assert (groups["mobile"].applications_accepted, groups["mobile"].applications_online) == (0, 1)
    assert (groups["window"].application_trips, groups["window"].application_legal_on_time_rate) == (3, Decimal(0))
    hall = groups["village_hall"]
    assert (hall.accepted, hall.applications_accepted, hall.village_handled) == (6, 4, 4)
    assert hall.application_online_share == Decimal(0)


def test_the_engine_agrees_with_a_replay_of_the_events_at_every_step(county, filed):
    """Just before and at every event of these applications, the SQL agrees with the literal replay."""
    played = played_from_the_database()
    moments = sorted({e.at for history in played.events.values() for e in history})
    for moment in [m + delta for m in moments for delta in (timedelta(seconds=-1), timedelta())]:
        expected = oracle(played, MARCH.since, MARCH.until, moment)
        got = kpi_summary(county["county"], MARCH, as_of=moment, ratings=False).figures
        assert {name: getattr(got, name) for name in (*COUNTED, *APPLICATION_COUNTED)} == expected, moment
