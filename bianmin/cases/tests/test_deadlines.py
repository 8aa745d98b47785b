"""Deadlines from facts and the official calendar (DESIGN §4.3, §4.7)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bianmin.cases import sla
from bianmin.cases.choices import CaseKind, DueWarning, LimitUnit, Urgency
from bianmin.cases.models import Category
from bianmin.cases.services import perform
from bianmin.cases.tests.factories import new_case
from bianmin.workdays.calendar import WorkCalendar

CAL = WorkCalendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=sla.SHANGHAI)


def test_five_working_days_from_national_day_eve_end_on_13_october(county):
    category = Category.objects.create(code="road", name="道路", limit_value=5, limit_unit=LimitUnit.WORKING_DAYS)
    case = new_case(
        county.people["cadre_a"], village=county["huanhua"], category=category, received_at=at("2026-09-30T10:00")
    )
    assert case.due_at == at("2026-10-13T23:59:59")


@pytest.mark.parametrize(
    ("kind", "urgency", "received", "due"),
    [
        (CaseKind.CONSULTATION, Urgency.NORMAL, "2026-09-29T09:00", "2026-10-08T23:59:59"),  # 2 working days
        (CaseKind.COMPLAINT, Urgency.NORMAL, "2026-02-12T09:00", "2026-03-11T23:59:59"),  # 15 across Spring Festival
        (CaseKind.HELP, Urgency.URGENT, "2026-09-30T15:00", "2026-09-30T23:59:59"),  # urgent: the same day
        (CaseKind.PETITION, Urgency.NORMAL, "2026-09-30T15:00", "2026-11-29T23:59:59"),  # 60 calendar days
    ],
)
def test_default_limits_by_kind(county, kind, urgency, received, due):
    case = new_case(county.people["cadre_a"], kind=kind, urgency=urgency, received_at=at(received))
    assert case.due_at == at(due)


def test_an_hour_limit_runs_by_the_clock():
    assert sla.add_limit(at("2026-10-01T10:00"), 4, LimitUnit.HOURS, CAL) == at("2026-10-01T14:00")


def test_a_pause_across_national_day_gives_back_only_the_working_days_it_spanned():
    pause = sla.Pause(at("2026-09-29T16:00"), at("2026-10-09T09:00"))
    assert sla.paused_amount(pause, LimitUnit.WORKING_DAYS, CAL) == 3  # Sep 30, Oct 8, Oct 9
    base = at("2026-10-13T23:59:59")
    due = sla.due_at(base, at("2026-09-29T00:00"), LimitUnit.WORKING_DAYS, [pause], [], CAL)
    assert due == at("2026-10-16T23:59:59")


def test_extensions_and_pauses_before_a_supervision_deadline_do_not_count():
    base_set = at("2026-10-12T09:00")
    old_pause = sla.Pause(at("2026-10-09T09:00"), at("2026-10-10T09:00"))
    due = sla.due_at(at("2026-10-20T18:00"), base_set, LimitUnit.WORKING_DAYS, [old_pause], [(base_set, 2)], CAL)
    assert due == at("2026-10-22T18:00")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-10-09T12:00", DueWarning.NORMAL),  # Oct 10 (make-up Saturday), 12, 13 still to go
        ("2026-10-12T08:00", DueWarning.YELLOW),  # one working day left
        ("2026-10-13T23:00", DueWarning.YELLOW),
        ("2026-10-14T00:00", DueWarning.RED),
    ],
)
def test_warning_levels(now, expected):
    assert sla.warning(at("2026-10-13T23:59:59"), at(now), paused=False, calendar=CAL) == expected


def test_a_paused_clock_shows_no_countdown():
    assert (
        sla.warning(at("2026-10-13T23:59:59"), at("2026-10-20T00:00"), paused=True, calendar=CAL) == DueWarning.PAUSED
    )


def test_pause_and_resume_through_the_service_moves_the_deadline(county, monkeypatch):
    from django.utils import timezone

    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"], received_at=at("2026-09-21T09:00"))  # help: 10 working days
    assert case.due_at == at("2026-10-12T23:59:59")
    monkeypatch.setattr(timezone, "now", lambda: at("2026-09-29T16:00"))
    case = perform(case, "pause", actor=cadre, reason="等待群众提供照片")
    monkeypatch.setattr(timezone, "now", lambda: at("2026-10-09T09:00"))
    case = perform(case, "resume", actor=cadre)
    assert case.due_at == at("2026-10-15T23:59:59")  # three working days later
    assert case.status == "in_progress" and case.paused_at is None


def test_an_approved_extension_adds_working_days(county):
    case = new_case(county.people["cadre_a"], village=county["huanhua"], received_at=at("2026-09-21T09:00"))
    case = perform(case, "extend", actor=county.people["township_leader"], amount=2, reason="需要现场勘查")
    assert case.due_at == at("2026-10-14T23:59:59")


def test_completion_records_whether_it_was_on_time(county, monkeypatch):
    from django.utils import timezone

    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"], kind=CaseKind.CONSULTATION, received_at=at("2026-09-29T09:00"))
    monkeypatch.setattr(timezone, "now", lambda: at("2026-10-09T09:00"))
    case = perform(case, "answer", actor=cadre, reply="已答复")
    assert case.completed_on_time is False
    assert case.completed_at - case.due_at == timedelta(hours=9, seconds=1)


def test_a_department_asks_for_an_extension_and_the_supervisor_grants_or_declines_it(county):
    from django.test import Client

    from bianmin.cases.services import allowed_actions
    from bianmin.errors import Conflict, PermissionDenied

    staff, dept, supervisor = (county.people[p] for p in ("township_staff", "dept", "supervisor"))
    case = new_case(county.people["cadre_a"], village=county["huanhua"], received_at=at("2026-09-21T09:00"))
    case = perform(case, "transfer", actor=staff, to_unit="500236-RSJ")
    due = case.due_at
    # The department's handler may not extend; it asks, once at a time, within the allowed range.
    offered = {t.action for t in allowed_actions(case, dept)}
    assert "extend" not in offered and "request_extension" in offered
    with pytest.raises(PermissionDenied):
        perform(case, "extend", actor=dept, amount=2, reason="需要现场勘查")
    case = perform(case, "request_extension", actor=dept, amount=2, reason="需要现场勘查")
    assert case.extension_requested == 2 and case.due_at == due
    with pytest.raises(Conflict):
        perform(case, "request_extension", actor=dept, amount=3, reason="再申请")
    # The supervisor finds it on the workbench and grants it: the deadline moves, the request is answered.
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(supervisor)
    listed = client.get("/api/v1/cases", {"extension_requested": "true"}).json()["items"]
    assert [c["number"] for c in listed] == [case.number]
    case = perform(case, "extend", actor=supervisor, amount=2, reason="同意延期")
    assert case.extension_requested is None and case.due_at == at("2026-10-14T23:59:59")
    # A second request can be declined: the deadline stays.
    case = perform(case, "request_extension", actor=dept, amount=5, reason="仍需勘查")
    case = perform(case, "decline_extension", actor=supervisor, reason="理由不充分")
    assert case.extension_requested is None and case.due_at == at("2026-10-14T23:59:59")
    assert list(case.events.values_list("action", flat=True))[-4:] == [
        "request_extension",
        "extend",
        "request_extension",
        "decline_extension",
    ]
