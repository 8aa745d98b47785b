"""The demo county's halls: 40 windows at the center, a street hall and a township hall, staff signed in, a refused hired
person, three days of tickets whose events and ratings add up; fast, and loading again adds nothing."""

from __future__ import annotations

import time

import pytest

from bianmin.catalog.demo import load_demo_catalog
from bianmin.demo import _load_county
from bianmin.hall.choices import Measure, TicketStatus, ViolationStatus, WindowEventKind
from bianmin.hall.demo import load_demo_hall
from bianmin.hall.models import (
    DutyOfficerMark,
    Hall,
    HallNotice,
    PadRating,
    Patrol,
    Ticket,
    TicketEvent,
    Violation,
    ViolationEvent,
    Window,
    WindowEvent,
    WindowSession,
)
from bianmin.hall.stats import daily_stats, presence_rate
from bianmin.org.choices import EmploymentType

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("finding_kinds")
def test_demo_hall(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    _load_county(2026)
    load_demo_catalog()
    started = time.perf_counter()
    load_demo_hall(2026)
    elapsed = time.perf_counter() - started
    center = Hall.objects.get(unit__code="500236-ZWZX")
    assert Window.objects.filter(hall=center).count() == 40 and Hall.objects.count() == 3
    assert {s.user.employment_type for s in WindowSession.objects.select_related("user")} == {EmploymentType.FORMAL}
    refused = WindowEvent.objects.filter(kind=WindowEventKind.REFUSED).select_related("user")
    assert refused.count() == 2 and {e.user.employment_type for e in refused} == {EmploymentType.CONTRACT}
    assert not Ticket.objects.filter(status__in=[TicketStatus.WAITING, TicketStatus.CALLED]).exists()
    assert PadRating.objects.filter(case__isnull=False).exists()
    day = Ticket.objects.filter(hall=center).order_by("day").values_list("day", flat=True).first()
    whole = daily_stats(center, day)["hall"][0]
    assert whole["issued"] == 60 and whole["served"] + whole["no_shows"] == 60 and whole["wait_p50"] is not None
    assert Violation.objects.count() == 3 and HallNotice.objects.get().violations.count() == 3
    cards = sorted(Violation.objects.values_list("status", flat=True))
    assert cards == [ViolationStatus.FIX_ORDERED, ViolationStatus.REMINDED, ViolationStatus.REMINDED]
    assert ViolationEvent.objects.filter(measure=Measure.TALK).count() == 1
    assert DutyOfficerMark.objects.filter(window__hall=center).count() == 34
    assert presence_rate(center)["in_hall"] > 0
    models = (Hall, Window, Ticket, TicketEvent, PadRating, WindowEvent, Patrol, Violation, HallNotice)
    counts = [m.objects.count() for m in models]
    load_demo_hall(2026)
    assert counts == [m.objects.count() for m in models]
    print(f"load_demo_hall: {elapsed:.2f} s")
    assert elapsed < 3, elapsed
