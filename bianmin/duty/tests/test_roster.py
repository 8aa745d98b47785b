"""Editing a roster through its pages and API: people (add, change post, leader flag and order, take off, bring
back), the head, and holiday plans; each change works the months ahead out again; bad input is said plainly."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from bianmin.duty.choices import SlotSource
from bianmin.duty.models import DutyDay, DutyMember, HolidayPlan
from bianmin.duty.tests.factories import rosters
from bianmin.org.choices import Role
from bianmin.org.tests.factories import member

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)


def test_the_head_edits_people_and_the_roster_follows(county, this_year, client):
    # Given 浣花村's hall and its head signed in
    r = rosters(county)
    client.force_login(county.people["cadre_a"])
    url = f"/duty/places/{r.hall.pk}/people/"
    today = timezone.localdate()
    assert client.get(url).status_code == 200
    # When a cadre without an account is added first in the order
    assert client.post(url, {"do": "add", "name": "李会计", "post": "村报账员", "position": "0"}).status_code == 302
    added = DutyMember.objects.get(place=r.hall, name="李会计")
    assert added.user is None and added.position == 0
    # Then the months ahead are worked out again with them in
    assert DutyDay.objects.filter(member=added, date__gte=today).exists()
    # When their post, leader flag and order change
    response = client.post(
        url, {"do": "save", "member": added.pk, "post": "村报账员（兼）", "is_leader": "1", "position": "9"}
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.post, added.is_leader, added.position) == ("村报账员（兼）", True, 9)
    assert set(DutyDay.objects.filter(member=added).values_list("post", flat=True)) == {"村报账员（兼）"}
    # When they are taken off the roster, they are on no day ahead; brought back, they are again
    client.post(url, {"do": "remove", "member": added.pk})
    assert not DutyDay.objects.filter(member=added, date__gte=today).exists()
    client.post(url, {"do": "restore", "member": added.pk})
    assert DutyDay.objects.filter(member=added, date__gte=today).exists()
    # When the head changes to another cadre of the village
    deputy = r.cadres[1].user
    assert client.post(url, {"do": "head", "head": deputy.pk}).status_code == 302
    r.hall.refresh_from_db()
    assert r.hall.head_id == deputy.pk
    # Then bad input is said on the page, nothing written
    stranger = member(county["shima"], Role.VILLAGE_CADRE, username="shima2")
    for bad in (
        {"do": "add", "post": "", "name": "无职务"},
        {"do": "add", "post": "委员", "user": str(stranger.pk)},
        {"do": "add", "post": "委员", "name": "x", "position": "-3"},
        {"do": "add", "post": "委员", "name": "x", "position": "abc"},
        {"do": "save", "member": "999999", "post": "x"},
        {"do": "head", "head": str(stranger.pk)},
        {"do": "launch"},
    ):
        response = client.post(url, bad)
        assert response.status_code == 200 and 'role="alert"' in response.content.decode(), bad
    assert DutyMember.objects.filter(place=r.hall).count() == len(r.cadres) + 1
    r.hall.refresh_from_db()
    assert r.hall.head_id == deputy.pk


def test_the_api_edits_people_and_the_head(county, this_year, api_as):
    r = rosters(county)
    head = api_as(county.people["cadre_a"])
    listed = head.get(f"/duty/places/{r.hall.pk}/members").json()
    assert [m["id"] for m in listed] == [m.pk for m in r.cadres]
    added = head.post(f"/duty/places/{r.hall.pk}/members", {"post": "村文书", "name": "赵文书"})
    assert added.status_code == 201 and added.json()["position"] == len(r.cadres)
    pk = added.json()["id"]
    changed = head.patch(f"/duty/members/{pk}", {"post": "村文书", "is_leader": False, "position": 0})
    assert changed.status_code == 200 and changed.json()["position"] == 0
    gone = head.post(f"/duty/members/{pk}/deactivate", {})
    assert gone.status_code == 200 and gone.json()["active"] is False
    # an unknown account, or one outside the unit, is the same field error
    for account in (999999, county.people["cadre_b"].pk):
        refused = head.post(f"/duty/places/{r.hall.pk}/members", {"post": "委员", "user": account})
        assert refused.status_code == 400 and "user" in refused.json()["fields"]
    assert head.post(f"/duty/places/{r.hall.pk}/members", {"post": "委员", "surprise": 1}).status_code == 422
    moved = head.post(f"/duty/places/{r.hall.pk}/head", {"head": r.cadres[2].user_id})
    assert moved.status_code == 200 and moved.json()["head"] == r.cadres[2].user_id
    assert head.post(f"/duty/places/{r.hall.pk}/head", {"head": county.people["cadre_b"].pk}).status_code == 400


def test_a_holiday_plan_through_its_page_replaces_the_rotation(county, client):
    # Given the hall resolved for October and its head signed in
    r = rosters(county, months=[OCTOBER])
    client.force_login(county.people["cadre_a"])
    url = f"/duty/places/{r.hall.pk}/plans/"
    # When the head chooses 1–3 October: the grid is ticked from the roster as it stands
    page = client.get(url, {"name": "国庆节值班", "start": "2026-10-01", "end": "2026-10-03"}).content.decode()
    on_first = DutyDay.objects.get(place=r.hall, date=OCTOBER)
    assert f'value="2026-10-01:{on_first.member_id}" checked' in page
    # and names two people on the 1st, the head alone on the 2nd and 3rd
    two = [r.cadres[1], r.cadres[2]]
    shifts = [f"2026-10-01:{m.pk}" for m in two] + [f"2026-10-0{d}:{r.cadres[0].pk}" for d in (2, 3)]
    form = {"do": "create", "name": "国庆节值班", "start": "2026-10-01", "end": "2026-10-03", "hours": "09:00-17:00"}
    assert client.post(url, {**form, "shift": shifts}).status_code == 302
    # Then those days follow the plan
    first = DutyDay.objects.filter(place=r.hall, date=OCTOBER)
    assert {d.member_id for d in first} == {m.pk for m in two}
    assert {d.source for d in first} == {SlotSource.HOLIDAY_PLAN} and first[0].hours == "09:00-17:00"
    assert DutyDay.objects.get(place=r.hall, date=date(2026, 10, 3)).member_id == r.cadres[0].pk
    # and a second plan over the same days, a plan of 40 days, bad hours or a stranger's shift are refused
    other = DutyMember.objects.exclude(place=r.hall).first()
    assert other is not None
    for bad in (
        {**form, "shift": shifts},
        {**form, "start": "2026-10-20", "end": "2026-11-29"},
        {**form, "start": "2026-10-20", "end": "2026-10-21", "hours": "9-5"},
        {**form, "start": "2026-10-20", "end": "2026-10-21", "shift": [f"2026-10-20:{other.pk}"]},
        {**form, "start": "2026-10-20", "end": "2026-10-21", "shift": ["2026-10-20:abc"]},
    ):
        response = client.post(url, bad)
        assert response.status_code == 200 and 'role="alert"' in response.content.decode(), bad
    assert HolidayPlan.objects.filter(place=r.hall).count() == 1
    # When the plan is withdrawn, the rotation decides those days again
    plan = HolidayPlan.objects.get(place=r.hall)
    assert client.post(url, {"do": "delete", "plan": plan.pk}).status_code == 302
    assert {d.source for d in DutyDay.objects.filter(place=r.hall, date=OCTOBER)} == {SlotSource.ROTATION}


def test_holiday_plans_through_the_api(county, api_as):
    r = rosters(county, months=[OCTOBER])
    head = api_as(county.people["cadre_a"])
    body = {
        "name": "国庆节值班",
        "start": "2026-10-01",
        "end": "2026-10-02",
        "shifts": [{"date": "2026-10-01", "member": r.cadres[1].pk}, {"date": "2026-10-02", "member": r.cadres[2].pk}],
    }
    made = head.post(f"/duty/places/{r.hall.pk}/plans", body)
    assert made.status_code == 201 and len(made.json()["shifts"]) == 2
    assert DutyDay.objects.get(place=r.hall, date=OCTOBER).member_id == r.cadres[1].pk
    assert head.get(f"/duty/places/{r.hall.pk}/plans").json()[0]["id"] == made.json()["id"]
    stranger = {**body, "start": "2026-10-20", "end": "2026-10-20", "shifts": [{"date": "2026-10-20", "member": 0}]}
    assert head.post(f"/duty/places/{r.hall.pk}/plans", stranger).status_code == 400
    missing = {**body, "start": "2027-02-01", "end": "2027-02-03", "shifts": []}
    refused = head.post(f"/duty/places/{r.hall.pk}/plans", missing)
    assert refused.status_code == 409 and refused.json()["code"] == "duty_calendar_missing"
    assert head.delete(f"/duty/plans/{made.json()['id']}").status_code == 204
    assert DutyDay.objects.get(place=r.hall, date=OCTOBER).source == SlotSource.ROTATION
