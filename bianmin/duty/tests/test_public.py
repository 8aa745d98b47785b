"""The public "今日值班" board: no login, who is on duty today and this week, the office phone but never a
personal phone, the township reception room's leader today, a QR code, one indexed read, ETag caching."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from bianmin.duty.models import DutyDay
from bianmin.duty.tests.factories import rosters

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(county, this_year):
    huanhua = county["huanhua"]
    huanhua.phone = "023-56551234"
    huanhua.save()
    return rosters(county)


def test_the_board_shows_who_is_on_duty_and_never_a_personal_phone(client, county, board):
    today = timezone.localdate()
    on_duty = DutyDay.objects.filter(place=board.hall, date=today)
    leader = DutyDay.objects.filter(place=board.room, date=today).first()
    response = client.get(f"/duty/today/{county['huanhua'].code}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert all(row.name in body for row in on_duty) and on_duty.exists()
    assert "023-56551234" in body and "<svg" in body
    assert "csrfmiddlewaretoken" not in body  # shared by public caches: nothing of one visitor
    if leader is not None:  # a working day: the township's reception room
        assert leader.name in body
    for person in county.people.values():
        assert not person.phone or person.phone not in body
    for member in board.cadres + board.leaders:
        assert member.user.phone not in body
    # and the JSON board says the same, with the office phone only
    data = client.get(f"/api/v1/duty/public/{county['huanhua'].code}").json()
    assert data["office_phone"] == "023-56551234"
    assert all(member.user.phone not in str(data) for member in board.cadres)


def test_the_board_is_one_indexed_read_and_cacheable(client, county, board):
    url = f"/duty/today/{county['huanhua'].code}/"
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    duty_reads = [q["sql"] for q in queries.captured_queries if "duty_" in q["sql"]]
    # one read, by (unit, date): the duty_day_unit_date index
    assert len(duty_reads) == 1 and "unit_id IN" in duty_reads[0] and "BETWEEN" in duty_reads[0]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + duty_reads[0])
            assert "duty_day_unit_date" in str(cursor.fetchall())
    assert first["Cache-Control"].startswith("public") and first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    screen = client.get(url + "?screen=1")
    assert screen.status_code == 200 and b"duty-screen" in screen.content


def test_an_unknown_unit_is_not_found(client, county, board):
    assert client.get("/duty/today/NOPE/").status_code == 404
    assert client.get(f"/duty/today/{county['rsj'].code}/").status_code == 404


def test_the_ical_feeds(client, county, board):
    member = board.cadres[0]
    feed = client.get(f"/duty/feed/{member.feed_secret}.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "BEGIN:VEVENT" in body and "BEGIN:VALARM" in body and member.name in body
    # Every TZID it uses is defined in the feed (RFC 5545): a client without the IANA names can read the times
    calendar = Calendar.from_ical(feed.content)
    zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
    events = calendar.walk("VEVENT")
    assert events and zones == {"Asia/Shanghai"}
    assert all(e["DTSTART"].params["TZID"] in zones for e in events)
    assert client.get(f"/duty/feed/{board.hall.feed_secret}.ics").status_code == 200
    assert client.get("/duty/feed/guess.ics").status_code == 404


def test_a_bad_change_form_is_a_message_not_a_server_error(client, county, board):
    client.force_login(county.people["cadre_a"])
    month = timezone.localdate().replace(day=1)
    url = f"/duty/places/{board.hall.pk}/{month.year}-{month.month}/"
    response = client.post(url, {"do": "change", "kind": "swap", "date": "not-a-date"})
    assert response.status_code == 200 and "部分字段填写有误" in response.content.decode()
