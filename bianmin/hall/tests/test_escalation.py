"""The escalation chain (蓝牌 → 黄牌 → 红牌) and accountability as a table; the half-year assessment; 进驻率."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.catalog.tests.factories import new_item
from bianmin.conftest import County
from bianmin.errors import DomainError, InvalidInput, PermissionDenied
from bianmin.hall import assessment, escalation, patrols, ranking, services
from bianmin.hall.choices import Measure, ViolationAction, ViolationStatus
from bianmin.hall.models import AssessmentItem, DutyOfficerMark, EscalationPolicy, Violation, ViolationEvent
from bianmin.hall.patrols import Observation
from bianmin.hall.stats import presence_rate
from bianmin.hall.tests.factories import HallData, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("finding_kinds")]


def _violate(county: County, hall: HallData, moment: object, kind: str = "late") -> Violation:
    patrol = patrols.record_patrol(
        hall.hall, actor=county.people["inspector"], observations=[Observation(hall.windows[1], kind=kind)], at=moment
    )
    return Violation.objects.get(finding__patrol=patrol)


def test_a_persons_violations_of_a_month_climb_the_chain_with_a_deadline_on_the_calendar(
    county: County, hall: HallData
) -> None:
    services.sign_in(hall.windows[1], actor=county.people["window"])
    # Friday 11 December 2026: five working days later is Friday the 18th, over a weekend.
    first, second, third = (_violate(county, hall, at(9 + i, day=11)) for i in range(3))
    next_month = _violate(county, hall, at(9, day=4, month=1).replace(year=2027))
    cards = [(v.status, v.fix_by) for v in (first, second, third, next_month)]
    assert cards == [
        (ViolationStatus.REMINDED, None),
        (ViolationStatus.FIX_ORDERED, date(2026, 12, 18)),
        (ViolationStatus.NOTICED, None),
        (ViolationStatus.REMINDED, None),  # a new month starts again
    ]
    first_events = ViolationEvent.objects.filter(action=ViolationAction.RECORD).values_list("to_status", flat=True)
    assert list(first_events) == [c for c, _due in cards]


def test_the_hall_policy_sets_where_the_chain_starts_and_the_deadline(county: County, hall: HallData) -> None:
    EscalationPolicy.objects.create(hall=hall.hall, fix_from=1, notice_from=2, fix_days=1)
    services.sign_in(hall.windows[1], actor=county.people["window"])
    first, second = (_violate(county, hall, at(9 + i, day=11)) for i in range(2))
    assert (first.status, first.fix_by) == (ViolationStatus.FIX_ORDERED, date(2026, 12, 14))  # Friday → Monday
    assert second.status == ViolationStatus.NOTICED


def test_managers_move_a_violation_by_the_table_and_a_measure_keeps_its_card(county: County, hall: HallData) -> None:
    services.sign_in(hall.windows[1], actor=county.people["window"])
    violation, manager = _violate(county, hall, at(9, day=9)), county.people["county_admin"]
    ordered = escalation.act(violation, ViolationAction.ORDER_FIX, actor=manager, fix_days=2, now=at(10, day=11))
    assert (ordered.status, ordered.fix_by) == (ViolationStatus.FIX_ORDERED, date(2026, 12, 15))
    fixed = escalation.act(violation, ViolationAction.CONFIRM_FIX, actor=manager, now=at(10, day=14))
    with pytest.raises(DomainError) as refused:
        escalation.act(violation, ViolationAction.ESCALATE, actor=manager, note="再犯", now=at(11, day=14))
    talked = escalation.act(
        violation, ViolationAction.ACCOUNT, actor=manager, measure=Measure.TALK, note="约谈", now=at(15, day=14)
    )
    assert refused.value.code == "illegal_transition" and refused.value.status == 409
    assert fixed.status == talked.status == ViolationStatus.FIXED
    steps = list(ViolationEvent.objects.filter(violation=violation).values_list("action", "to_status", "measure"))
    assert steps == [
        (ViolationAction.RECORD, ViolationStatus.REMINDED, ""),
        (ViolationAction.ORDER_FIX, ViolationStatus.FIX_ORDERED, ""),
        (ViolationAction.CONFIRM_FIX, ViolationStatus.FIXED, ""),
        (ViolationAction.ACCOUNT, ViolationStatus.FIXED, Measure.TALK),
    ]
    assert [e.measure for e in escalation.measures_taken(hall.hall, date(2026, 12, 1), date(2026, 12, 31))] == [
        Measure.TALK
    ]


def test_only_managers_act_and_bad_input_writes_nothing(county: County, hall: HallData) -> None:
    services.sign_in(hall.windows[1], actor=county.people["window"])
    violation = _violate(county, hall, at(9))
    with pytest.raises(PermissionDenied):
        escalation.act(violation, ViolationAction.ESCALATE, actor=county.people["inspector"], note="x")
    with pytest.raises(InvalidInput) as no_reason:
        escalation.act(violation, ViolationAction.ESCALATE, actor=county.people["county_admin"])
    with pytest.raises(InvalidInput) as no_measure:
        escalation.act(violation, ViolationAction.ACCOUNT, actor=county.people["county_admin"], measure="fine")
    with pytest.raises(DomainError) as by_platform:
        escalation.act(violation, ViolationAction.OVERDUE, actor=county.people["county_admin"])
    assert (set(no_reason.value.fields), set(no_measure.value.fields)) == ({"note"}, {"measure"})
    assert by_platform.value.status == 404
    assert ViolationEvent.objects.filter(violation=violation).count() == 1
    assert Violation.objects.get(pk=violation.pk).status == ViolationStatus.REMINDED


def test_a_deadline_passed_unfixed_turns_the_card_red_once(county: County, hall: HallData) -> None:
    services.sign_in(hall.windows[1], actor=county.people["window"])
    _violate(county, hall, at(9, day=11))
    late = _violate(county, hall, at(10, day=11))  # yellow, due Friday the 18th
    assert escalation.escalate_overdue(now=at(0, 10, day=18)) == 0
    assert escalation.escalate_overdue(now=at(0, 10, day=19)) == 1
    assert escalation.escalate_overdue(now=at(0, 10, day=20)) == 0
    late.refresh_from_db()
    assert late.status == ViolationStatus.NOTICED
    assert ViolationEvent.objects.filter(violation=late).last().action == ViolationAction.OVERDUE  # type: ignore[union-attr]


def test_the_sweep_turns_every_overdue_card_in_one_read_one_update_and_one_insert(
    county: County, hall: HallData
) -> None:
    # Given: three yellow cards due Monday the 14th, and one due later
    EscalationPolicy.objects.create(hall=hall.hall, fix_from=1, notice_from=9, fix_days=1)
    services.sign_in(hall.windows[1], actor=county.people["window"])
    due = [_violate(county, hall, at(9 + i, day=11)) for i in range(3)]
    later = _violate(county, hall, at(9, day=15))
    # When: the sweep runs on Tuesday the 15th, then again
    with CaptureQueriesContext(connection) as queries:
        turned = escalation.escalate_overdue(now=at(0, 10, day=15))
    again = escalation.escalate_overdue(now=at(0, 20, day=15))
    # Then: the three turn red, each with one event keeping its deadline, in three statements however many
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert (turned, again) == (3, 0)
    assert len(statements) == 3, "\n".join(statements)
    cards = dict(Violation.objects.values_list("pk", "status"))
    assert [cards[v.pk] for v in due] == [ViolationStatus.NOTICED] * 3
    assert cards[later.pk] == ViolationStatus.FIX_ORDERED
    overdue = ViolationEvent.objects.filter(action=ViolationAction.OVERDUE).order_by("violation_id")
    assert list(overdue.values_list("violation_id", "from_status", "to_status", "fix_by", "actor")) == [
        (v.pk, ViolationStatus.FIX_ORDERED, ViolationStatus.NOTICED, date(2026, 12, 14), None) for v in due
    ]


def test_the_half_year_assessment_averages_the_months_served_and_caps_the_bonus(county: County, hall: HallData) -> None:
    staff, manager = county.people["window"], county.people["county_admin"]
    services.sign_in(hall.windows[1], actor=staff, now=at(9, day=1, month=7))
    _violate(county, hall, at(10, day=8, month=7), kind="off_post")  # −3 in July
    _violate(county, hall, at(10, day=9, month=9), kind="absent_half_day")  # −5 in September
    for title in ("表扬信", "优秀窗口"):
        assessment.add_item(hall.hall, actor=manager, year=2026, half=2, title=title, points=Decimal(4), person=staff)
    DutyOfficerMark.objects.create(window=hall.windows[1], month=date(2026, 7, 1), score=90)
    with pytest.raises(PermissionDenied):
        assessment.add_item(hall.hall, actor=staff, year=2026, half=2, title="x", points=Decimal(1), person=staff)
    with pytest.raises(InvalidInput):
        assessment.add_item(hall.hall, actor=manager, year=2026, half=2, title="x", points=Decimal(6), person=staff)
    result = assessment.half_year(hall.hall, 2026, 2, today=date(2026, 10, 15))
    # July to October served: (97 + 100 + 95 + 100) / 4 = 98, plus the bonus capped at 5 → 103.
    person = result["people"][0]
    assert (person["months"], person["monthly_mean"], person["items"], person["score"]) == (
        4,
        Decimal("98.0"),
        Decimal(5),
        Decimal("103.0"),
    )
    window = result["windows"][0]
    assert window["window"] == 1 and window["months"] == 2 and window["grade"]


def test_presence_rate_counts_the_expected_items_a_queue_serves_at_a_window(county: County, hall: HallData) -> None:
    department = county["rsj"]  # a department of the county, beside the service center
    items = [new_item(department, code=f"TESTITEM0000{i}") for i in range(3)]
    new_item(county["baidi"], code="TESTITEM00009")  # a township's item: not the county center's to offer
    hall.services["A"].items.add(items[0])
    hall.services["C"].items.add(items[1])
    hall.windows[3].window_services.filter(service=hall.services["C"]).delete()  # no window calls C
    figures = presence_rate(hall.hall)
    assert figures == {"expected": 3, "in_hall": 1, "rate": Decimal("33.3")}


def test_duty_marks_through_the_api_feed_the_ranking_and_bad_marks_write_nothing(
    county: County, hall: HallData, api_as: Any
) -> None:
    manager = api_as(county.people["county_admin"])
    url = f"/hall/halls/{hall.hall.pk}/duty-marks"
    no_window = manager.post(
        url, {"month": "2026-12-09", "marks": [{"window": 1, "score": 90}, {"window": 9, "score": 1}]}
    )
    too_high = manager.post(url, {"month": "2026-12-09", "marks": [{"window": 1, "score": 101}]})
    saved = manager.post(
        url, {"month": "2026-12-09", "marks": [{"window": 1, "score": 90}, {"window": 2, "score": None}]}
    )
    assert no_window.status_code == 400 and set(no_window.json()["fields"]) == {"marks.1.window"}
    assert too_high.status_code == 422
    assert saved.status_code == 200 and saved.json() == {"month": "2026-12-01", "saved": 1}
    assert list(DutyOfficerMark.objects.values_list("window__number", "month", "score")) == [(1, date(2026, 12, 1), 90)]
    rows = {r["window"]: r for r in ranking.month_ranking(hall.hall, 2026, 12)}
    assert rows[1]["duty_officer"] == Decimal(90) and 2 not in rows
    # A mark entered again replaces the month's mark
    assert manager.post(url, {"month": "2026-12-01", "marks": [{"window": 1, "score": 75}]}).status_code == 200
    assert list(DutyOfficerMark.objects.values_list("window__number", "score")) == [(1, 75)]


def test_an_assessment_item_names_only_someone_who_has_served_at_the_halls_windows(
    county: County, hall: HallData, api_as: Any, client: Any
) -> None:
    # Given: the window's staff member served a morning at window 1; the township's staff never did
    staff, manager = county.people["window"], county.people["county_admin"]
    services.sign_in(hall.windows[1], actor=staff, now=at(9))
    services.sign_out(hall.windows[1], actor=staff, now=at(12))
    url, item = (
        f"/hall/halls/{hall.hall.pk}/assessment-items",
        {"year": 2026, "half": 2, "title": "表扬信", "points": 2},
    )
    # When: a manager names each through the API, and through the page names the stranger
    stranger = api_as(manager).post(url, {**item, "person": "township_staff"})
    served = api_as(manager).post(url, {**item, "person": "window"})
    client.force_login(manager)
    page_url = f"/hall/{hall.hall.pk}/assessment/?year=2026&half=2"
    client.post(page_url, {"target": f"p{county.people['township_staff'].pk}", "title": "x", "points": "1"})
    # Then: only the one who served is written, and only they are offered on the page
    assert stranger.status_code == 400 and set(stranger.json()["fields"]) == {"person"}
    assert served.status_code == 201
    assert list(AssessmentItem.objects.values_list("person__username", flat=True)) == ["window"]
    assert [p.username for p in client.get(page_url).context["people"]] == ["window"]


def test_the_half_year_assessment_counts_the_last_month_in_full(county: County, hall: HallData) -> None:
    # Given: a member of staff signs in for the first time on 9 December and has a violation that day
    staff = county.people["window"]
    services.sign_in(hall.windows[1], actor=staff, now=at(8, 30))
    _violate(county, hall, at(10), kind="off_post")  # −3
    # When: the second half of 2026 is assessed on 15 December, and again once the year is over
    now, later = (assessment.half_year(hall.hall, 2026, 2, today=day) for day in (date(2026, 12, 15), date(2027, 3, 1)))
    # Then: December is a month served, with its deduction, both times
    for result in (now, later):
        assert [(p["months"], p["monthly_mean"]) for p in result["people"]] == [(1, Decimal("97.0"))]
