"""Real activity counts as presence on a duty day: a patrol round of a service hall the person recorded, or a
grievance they took in at the village hall (a case of channel village_hall they created that day). Read in one
query, whatever the number of people on duty."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bianmin.cases.choices import CaseKind, Channel
from bianmin.cases.services import create_case
from bianmin.duty import activity, presence
from bianmin.duty.models import DutyDay, DutyPlace
from bianmin.duty.tests.factories import rosters
from bianmin.hall.models import Hall, Patrol

pytestmark = pytest.mark.django_db


def _take_in(actor, village, channel=Channel.VILLAGE_HALL, at=None):
    case, _created = create_case(
        actor=actor,
        channel=channel,
        kind=CaseKind.HELP,
        title="路灯坏了",
        content="村口路灯坏了三天",
        citizen_name="王大爷",
        citizen_phone="13800001111",
        village=village,
        received_at=at,
    )
    return case


TUESDAY = date(2026, 10, 13)


def at(hour: int, day: date = TUESDAY) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_grievance_taken_in_at_the_village_hall_counts_as_presence(county):
    # Given the person on duty at 浣花村's hall on a working Tuesday, not checked in
    r = rosters(county, months=[TUESDAY.replace(day=1)])
    today = TUESDAY
    places = DutyPlace.objects.filter(pk=r.hall.pk)
    row = DutyDay.objects.filter(place=r.hall, date=today).first()
    assert row is not None and row.user is not None
    assert row in presence.roll_call(places, today)
    # When they took in a grievance yesterday, or by the hotline today, it does not count
    _take_in(row.user, county["huanhua"], at=at(17, TUESDAY - timedelta(days=1)))
    _take_in(row.user, county["huanhua"], channel=Channel.HOTLINE, at=at(10))
    assert row in presence.roll_call(places, today)
    # and a colleague's grievance at the hall today does not count for them
    colleague = next(m.user for m in r.cadres if m.user_id != row.user_id)
    _take_in(colleague, county["huanhua"], at=at(10))
    assert row in presence.roll_call(places, today)
    # Then one they took in at the village hall that day does (23:30 Shanghai is still that day)
    _take_in(row.user, county["huanhua"], at=at(23).replace(minute=30))
    assert row not in presence.roll_call(places, today)


def test_a_patrol_round_counts_as_presence_in_one_query(county, django_assert_num_queries):
    # Given the leader on duty in 白帝镇's reception room and the cadre at 浣花村's hall on a working Tuesday
    r = rosters(county, months=[TUESDAY.replace(day=1)])
    today = TUESDAY
    places = DutyPlace.objects.filter(pk__in=[r.room.pk, r.hall.pk])
    on_duty = DutyDay.objects.filter(place__in=places, date=today).count()
    # Then the overview is one query, whoever is on duty
    with django_assert_num_queries(1):
        missing = presence.roll_call(places, today)
    assert len(missing) == on_duty
    leader_row = DutyDay.objects.get(place=r.room, date=today)
    # When the leader patrols the hall of another township, it does not count
    kuimen_hall = Hall.objects.create(unit=county["kuimen"], name="夔门街道便民服务中心", phone="023-56551111")
    Patrol.objects.create(hall=kuimen_hall, inspector=leader_row.user, at=at(9))
    assert leader_row in presence.roll_call(places, today)
    # nor a round of 白帝镇's hall yesterday
    hall = Hall.objects.create(unit=county["baidi"], name="白帝镇便民服务中心", phone="023-56552222")
    Patrol.objects.create(hall=hall, inspector=leader_row.user, at=at(16, TUESDAY - timedelta(days=1)))
    assert leader_row in presence.roll_call(places, today)
    # Then a round of 白帝镇's hall today does
    Patrol.objects.create(hall=hall, inspector=leader_row.user, at=at(0))
    assert leader_row not in presence.roll_call(places, today)
    # and the month's count per person, one grouped query: the leader was there on the Tuesday, not the Monday
    monday = TUESDAY - timedelta(days=1)
    with django_assert_num_queries(1):
        counts = activity.absences_by_person(DutyDay.objects.filter(place__in=places), monday, TUESDAY)
    mine = next((c for c in counts if c["member_id"] == leader_row.member_id), None)
    on_monday = DutyDay.objects.filter(place__in=places, date=monday, member_id=leader_row.member_id).exists()
    assert (mine is not None) == on_monday
    if mine is not None:
        assert (mine["days"], mine["absent"]) == (2, 1)
    assert (
        sum(c["absent"] for c in counts)
        == DutyDay.objects.filter(place__in=places, date__range=(monday, TUESDAY)).count() - 1
    )


def test_the_overview_page_shows_how_each_was_there(county, this_year, client):
    r = rosters(county)
    today = timezone.localdate()
    row = DutyDay.objects.filter(place=r.hall, date=today).first()
    assert row is not None
    client.force_login(county.people["township_leader"])
    page = client.get("/duty/missing/").content.decode()
    assert row.name in page
    _take_in(row.user, county["huanhua"])
    page = client.get("/duty/missing/", {"all": "1"}).content.decode()
    assert row.name in page and 'data-signs="took_in"' in page
    listed = client.get("/duty/missing/").content.decode().split('id="missing"')[1].split('id="absences"')[0]
    assert row.name not in listed
    # a bad or too old date is said plainly, never a 500
    for bad in ("2026-13-01", "x", (today - timedelta(days=90)).isoformat()):
        response = client.get("/duty/missing/", {"date": bad})
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
