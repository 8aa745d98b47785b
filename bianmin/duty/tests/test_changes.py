"""Leave, substitutes and swaps through their workflow, the rules that refuse them, publishing with gaps, and a
reception visit that becomes a petition case."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bianmin.cases.choices import CaseKind, CaseStatus, Channel, LimitUnit
from bianmin.duty import changes, presence, services
from bianmin.duty.choices import ChangeAction, ChangeKind, ChangeState, MonthState, SlotSource
from bianmin.duty.errors import DutyError
from bianmin.duty.models import DutyChangeEvent, DutyDay, ReceptionVisit
from bianmin.duty.tests.factories import rosters
from bianmin.errors import Conflict, PermissionDenied

OCTOBER = date(2026, 10, 1)
pytestmark = pytest.mark.django_db


def on(place, day):
    return sorted(DutyDay.objects.filter(place=place, date=day).values_list("member_id", flat=True))


def test_a_swap_requested_accepted_and_approved_moves_both_people(county):
    r = rosters(county, months=[OCTOBER])
    tue, wed = date(2026, 10, 13), date(2026, 10, 14)
    giver, taker = on(r.hall, tue)[0], on(r.hall, wed)[0]
    gm = next(m for m in r.cadres if m.pk == giver)
    tm = next(m for m in r.cadres if m.pk == taker)
    # Given the cadre on Tuesday asks the one on Wednesday to swap
    change = changes.request_change(
        r.hall, actor=gm.user, kind=ChangeKind.SWAP, member=gm, colleague=tm, day=tue, other_day=wed, reason="家中有事"
    )
    # When the colleague accepts and the head (cadre_a) approves
    changes.act(change, ChangeAction.ACCEPT, actor=tm.user)
    with pytest.raises(PermissionDenied):  # another village cadre holds DUTY_APPROVE but is not the head
        changes.act(
            change, ChangeAction.APPROVE, actor=r.cadres[3].user if r.cadres[3].user != gm.user else r.cadres[2].user
        )
    changes.act(change, ChangeAction.APPROVE, actor=county.people["cadre_a"])
    # Then the two days have changed hands and every step is kept
    assert on(r.hall, tue) == [taker] and on(r.hall, wed) == [giver]
    assert DutyDay.objects.get(place=r.hall, date=tue).source == SlotSource.SWAP
    steps = list(DutyChangeEvent.objects.filter(change=change).values_list("action", "actor__username"))
    assert steps == [("request", gm.user.username), ("accept", tm.user.username), ("approve", "cadre_a")]
    change.refresh_from_db()
    assert change.state == ChangeState.APPROVED and change.accepted_at and change.decided_at


def test_a_swap_that_would_leave_a_monday_short_is_refused(county):
    r = rosters(county, months=[OCTOBER])
    monday, tue = date(2026, 10, 12), date(2026, 10, 13)
    tm = next(m for m in r.cadres if m.pk == on(r.hall, tue)[0])
    gm = next(m for m in r.cadres if m.pk != tm.pk)
    # A manager (cadre_a) enters it on the person's behalf: the Monday would lose one of its five
    change = changes.request_change(
        r.hall,
        actor=county.people["cadre_a"],
        kind=ChangeKind.SWAP,
        member=gm,
        colleague=tm,
        day=monday,
        other_day=tue,
        reason="x",
    )
    with pytest.raises(Conflict) as refused:
        changes.act(change, ChangeAction.ACCEPT, actor=tm.user)
    assert refused.value.code == DutyError.MONDAY_SHORT
    assert len(on(r.hall, monday)) == len(r.cadres)


def test_a_leave_that_leaves_the_reception_room_without_a_leader_is_refused(county):
    r = rosters(county, months=[OCTOBER])
    for other in r.leaders[1:]:
        other.is_leader = False
        other.save()
    services.resolve_months(r.room, [OCTOBER])
    head = r.leaders[0]
    change = changes.request_change(
        r.room,
        actor=head.user,
        kind=ChangeKind.LEAVE,
        member=head,
        day=date(2026, 10, 12),
        end=date(2026, 10, 12),
        reason="会议",
    )
    with pytest.raises(Conflict) as refused:
        changes.act(change, ChangeAction.APPROVE, actor=head.user)
    assert refused.value.code == DutyError.NO_LEADER


def test_leave_skips_the_person_and_illegal_steps_are_refused(county):
    r = rosters(county, months=[OCTOBER])
    person = r.cadres[1]
    change = changes.request_change(
        r.hall,
        actor=person.user,
        kind=ChangeKind.LEAVE,
        member=person,
        day=date(2026, 10, 20),
        end=date(2026, 10, 24),
        reason="病假",
    )
    changes.act(change, ChangeAction.APPROVE, actor=county.people["cadre_a"])
    assert not DutyDay.objects.filter(member=person, date__range=(date(2026, 10, 20), date(2026, 10, 24))).exists()
    with pytest.raises(Conflict) as refused:
        changes.act(change, ChangeAction.ACCEPT, actor=person.user)
    assert refused.value.code == DutyError.ILLEGAL_TRANSITION


def test_publishing_a_month_with_a_gap_needs_a_reason(county):
    r = rosters(county, months=[OCTOBER])
    # A holiday plan for National Day with nobody on 3 October: a gap
    services.save_holiday_plan(
        r.hall,
        actor=None,
        name="国庆值班",
        start=date(2026, 10, 1),
        end=date(2026, 10, 4),
        shifts={
            date(2026, 10, 1): [r.cadres[0].pk],
            date(2026, 10, 2): [r.cadres[1].pk],
            date(2026, 10, 4): [r.cadres[2].pk],
        },
    )
    findings = services.check_month(r.hall, OCTOBER)
    assert [(f.code, f.date) for f in findings if f.code == "gap"] == [("gap", date(2026, 10, 3))]
    with pytest.raises(Conflict) as refused:
        services.publish_month(r.hall, actor=county.people["cadre_a"], month=OCTOBER)
    assert refused.value.code == DutyError.GAP_NEEDS_REASON
    month = services.publish_month(r.hall, actor=county.people["cadre_a"], month=OCTOBER, reason="3日由镇值班室代管")
    assert month.state == MonthState.PUBLISHED and month.gap_reason
    with pytest.raises(PermissionDenied):
        services.publish_month(r.hall, actor=county.people["cadre_b"], month=OCTOBER, reason="x")


def test_a_visit_becomes_a_petition_case_with_both_limits(county):
    r = rosters(county)
    leader = county.people["township_leader"]
    visit = presence.record_visit(
        r.room,
        actor=leader,
        visitor_name="王大爷",
        visitor_phone="13800001111",
        matter="宅基地界址纠纷",
        people_count=2,
        notes="要求镇里组织调解",
        village=county["huanhua"],
    )
    case = presence.visit_to_case(visit, actor=leader)
    assert (case.channel, case.kind, case.status) == (Channel.RECEPTION, CaseKind.PETITION, CaseStatus.SUBMITTED)
    # accept or route within 15 calendar days (the running clock), handle within 60 once accepted
    assert (case.due_at - case.received_at) <= timedelta(days=16)
    assert timezone.localdate(case.due_at) == timezone.localdate(case.received_at) + timedelta(days=15)
    assert (case.limit_value, case.limit_unit) == (60, LimitUnit.CALENDAR_DAYS)
    with pytest.raises(Conflict):
        presence.visit_to_case(visit, actor=leader)
    with pytest.raises(PermissionDenied):
        presence.record_visit(
            r.room, actor=county.people["cadre_a"], visitor_name="x", visitor_phone="13800001111", matter="y"
        )
    report = presence.visit_report(ReceptionVisit.objects.all(), date(2000, 1, 1), date(2100, 1, 1))
    assert [(row.visits, row.people, row.cases, row.solved) for row in report] == [(1, 2, 1, 0)]
