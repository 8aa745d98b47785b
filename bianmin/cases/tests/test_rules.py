"""The grievance rules as the people who use them would check them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bianmin.cases.choices import AnalysisLevel, CaseStatus, Channel
from bianmin.cases.errors import CaseError
from bianmin.cases.events import verify_chains
from bianmin.cases.models import Case, CaseEvent, DailySequence
from bianmin.cases.services import allowed_actions, create_case, perform
from bianmin.cases.tests.factories import new_case
from bianmin.errors import Conflict, InvalidInput, NotFound, PermissionDenied


def test_a_village_case_climbs_the_three_levels(county):
    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"])
    assert (case.unit, case.analysis_level) == (county["huanhua"], AnalysisLevel.VILLAGE)
    assert case.level_due_at is not None
    case = perform(case, "escalate", actor=cadre, note="村里协调不成")
    assert (case.unit, case.analysis_level) == (county["team"], AnalysisLevel.WORK_TEAM)
    case = perform(case, "escalate", actor=county.people["work_team"], note="需乡镇协调")
    assert (case.unit, case.analysis_level) == (county["baidi"], AnalysisLevel.TOWNSHIP)
    case = perform(
        case, "transfer", actor=county.people["township_staff"], to_unit="500236-RSJ", assist_units=["500236101000"]
    )
    assert (case.unit, case.analysis_level, case.transfer_count) == (county["rsj"], AnalysisLevel.COUNTY, 1)
    assert list(case.assist_units.all()) == [county["baidi"]]


def test_a_village_without_a_work_team_escalates_straight_to_the_township(county):
    case = new_case(county.people["cadre_b"], village=county["shima"])
    case = perform(case, "escalate", actor=county.people["cadre_b"], note="需乡镇协调")
    assert case.unit == county["baidi"]


def test_return_sends_the_case_back_to_whoever_sent_it(county):
    case = new_case(county.people["township_staff"], village=county["huanhua"], unit=county["baidi"])
    case = perform(case, "transfer", actor=county.people["township_staff"], to_unit="500236-RSJ")
    case = perform(case, "return", actor=county.people["dept"], reason="不属于人社职责")
    assert case.unit == county["baidi"]
    with pytest.raises(Conflict) as nothing:
        perform(case, "return", actor=county.people["township_staff"], reason="x")
    assert nothing.value.code == CaseError.NOTHING_TO_RETURN


def test_a_handler_must_serve_in_the_handling_unit(county):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    with pytest.raises(InvalidInput):
        perform(case, "assign", actor=county.people["cadre_a"], handler="cadre_b")
    case = perform(case, "assign", actor=county.people["cadre_a"], handler="cadre_a")
    assert case.handler == county.people["cadre_a"] and case.status == CaseStatus.IN_PROGRESS


def test_supervision_sets_a_new_deadline_and_counts(county):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    due = timezone.now() + timedelta(days=2)
    for _ in range(2):
        case = perform(case, "supervise", actor=county.people["supervisor"], due_at=due, note="限期办结")
    assert case.due_at == due and case.supervise_count == 2


def test_only_an_unsatisfied_citizen_within_seven_days_reopens(county):
    villager = county.people["villager"]
    case = new_case(county.people["cadre_a"], village=county["huanhua"], citizen=villager)
    case = perform(case, "reply", actor=county.people["cadre_a"], reply="已修复")
    case = perform(case, "complete", actor=county.people["cadre_a"])
    case = perform(case, "rate", actor=villager, rating=2, comment="只修了一半")
    case = perform(case, "reopen", actor=villager, reason="没修好")
    assert case.status == CaseStatus.IN_PROGRESS and case.reopen_count == 1 and case.completed_at is None
    case = perform(case, "reply", actor=county.people["cadre_a"], reply="已全部修复")
    case = perform(case, "complete", actor=county.people["cadre_a"])
    case = perform(case, "rate", actor=villager, rating=5)
    with pytest.raises(Conflict):
        perform(case, "reopen", actor=villager, reason="再看看")
    Case.objects.filter(pk=case.pk).update(rating=1, completed_at=timezone.now() - timedelta(days=8))
    with pytest.raises(Conflict) as late:
        perform(Case.objects.get(pk=case.pk), "reopen", actor=villager, reason="x")
    assert late.value.code == CaseError.REOPEN_WINDOW_CLOSED


def test_merging_needs_another_open_case_in_scope(county):
    cadre = county.people["cadre_a"]
    master, duplicate = new_case(cadre, village=county["huanhua"]), new_case(cadre, village=county["huanhua"])
    with pytest.raises(InvalidInput):
        perform(duplicate, "merge", actor=cadre, master=duplicate.number)
    foreign = new_case(county.people["outsider"], village=county["other_village"])
    with pytest.raises(InvalidInput):
        perform(duplicate, "merge", actor=cadre, master=foreign.number)
    merged = perform(duplicate, "merge", actor=cadre, master=master.number)
    assert merged.status == CaseStatus.MERGED and merged.master == master


def test_scope_out_of_reach_is_not_found_and_in_reach_without_the_right_is_forbidden(county):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    with pytest.raises(NotFound):
        perform(case, "reply", actor=county.people["cadre_b"], reply="x")
    with pytest.raises(NotFound):
        perform(case, "reply", actor=county.people["dept"], reply="x")
    with pytest.raises(PermissionDenied):
        perform(case, "reply", actor=county.people["supervisor"], reply="x")
    assert [t.action for t in allowed_actions(case, county.people["supervisor"])] == ["supervise", "extend"]


def test_the_citizen_may_withdraw_their_own_case_and_nobody_elses(county):
    villager = county.people["villager"]
    own = new_case(county.people["cadre_a"], village=county["huanhua"], citizen=villager)
    other = new_case(county.people["cadre_a"], village=county["huanhua"])
    assert perform(own, "withdraw", actor=villager, reason="已自行解决").status == CaseStatus.WITHDRAWN
    with pytest.raises(NotFound):
        perform(other, "withdraw", actor=villager, reason="x")


def test_a_stale_version_is_refused(county):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    perform(case, "classify", actor=county.people["cadre_a"], classification="reasonable", version=case.version)
    with pytest.raises(Conflict) as stale:
        perform(case, "reply", actor=county.people["cadre_a"], reply="x", version=case.version)
    assert stale.value.code == CaseError.STALE_VERSION


def test_intake_validates_what_the_citizen_gave(county):
    with pytest.raises(InvalidInput) as error:
        new_case(county.people["cadre_a"], citizen_phone="12345", citizen_id_number="110101199003071234", title=" ")
    assert set(error.value.fields) == {"citizen_phone", "citizen_id_number", "title"}
    case = new_case(county.people["cadre_a"], citizen_id_number="11010519491231002X")
    assert case.citizen_id_number == "11010519491231002X"


def test_intake_lands_in_the_takers_own_unit_and_refuses_others(county):
    case = new_case(county.people["window"], village=county["huanhua"])
    assert case.unit == county["center"]
    with pytest.raises(PermissionDenied):
        new_case(county.people["cadre_a"], unit=county["rsj"])
    with pytest.raises(PermissionDenied):
        new_case(county.people["villager"])
    # A village cadre who names no village takes in a matter of their own village: it counts there.
    own = new_case(county.people["cadre_a"])
    assert (own.unit, own.village, own.origin_unit) == (county["huanhua"], county["huanhua"], county["huanhua"])


def test_an_idempotency_key_makes_a_retry_return_the_first_case(county):
    first, created = create_case(
        actor=county.people["cadre_a"],
        channel=Channel.HOTLINE,
        kind="help",
        title="t",
        content="c",
        citizen_name="李",
        citizen_phone="13800001234",
        idempotency_key="abc-1",
    )
    again, created_again = create_case(
        actor=county.people["cadre_a"],
        channel=Channel.HOTLINE,
        kind="help",
        title="t",
        content="c",
        citizen_name="李",
        citizen_phone="13800001234",
        idempotency_key="abc-1",
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Case.objects.count() == 1


def test_numbers_are_the_day_and_its_sequence(county):
    a, b = new_case(county.people["cadre_a"]), new_case(county.people["cadre_a"])
    day = timezone.localdate().strftime("%Y%m%d")
    assert (a.number, b.number) == (f"{day}-00001", f"{day}-00002")
    # Past 99,999 a day the sequence grows a digit; it is never cut to five (PostgreSQL numbers in SQL).
    DailySequence.objects.filter(day=timezone.localdate()).update(last=99_999)
    c = new_case(county.people["cadre_a"])
    assert c.number == f"{day}-100000" and Case.objects.get(pk=c.pk).number == c.number
    first = CaseEvent.objects.get(case=c)
    assert (first.seq, first.hash) == (1, c.events.get().hash) and list(verify_chains([c.number])) == []


def test_every_action_leaves_a_chained_event_and_verify_finds_tampering(county):
    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"])
    perform(case, "reply", actor=cadre, reply="已修复")
    perform(case, "complete", actor=cadre)
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.action for e in events] == ["create", "reply", "complete"]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert list(verify_chains()) == []
    CaseEvent.objects.filter(pk=events[1].pk).update(note="已修复（改过）")
    broken = list(verify_chains())
    assert [(b.number, b.seq) for b in broken] == [(case.number, 2)]


def test_verify_finds_a_removed_event(county):
    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"])
    perform(case, "reply", actor=cadre, reply="已修复")
    perform(case, "complete", actor=cadre)
    CaseEvent.objects.filter(case=case, seq=2).delete()
    assert [b.seq for b in verify_chains([case.number])] == [3]


def test_verify_finds_the_newest_event_removed_and_a_history_emptied(county):
    """The case row carries its latest event's number and hash (issue 19 item 7): a removed tail, which leaves
    a chain that verifies on its own, and a history deleted whole are both caught."""
    cadre = county.people["cadre_a"]
    case, other = new_case(cadre, village=county["huanhua"]), new_case(cadre, village=county["huanhua"])
    perform(case, "reply", actor=cadre, reply="已修复")
    perform(case, "complete", actor=cadre)
    assert list(verify_chains()) == []
    CaseEvent.objects.filter(case=case, seq=3).delete()
    CaseEvent.objects.filter(case=other).delete()
    broken = {(b.number, b.seq) for b in verify_chains()}
    assert broken == {(case.number, 3), (other.number, 1)}


def test_each_event_knows_when_the_next_one_came_and_verify_checks_it(county):
    """The validity interval [at, next_at) of each event is what past-tense reports join on: it is kept on
    every append, and an edited interval is caught like an edited event."""
    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"])
    perform(case, "reply", actor=cadre, reply="已修复")
    perform(case, "complete", actor=cadre)
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.next_at for e in events] == [events[1].at, events[2].at, None]
    CaseEvent.objects.filter(pk=events[0].pk).update(next_at=events[2].at)
    assert [(b.seq, b.problem) for b in verify_chains()] == [(2, "the event before it records another time for it")]
    CaseEvent.objects.filter(pk=events[0].pk).update(next_at=events[1].at)
    CaseEvent.objects.filter(pk=events[2].pk).update(next_at=events[2].at)
    assert [b.seq for b in verify_chains()] == [3]


def test_the_verify_command_reports_tampering_and_exits_1(county):
    import io

    from django.core.management import call_command

    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"])
    perform(case, "reply", actor=cadre, reply="已修复")
    out = io.StringIO()
    call_command("verify", stdout=out)
    assert "all case histories intact (2 events checked)" in out.getvalue()
    CaseEvent.objects.filter(case=case, seq=1).update(data={"channel": "web", "kind": "help"})
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("verify", stdout=out, stderr=io.StringIO())
    assert exit_code.value.code == 1
    assert f"BROKEN {case.number} at event 1" in out.getvalue()


def test_the_level_limits_and_reopen_window_come_from_settings(county, settings):
    from bianmin.cases import sla
    from bianmin.workdays.services import current_calendar

    settings.ANALYSIS_LEVEL_DAYS = {"village": 1, "work_team": 2, "township": 3}
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    assert case.level_due_at == sla.add_limit(case.received_at, 1, "working_days", current_calendar())
    settings.REOPEN_DAYS = 10
    villager = county.people["villager"]
    done = new_case(county.people["cadre_a"], village=county["huanhua"], citizen=villager)
    done = perform(done, "answer", actor=county.people["cadre_a"], reply="已答复")
    Case.objects.filter(pk=done.pk).update(completed_at=timezone.now() - timedelta(days=9))
    assert perform(Case.objects.get(pk=done.pk), "reopen", actor=villager, reason="没解决").reopen_count == 1


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("500236198503151233", True),  # 奉节, born 1985: the area code is younger than the holder, still valid
        ("11010519491231002X", True),
        ("500236198503151234", False),  # wrong check digit
        ("500236198513151237", False),  # the check digit is right, but there is no 13th month
        ("50023619850315123", False),  # 17 characters
    ],
)
def test_identity_numbers_are_checked_by_form_date_and_check_digit(county, number, valid):
    if valid:
        assert new_case(county.people["cadre_a"], citizen_id_number=number).citizen_id_number == number
    else:
        with pytest.raises(InvalidInput) as refused:
            new_case(county.people["cadre_a"], citizen_id_number=number)
        assert "citizen_id_number" in refused.value.fields


def test_a_joint_consultation_records_the_units_and_what_they_agreed(county):
    """会商: the township consults the county's departments on a hard case; the case stays where it is."""
    staff = county.people["township_staff"]
    case = new_case(staff, village=county["huanhua"], unit=county["baidi"])
    for units in ([], [county["baidi"].code]):  # nobody, or only the handling unit itself
        with pytest.raises(InvalidInput) as wrong:
            perform(case, "consult", actor=staff, assist_units=units, note="会商")
        assert "assist_units" in wrong.value.fields
    done = perform(case, "consult", actor=staff, assist_units=["500236-RSJ"], note="人社局核实参保记录后答复")
    assert (done.status, done.unit, done.version) == (case.status, county["baidi"], case.version + 1)
    event = done.events.order_by("-seq").first()
    assert (event.action, event.note, event.data) == ("consult", "人社局核实参保记录后答复", {"units": ["500236-RSJ"]})


def test_escalation_is_offered_only_where_there_is_a_level_above(county):
    """At the top of the tree (the province) there is no level to escalate to: not offered, 409 with the reason."""
    from bianmin.cases.errors import CaseError

    root = county.people["root"]
    case = new_case(root, unit=county["province"])
    assert "escalate" not in {t.action for t in allowed_actions(case, root)}
    with pytest.raises(Conflict) as refused:
        perform(case, "escalate", actor=root, note="上报")
    assert refused.value.code == CaseError.ILLEGAL_TRANSITION and "转办" in str(refused.value.message)
    county_case = new_case(root, unit=county["county"])
    assert "escalate" in {t.action for t in allowed_actions(county_case, root)}
