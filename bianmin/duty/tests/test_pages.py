"""What a walk through the pages found: my duty shows whether I checked in and only the steps I may take;
the change form starts from me and the day I came from and keeps what I wrote when refused; refusals never
show a field's code name; a holiday plan's errors stand beside their fields; the overview of missing check-ins
is one page with its own title; a villager who opens the staff pages is sent to the public board."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from bianmin.duty import changes, services
from bianmin.duty.choices import ChangeKind, SlotSource
from bianmin.duty.models import DutyDay, HolidayPlan
from bianmin.duty.tests.factories import rosters
from bianmin.errors import InvalidInput

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)
TUESDAY, WEDNESDAY = date(2026, 10, 13), date(2026, 10, 14)


def test_my_duty_shows_the_check_in_once_done(county, this_year, client):
    # Given the person on duty today at 浣花村's hall, signed in
    r = rosters(county)
    row = DutyDay.objects.filter(place=r.hall, date=timezone.localdate()).first()
    assert row is not None and row.user is not None
    client.force_login(row.user)
    check_in = f"/duty/places/{r.hall.pk}/attendance/in/"
    check_out = f"/duty/places/{r.hall.pk}/attendance/out/"
    page = client.get("/duty/").content.decode()
    assert check_in in page and check_out not in page
    # When they check in
    assert client.post(check_in).status_code == 302
    # Then the page says so and offers checking out, not checking in again
    page = client.get("/duty/").content.decode()
    assert "已签到" in page and check_in not in page and check_out in page
    # and each day links to asking for a change of it
    assert f"/duty/places/{r.hall.pk}/{row.date.year}-{row.date.month}/?date={row.date.isoformat()}" in page


def test_a_change_shows_each_person_only_the_steps_they_may_take(county, client):
    # Given a swap asked between two cadres of 浣花村 (cadre_a is the head)
    r = rosters(county, months=[OCTOBER])
    working = DutyDay.objects.filter(place=r.hall, date__month=10, rest_day=False, source=SlotSource.ROTATION)
    mine = working.exclude(member=r.cadres[0]).order_by("date").first()
    assert mine is not None
    theirs = working.exclude(member__in=[r.cadres[0], mine.member]).order_by("date").first()
    assert theirs is not None
    giver, taker = mine.member, theirs.member
    change = changes.request_change(
        r.hall,
        actor=giver.user,
        kind=ChangeKind.SWAP,
        member=giver,
        colleague=taker,
        day=mine.date,
        other_day=theirs.date,
        reason="家中有事",
    )
    steps = {
        who: {a for a in ("accept", "decline", "approve", "reject", "withdraw") if f"/{change.pk}/{a}/" in page}
        for who, page in (
            (who, _home(client, user)) for who, user in (("taker", taker.user), ("head", county.people["cadre_a"]))
        )
    }
    # Then the colleague may accept or decline (and withdraw, as a manager of the place), not reject
    assert {"accept", "decline"} <= steps["taker"] and "reject" not in steps["taker"]
    # and only the head may reject it
    assert "reject" in steps["head"]


def _home(client, user) -> str:
    client.force_login(user)
    return str(client.get("/duty/").content.decode())


def test_the_change_form_starts_from_me_and_keeps_a_refused_request(county, client):
    r = rosters(county, months=[OCTOBER])
    taker = DutyDay.objects.get(place=r.hall, date=WEDNESDAY).member
    client.force_login(taker.user)
    url = f"/duty/places/{r.hall.pk}/2026-10/"
    # Given the person comes from their day on "my duty"
    page = client.get(url, {"date": WEDNESDAY.isoformat()}).content.decode()
    # Then the form names them and that day
    assert f'<option value="{taker.pk}" selected>' in page and f'value="{WEDNESDAY.isoformat()}"' in page
    # a day of another month, or not a date, is left out
    for other in ("2026-11-02", "2026-10-99"):
        assert 'name="date" value=""' in client.get(url, {"date": other}).content.decode()
    # When a swap without a colleague is refused
    sent = {"do": "change", "kind": "swap", "member": taker.pk, "date": WEDNESDAY.isoformat(), "reason": "培训"}
    refused = client.post(url, sent)
    text = refused.content.decode()
    # Then the page says why in words, never a field's code name, and keeps what was written
    assert refused.status_code == 200 and "请选择接班的同事" in text
    assert "colleague:" not in text and "other_date:" not in text
    assert 'value="培训"' in text and '<option value="swap" selected>' in text


def test_a_holiday_plans_errors_stand_beside_their_fields(county, client):
    r = rosters(county, months=[OCTOBER])
    client.force_login(county.people["cadre_a"])
    url = f"/duty/places/{r.hall.pk}/plans/"
    # Days the wrong way round: said at the first step, no grid of people
    page = client.get(url, {"start": "2026-10-07", "end": "2026-10-01"}).content.decode()
    assert "须为 1 至 32 天" in page and "plan-form" not in page
    # a date that is not one
    assert "日期请写成" in client.get(url, {"start": "2026-10-01", "end": "国庆"}).content.decode()
    # No name and bad hours: both said, the grid kept with what was ticked
    shift = f"2026-10-02:{r.cadres[1].pk}"
    sent = {"do": "create", "start": "2026-10-01", "end": "2026-10-03", "name": " ", "hours": "9-5", "shift": [shift]}
    page = client.post(url, sent).content.decode()
    assert "请填写节假日值班安排的名称" in page and "08:30-12:00 14:30-18:00" in page
    assert f'value="{shift}" checked' in page and "name:" not in page and "hours:" not in page
    assert not HolidayPlan.objects.exists()
    # and withdrawing a plan that is not a number is said, not a server error
    withdraw = client.post(url, {"do": "delete", "plan": "abc"})
    assert withdraw.status_code == 200 and 'role="alert"' in withdraw.content.decode()


def test_the_overview_of_missing_check_ins_is_one_page(county, this_year, client):
    rosters(county)
    client.force_login(county.people["township_leader"])
    page = client.get("/duty/missing/").content.decode()
    assert "<title>未签到情况 · " in page and page.count('id="absences"') == 1
    assert "值班天数" in page  # a count of days, not the Excel sheet's "值班明细"


def test_a_villager_opening_the_staff_pages_is_sent_to_the_public_board(county, client):
    client.force_login(county.people["villager"])
    for url in ("/duty/", "/duty/missing/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/on-duty/"


def test_a_date_out_of_any_roster_is_refused_not_a_server_error(county, client, api_as):
    # Given 浣花村's hall and its head
    r = rosters(county, months=[OCTOBER])
    head = county.people["cadre_a"]
    far, first = date(9999, 12, 31), date(1, 1, 1)
    # Then the pages of a month out of range are not found (their links to the months either side cannot be)
    client.force_login(head)
    for url in (f"/duty/places/{r.hall.pk}/9999-12/", f"/duty/places/{r.hall.pk}/1-1/"):
        assert client.get(url).status_code == 404
    client.force_login(county.people["township_leader"])
    assert client.get(f"/duty/townships/{county['baidi'].code}/9999-12/").status_code == 404
    # and the services refuse such a day by its field
    with pytest.raises(InvalidInput) as refused:
        changes.request_change(r.hall, actor=head, kind=ChangeKind.LEAVE, member=r.cadres[1], day=far, reason="x")
    assert set(refused.value.fields) == {"date"}
    with pytest.raises(InvalidInput) as refused:
        services.save_holiday_plan(r.hall, actor=head, name="x", start=first, end=first, shifts={})
    assert set(refused.value.fields) == {"start", "end"}
    # and the API answers 422 with the field, for bodies and queries alike
    api = api_as(head)
    leave = {"kind": "leave", "member": r.cadres[1].pk, "date": far.isoformat(), "reason": "x"}
    plan = {"name": "x", "start": far.isoformat(), "end": far.isoformat()}
    for response, field in (
        (api.post(f"/duty/places/{r.hall.pk}/changes", leave), "date"),
        (api.post(f"/duty/places/{r.hall.pk}/plans", plan), "start"),
        (api.get("/duty/presence", day=far.isoformat()), "day"),
        (api.get("/duty/presence", day=first.isoformat()), "day"),
        (api.get(f"/duty/places/{r.hall.pk}/days", month="9999-12-01"), "month"),
    ):
        assert response.status_code == 422 and field in response.json()["fields"], response.json()
