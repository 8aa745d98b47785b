"""The township closes a conflict-of-interest flag (who may, the reason it must give, never twice); the
一事一议 cap per villager a year at its boundary; the publicity catalogue's items changed, retired and
reinstated."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from bianmin.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.org.choices import Role
from bianmin.org.models import AuditEntry
from bianmin.org.tests.factories import member
from bianmin.village import decisions, projects, services
from bianmin.village.choices import DecisionKind, DecisionStatus, FlagOutcome
from bianmin.village.errors import VillageError
from bianmin.village.models import CatalogueItem, ConflictFlag, Decision, Publication
from bianmin.village.tests.factories import new_id, project, register


def flagged(village) -> ConflictFlag:
    """A project of 浣花村 whose contractor is the village's own cadre: flagged, a case opened."""
    cadre = village.people["cadre_a"]
    cadre.id_number = new_id()
    cadre.save()
    p = project(village["huanhua"], cadre, contractor_name="某某工程队", contractor_code=cadre.id_number)
    return ConflictFlag.objects.get(project=p)


# -- closing a flag -------------------------------------------------------------------------------------------


def test_the_township_closes_a_flag_with_its_finding_and_the_case_stays_linked(village, api_as):
    flag = flagged(village)
    case = flag.case
    leader = village.people["township_leader"]
    # When the township leader closes it through the API
    response = api_as(leader).post(
        f"/village/flags/{flag.pk}/close", {"outcome": "handled", "reason": "经核实，已责令该干部退出施工并退还利润。"}
    )
    # Then who, when, what and why are on the flag and on the project's record; the case is still linked
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["open"], body["outcome"], body["closed_by"]) == (False, "handled", str(leader))
    flag.refresh_from_db()
    assert flag.closed_at is not None and flag.closed_by == leader and flag.case == case
    record = api_as(village.people["cadre_a"]).get(f"/village/projects/{flag.project_id}").json()
    [shown] = record["flags"]
    assert shown["close_reason"].startswith("经核实") and shown["outcome_label"] == "经核实存在问题，已处理"
    assert record["open_flags"] == 0 and shown["case"] == case.number
    # And the township's list of open flags no longer has it
    assert api_as(leader).get("/village/flags").json()["count"] == 0
    # And the supervision case is answered with the finding, by the leader, through the case's own door
    answered = api_as(leader).get(f"/cases/{case.number}").json()
    assert answered["status"] == "completed" and answered["reply"].endswith("已责令该干部退出施工并退还利润。")
    assert answered["events"][-1]["action"] == "answer" and answered["events"][-1]["actor"] == str(leader)


def test_only_the_supervising_township_closes_a_flag(village, api_as):
    flag = flagged(village)
    body = {"outcome": "cleared", "reason": "核实无关联"}
    elsewhere = member(village["other_town"], Role.TOWNSHIP_LEADER, username="other_leader")
    # The village's cadre and its supervision committee see the flag but do not close it
    for persona in ("cadre_a", "monitor", "township_staff"):
        assert api_as(village.people[persona]).post(f"/village/flags/{flag.pk}/close", body).status_code == 403
        with pytest.raises(PermissionDenied):
            projects.close_flag(flag, actor=village.people[persona], outcome="cleared", reason="x")
    # Another township's leader does not even find it
    assert api_as(elsewhere).post(f"/village/flags/{flag.pk}/close", body).status_code == 404
    with pytest.raises(PermissionDenied):
        projects.close_flag(flag, actor=elsewhere, outcome="cleared", reason="x")
    flag.refresh_from_db()
    assert flag.closed_at is None
    # The county's supervisor does
    assert api_as(village.people["supervisor"]).post(f"/village/flags/{flag.pk}/close", body).status_code == 200


def test_closing_needs_a_finding_and_a_reason_and_happens_once(village, api_as):
    flag = flagged(village)
    leader = village.people["township_leader"]
    api = api_as(leader)
    blank = api.post(f"/village/flags/{flag.pk}/close", {"outcome": "cleared", "reason": "   "})
    assert blank.status_code == 400 and "reason" in blank.json()["fields"]
    with pytest.raises(InvalidInput) as refused:
        projects.close_flag(flag, actor=leader, outcome="maybe", reason="")
    assert set(refused.value.fields) == {"outcome", "reason"}
    flag.refresh_from_db()
    assert flag.closed_at is None
    assert (
        api.post(f"/village/flags/{flag.pk}/close", {"outcome": "cleared", "reason": "同名不同人"}).status_code == 200
    )
    # Closed twice: 409 with a message that says by whom, and the first closing stands
    again = api_as(village.people["supervisor"]).post(
        f"/village/flags/{flag.pk}/close", {"outcome": "handled", "reason": "再次关闭"}
    )
    assert again.status_code == 409
    assert again.json()["code"] == VillageError.FLAG_CLOSED and str(leader) in again.json()["message"]
    flag.refresh_from_db()
    assert (flag.outcome, flag.close_reason, flag.closed_by) == (FlagOutcome.CLEARED, "同名不同人", leader)


