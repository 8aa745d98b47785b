"""Check-in and out, the duty log, the overview of missing check-ins, and the reminders the day before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bianmin.duty import presence, services
from bianmin.duty.choices import DayRule
from bianmin.duty.models import DutyDay, DutyLayer, DutyPlace
from bianmin.duty.tests.factories import rosters
from bianmin.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def test_the_person_on_duty_checks_in_and_out_and_writes_the_log(
    county, this_year, settings, tmp_path, django_capture_on_commit_callbacks
):
    r = rosters(county)
    # One person a day, whatever the weekday: the Monday layer puts everyone on duty, and this test needs a
    # cadre off duty today.
    services.delete_layer(DutyLayer.objects.get(place=r.hall, days=DayRule.MONDAYS), actor=None)
    today = timezone.localdate()
    row = DutyDay.objects.filter(place=r.hall, date=today).first()
    assert row is not None
    places = DutyPlace.objects.filter(pk=r.hall.pk)
    assert row in presence.roll_call(places, today)
    presence.check_in(r.hall, actor=row.user)
    presence.check_in(r.hall, actor=row.user)  # again: a no-op
    presence.check_out(r.hall, actor=row.user)
    assert row not in presence.roll_call(places, today)
    presence.add_log(r.hall, actor=row.user, text="接待村民两人")
    off_duty = next(m.user for m in r.cadres if not DutyDay.objects.filter(place=r.hall, date=today, member=m).exists())
    with pytest.raises(PermissionDenied):
        presence.check_in(r.hall, actor=off_duty)
    with pytest.raises(PermissionDenied):
        presence.add_log(r.hall, actor=county.people["cadre_b"], text="x")
    # the reminders the day before, through the file channel: the place and hours, never a phone
    settings.NOTIFY_CHANNEL, settings.DATA_DIR = "file", tmp_path
    tomorrow = DutyDay.objects.filter(date=today + timedelta(days=1)).count()
    with django_capture_on_commit_callbacks(execute=True):
        assert presence.remind_tomorrow() == tomorrow
    if tomorrow:
        text = (tmp_path / "notifications.jsonl").read_text()
        assert r.hall.name in text and all(m.user.phone not in text for m in r.cadres)
    # the morning's report of who has not checked in (the reception room's leader, if today is a working day)
    missing = DutyDay.objects.filter(date=today).exclude(place=r.hall, user=row.user).count()
    assert presence.remind_missing_check_ins() == missing


def test_the_resolve_command_after_a_calendar_change(county, this_year):
    from io import StringIO

    from django.core.management import call_command

    r = rosters(county)
    DutyDay.objects.filter(place=r.hall).delete()
    out = StringIO()
    call_command("duty_resolve", stdout=out, stderr=StringIO())
    assert DutyDay.objects.filter(place=r.hall, date=timezone.localdate()).exists()
    assert "places resolved" in out.getvalue()


def test_reminders_run_twice_a_day_are_sent_once(
    county, this_year, settings, tmp_path, django_capture_on_commit_callbacks
):
    # Given tomorrow's roster and the file channel
    settings.NOTIFY_CHANNEL, settings.DATA_DIR = "file", tmp_path
    r = rosters(county)
    today = timezone.localdate()
    tomorrow = DutyDay.objects.filter(date=today + timedelta(days=1)).count()
    assert tomorrow
    sent = tmp_path / "notifications.jsonl"
    # When duty_remind runs, then again by hand the same evening
    with django_capture_on_commit_callbacks(execute=True):
        assert presence.remind_tomorrow() == tomorrow
    with django_capture_on_commit_callbacks(execute=True):
        assert presence.remind_tomorrow() == 0
    # Then each person was told once
    assert len(sent.read_text().splitlines()) == tomorrow
    # and a person put on tomorrow's roster since (a substitute approved in between) is told on the next run
    row = DutyDay.objects.filter(place=r.hall, date=today + timedelta(days=1)).first()
    assert row is not None
    newcomer = services.add_member(r.hall, actor=None, name="新委员", post="村文书", resolve=False)
    DutyDay.objects.filter(pk=row.pk).update(member=newcomer, user=None, name=newcomer.name)
    with django_capture_on_commit_callbacks(execute=True):
        assert presence.remind_tomorrow() == 1
    assert len(sent.read_text().splitlines()) == tomorrow + 1
    # and the morning's report of missing check-ins is once a day too
    with django_capture_on_commit_callbacks(execute=True):
        first = presence.remind_missing_check_ins()
    with django_capture_on_commit_callbacks(execute=True):
        assert presence.remind_missing_check_ins() == 0
    assert first == DutyDay.objects.filter(date=today).count()
    assert len(sent.read_text().splitlines()) == tomorrow + 1 + first
