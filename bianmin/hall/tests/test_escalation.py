"""The escalation chain (蓝牌 → 黄牌 → 红牌) and accountability as a table; the half-year assessment; 进驻率."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bianmin.catalog.tests.factories import new_item
from bianmin.conftest import County
from bianmin.errors import DomainError, InvalidInput, PermissionDenied
from bianmin.hall import assessment, escalation, patrols, ranking, services
from bianmin.hall.choices import Measure, ViolationAction, ViolationStatus
from bianmin.hall.models import DutyOfficerMark, EscalationPolicy, Violation, ViolationEvent
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
