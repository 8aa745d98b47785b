"""The demo county's duty: every village and township has layers, a published month with a swap and a leave,
check-ins, a duty log and reception visits, some of them petition cases; fast, and loading again adds nothing."""

from __future__ import annotations

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bianmin.demo import _load_county
from bianmin.duty.choices import ChangeKind, ChangeState, MonthState, PlaceKind
from bianmin.duty.demo import load_demo_duty
from bianmin.duty.models import (
    Attendance,
    DutyChange,
    DutyDay,
    DutyLayer,
    DutyLog,
    DutyMonth,
    DutyPlace,
    ReceptionVisit,
    parse_hours,
)
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit
from bianmin.workdays.services import current_calendar

pytestmark = pytest.mark.django_db


def test_demo_duty(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    _load_county(2026)
    with CaptureQueriesContext(connection) as queries:
        load_demo_duty(2026)
    places = Unit.objects.filter(kind__in=PLACE_KINDS).count()
    assert DutyPlace.objects.filter(kind=PlaceKind.VILLAGE_HALL).count() == places
    assert not DutyPlace.objects.exclude(pk__in=DutyLayer.objects.values("place")).exists()
    assert DutyMonth.objects.filter(state=MonthState.PUBLISHED).count() == DutyPlace.objects.count()
    approved = DutyChange.objects.filter(state=ChangeState.APPROVED)
    assert approved.filter(kind=ChangeKind.SWAP).exists() and approved.filter(kind=ChangeKind.LEAVE).exists()
    assert DutyDay.objects.exists() and ReceptionVisit.objects.filter(case__isnull=False).count() == 3
    assert ReceptionVisit.objects.filter(case__isnull=True).count() == 2
    # and today's check-ins are not later than the duty's hours begin (nor later than now)
    for attendance in Attendance.objects.select_related("place"):
        row = DutyDay.objects.get(place=attendance.place, user=attendance.user, date=attendance.date)
        spans = parse_hours(row.hours)
        assert attendance.checked_in_at <= timezone.now()
        if spans and timezone.localtime().time() > spans[0][0]:
            assert timezone.localtime(attendance.checked_in_at).time() < spans[0][0]
    # and each visit was on a working day, in the reception room's morning hours (Asia/Shanghai)
    for visit in ReceptionVisit.objects.all():
        at = timezone.localtime(visit.visited_at)
        assert current_calendar().is_workday(at.date()) and time(8, 30) <= at.time() <= time(12, 0), at
    counts = [m.objects.count() for m in (DutyPlace, DutyDay, DutyChange, ReceptionVisit, Attendance, DutyLog)]
    load_demo_duty(2026)
    assert counts == [m.objects.count() for m in (DutyPlace, DutyDay, DutyChange, ReceptionVisit, Attendance, DutyLog)]
    # A query budget rather than a time (the time depends on the machine's load): its 2,191 statements took
    # 3.8 s on SQLite, 0.24 s of it in the database, on 2 cores with a load average of 8 (2026-12-06).
    assert len(queries) <= 2300, len(queries)