def test_a_closed_party_is_flagged_again_when_paid_again(village):
    flag = flagged(village)
    projects.close_flag(flag, actor=village.people["township_leader"], outcome="cleared", reason="已核实")
    again = projects.check_conflicts(flag.project, flag.party_name, village.people["cadre_a"].id_number, actor=None)
    assert len(again) == 1 and again[0].closed_at is None


# -- 一事一议: the cap per villager a year -------------------------------------------------------------------


def one_matter(village, per_person_fen, **fields):
    return decisions.start_decision(
        actor=village.people["cadre_a"],
        village=village["huanhua"],
        title=fields.pop("title", "筹资修建村内水池"),
        kind=fields.pop("kind", DecisionKind.ONE_MATTER),
        per_person_fen=per_person_fen,
        **fields,
    )


def test_one_matter_raises_at_most_the_cap_per_villager_a_year(village):
    # Exactly the cap (20 yuan by default) passes
    d = one_matter(village, 2000)
    assert d.per_person_fen == 2000
    d.delete()
    # One fen over is refused on the named field, nothing written
    with pytest.raises(InvalidInput) as refused:
        one_matter(village, 2001)
    assert list(refused.value.fields) == ["per_person_fen"] and "20.00" in str(refused.value.fields["per_person_fen"])
    assert not Decision.objects.exists()


def test_the_cap_counts_the_village_s_whole_year_and_comes_from_the_settings(village):
    first = one_matter(village, 1500)
    with pytest.raises(InvalidInput):
        one_matter(village, 501, title="筹资修路")  # 15 + 5.01 yuan in one year
    assert one_matter(village, 500, title="筹资修路").per_person_fen == 500
    # A decision blocked at a meeting raises nothing: its amount is free again
    Decision.objects.filter(pk=first.pk).update(status=DecisionStatus.BLOCKED)
    assert one_matter(village, 1500, title="筹资修桥").per_person_fen == 1500
    # Another village has its own cap
    other = decisions.start_decision(
        actor=village.people["cadre_b"], village=village["shima"], title="筹资", kind="one_matter", per_person_fen=2000
    )
    assert other.per_person_fen == 2000
    with override_settings(VILLAGE_YISHIYIYI_CAP_FEN_PER_PERSON=5000):
        assert one_matter(village, 3000, title="筹资修渠").per_person_fen == 3000


def test_a_blocked_one_matter_held_again_past_the_cap_is_refused(village):
    cadre = village.people["cadre_a"]
    register(village["huanhua"])

    def proposal(d, present):
        return decisions.record_step(
            d,
            actor=cadre,
            step=1,
            meeting_type="branch_committee",
            held_on=date(2026, 3, 1),
            present=present,
            votes_for=present,
        )

    a = one_matter(village, 1500)
    assert not proposal(a, 1).valid  # 1 of 5: no quorum, A is blocked and its levy free again
    a.refresh_from_db()
    assert a.status == DecisionStatus.BLOCKED
    b = one_matter(village, 1000, title="筹资修路")
    assert b.per_person_fen == 1000
    # Holding A's meeting again would put 15 + 10 yuan into the year: refused as at the start, nothing written
    with pytest.raises(InvalidInput) as refused:
        proposal(a, 5)
    assert list(refused.value.fields) == ["per_person_fen"] and "20.00" in str(refused.value.fields["per_person_fen"])
    a.refresh_from_db()
    assert a.status == DecisionStatus.BLOCKED and a.steps.count() == 1
    # Under the cap it is held again as before
    Decision.objects.filter(pk=b.pk).update(status=DecisionStatus.BLOCKED)
    assert proposal(a, 5).valid
    a.refresh_from_db()
    assert a.status == DecisionStatus.IN_PROGRESS


