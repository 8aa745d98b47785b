"""The duty API end to end for the cases the matrix does not read: the swap workflow through the API, refusals
with their stable codes, publishing with gaps, a visit that becomes a case, and the OpenAPI document."""

from __future__ import annotations

from datetime import date

import pytest

from bianmin.duty.models import DutyDay
from bianmin.duty.tests.factories import rosters

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)


def test_the_swap_workflow_and_its_refusals_through_the_api(county, api_as):
    r = rosters(county, months=[OCTOBER])
    head = api_as(county.people["cadre_a"])
    monday, tue, wed = date(2026, 10, 12), date(2026, 10, 13), date(2026, 10, 14)
    giver = DutyDay.objects.get(place=r.hall, date=tue).member
    taker = DutyDay.objects.get(place=r.hall, date=wed).member
    body = {
        "kind": "swap",
        "member": giver.pk,
        "colleague": taker.pk,
        "date": str(tue),
        "other_date": str(wed),
        "reason": "调班",
    }
    made = api_as(giver.user).post(f"/duty/places/{r.hall.pk}/changes", body)
    assert made.status_code == 201 and made.json()["actions"] == ["accept", "decline", "reject", "withdraw"]
    change = made.json()["id"]
    early = head.post(f"/duty/changes/{change}/act", {"action": "approve"})
    assert early.status_code == 409 and early.json()["code"] == "duty_illegal_transition"
    assert api_as(taker.user).post(f"/duty/changes/{change}/act", {"action": "accept"}).json()["state"] == "accepted"
    assert head.post(f"/duty/changes/{change}/act", {"action": "approve"}).json()["state"] == "approved"
    days = {d["date"]: d["name"] for d in head.get(f"/duty/places/{r.hall.pk}/days", month="2026-10-01").json()}
    assert days[str(tue)] == taker.name and days[str(wed)] == giver.name
    # A swap that would take someone off an everyone-in Monday
    other = next(m for m in r.cadres if m.pk not in (giver.pk, taker.pk))
    thu = next(
        d for d in (date(2026, 10, 15), date(2026, 10, 16)) if DutyDay.objects.get(place=r.hall, date=d).member != other
    )
    holder = DutyDay.objects.get(place=r.hall, date=thu).member
    short = {
        "kind": "swap",
        "member": other.pk,
        "colleague": holder.pk,
        "date": str(monday),
        "other_date": str(thu),
        "reason": "x",
    }
    change = head.post(f"/duty/places/{r.hall.pk}/changes", short).json()["id"]
    refused = api_as(holder.user).post(f"/duty/changes/{change}/act", {"action": "accept"})
    assert refused.status_code == 409 and refused.json()["code"] == "duty_monday_short"
    # A change for a day the person is no longer on duty (the approved swap moved them to Wednesday)
    wrong = {**body, "date": str(tue), "other_date": str(wed)}
    assert head.post(f"/duty/places/{r.hall.pk}/changes", wrong).status_code == 400


def test_publishing_with_a_gap_and_the_check(county, api_as):
    r = rosters(county, months=[OCTOBER])
    head = api_as(county.people["cadre_a"])
    assert head.get(f"/duty/places/{r.hall.pk}/check", month="2026-10-01").json() == []
    # the rest-day layer goes: rest days become gaps
    layers = head.get(f"/duty/places/{r.hall.pk}/layers").json()
    r.hall.layers.filter(pk=next(x["id"] for x in layers if x["days"] == "rest_days")).delete()
    gaps = head.get(f"/duty/places/{r.hall.pk}/check", month="2026-10-01").json()
    assert {g["date"] for g in gaps if g["code"] == "gap"} >= {"2026-10-03", "2026-10-05"}
    refused = head.post(f"/duty/places/{r.hall.pk}/publish", {"month": "2026-10-01"})
    assert (
        refused.status_code == 409
        and refused.json()["code"] == "duty_gap_needs_reason"
        and "reason" in refused.json()["fields"]
    )
    done = head.post(f"/duty/places/{r.hall.pk}/publish", {"month": "2026-10-01", "reason": "休息日由镇值班室兜底"})
    assert done.status_code == 200 and done.json()["state"] == "published"
    missing = head.get(f"/duty/places/{r.hall.pk}/check", month="2027-03-01")
    assert missing.status_code == 409 and missing.json()["code"] == "duty_calendar_missing"


def test_a_visit_becomes_a_case_through_the_api_and_the_phone_is_masked(county, api_as):
    r = rosters(county)
    leader = api_as(county.people["township_leader"])
    visit = {
        "visitor_name": "王大爷",
        "visitor_phone": "13800001111",
        "matter": "宅基地纠纷",
        "village": county["huanhua"].code,
    }
    made = leader.post(f"/duty/places/{r.room.pk}/visits", visit)
    assert made.status_code == 201 and made.json()["visitor_phone"] == "138****1111"
    case = leader.post(f"/duty/visits/{made.json()['id']}/case", {})
    assert case.status_code == 201 and case.json()["case"]
    assert leader.post(f"/duty/visits/{made.json()['id']}/case", {}).json()["code"] == "duty_already_a_case"


def test_the_openapi_document_lists_the_duty_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/duty/public/{code}", "/api/v1/duty/places/{pk}/changes", "/api/v1/duty/changes/{pk}/act"} <= set(
        paths
    )