def test_only_one_matter_raises_money_from_villagers(village, api_as):
    with pytest.raises(InvalidInput) as refused:
        one_matter(village, 1000, kind=DecisionKind.MAJOR)
    assert list(refused.value.fields) == ["per_person_fen"]
    api = api_as(village.people["cadre_a"])
    body = {"village": village["huanhua"].code, "title": "筹资", "kind": "one_matter", "per_person_fen": 2001}
    over = api.post("/village/decisions", body)
    assert over.status_code == 400 and "per_person_fen" in over.json()["fields"]
    assert api.post("/village/decisions", {**body, "per_person_fen": 2000}).json()["per_person_fen"] == 2000


# -- the catalogue ------------------------------------------------------------------------------------------


def item(village, **fields) -> CatalogueItem:
    values = {"category": "finance", "name": "村级财务收支情况", "cadence": "quarterly", "starts_on": date(2026, 1, 1)}
    values.update(fields)
    return services.add_catalogue_item(actor=village.people["cadre_a"], village=village["huanhua"], **values)


def test_a_catalogue_item_is_changed_from_the_next_period_and_retired(village):
    cadre = village.people["cadre_a"]
    row = item(village)
    services.create_due_publications(date(2026, 7, 5))
    assert Publication.objects.filter(item=row).count() == 2  # Q1 and Q2 made
    # When it becomes monthly, the past is not made again month by month
    changed = services.change_catalogue_item(
        row, actor=cadre, category="finance", name="村级财务收支明细", cadence="monthly", channels=["board", "web"]
    )
    assert changed.starts_on == date(2026, 7, 1) and changed.channels == ["board", "web"]
    services.create_due_publications(date(2026, 9, 5))
    titles = sorted(Publication.objects.filter(item=row).values_list("title", flat=True))
    assert len(titles) == 4 and titles[-2:] == ["村级财务收支明细（2026年7月）", "村级财务收支明细（2026年8月）"]
    # A name another item has is refused on its field
    item(village, name="低保名单")
    with pytest.raises(InvalidInput) as refused:
        services.change_catalogue_item(row, actor=cadre, category="finance", name="低保名单", cadence="monthly")
    assert list(refused.value.fields) == ["name"]
    # Only the village's keepers change or retire it
    with pytest.raises(PermissionDenied):
        services.retire_catalogue_item(row, actor=village.people["monitor"])
    services.retire_catalogue_item(row, actor=cadre)
    services.create_due_publications(date(2026, 12, 5))
    assert not Publication.objects.filter(item=row, period_start__gte=date(2026, 9, 1)).exists()
    with pytest.raises(Conflict) as twice:
        services.retire_catalogue_item(row, actor=cadre)
    assert twice.value.code == VillageError.ITEM_RETIRED
    assert AuditEntry.objects.filter(action="village.catalogue.retire", object_id=str(row.pk), actor=cadre).exists()


def test_a_retired_item_is_reinstated_from_the_current_period_by_the_village_keepers(village, api_as):
    cadre = village.people["cadre_a"]
    # Given a quarterly item made for Q1, then retired before Q2 ended
    row = item(village)
    services.create_due_publications(date(2026, 4, 5))
    services.retire_catalogue_item(row, actor=cadre)
    # An active item cannot be reinstated, and only the village's keepers reinstate
    with pytest.raises(Conflict) as active:
        services.reinstate_catalogue_item(item(village, name="低保名单"), actor=cadre)
    assert active.value.code == VillageError.ITEM_NOT_RETIRED
    with pytest.raises(PermissionDenied):
        services.reinstate_catalogue_item(row, actor=village.people["monitor"])
    # When the cadre reinstates it in August
    back = services.reinstate_catalogue_item(row, actor=cadre, today=date(2026, 8, 10))
    # Then it is scheduled from the quarter holding that day: Q2 (ended while retired) is not made, Q3 is
    assert back.is_active and back.starts_on == date(2026, 8, 10)
    services.create_due_publications(date(2026, 10, 5))
    made = Publication.objects.filter(item=row).order_by("period_start").values_list("period_start", flat=True)
    assert list(made) == [date(2026, 1, 1), date(2026, 7, 1)]
    assert AuditEntry.objects.filter(action="village.catalogue.reinstate", object_id=str(row.pk), actor=cadre).exists()
    # Through the API: a second reinstating is a conflict with its code; retiring again works
    api = api_as(cadre)
    again = api.post(f"/village/catalogue/{row.pk}/reinstate", {})
    assert again.status_code == 409 and again.json()["code"] == VillageError.ITEM_NOT_RETIRED
    assert api.post(f"/village/catalogue/{row.pk}/retire", {}).json()["active"] is False
    assert api.post(f"/village/catalogue/{row.pk}/reinstate", {}).json()["active"] is True
