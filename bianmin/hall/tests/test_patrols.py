"""Patrols, violations, the deduction table, notices and monthly scores."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.conftest import County
from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.hall import patrols, services
from bianmin.hall.choices import ViolationStatus
from bianmin.hall.models import Finding, FindingKind, HallNotice, Violation
from bianmin.hall.patrols import Observation
from bianmin.hall.tests.factories import HallData, at
from bianmin.org.choices import Role
from bianmin.org.tests.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("finding_kinds")]


def test_a_finding_against_the_person_signed_in_is_a_violation_with_the_tables_points(
    county: County, hall: HallData
) -> None:
    staff = county.people["window"]
    services.sign_in(hall.windows[1], actor=staff)
    patrol = patrols.record_patrol(
        hall.hall,
        actor=county.people["inspector"],
        observations=[
            Observation(hall.windows[1], present=False, kind="off_post", note="离岗20分钟"),
            Observation(hall.windows[2], present=False, kind="absent_half_day"),  # no one signed in: no person
        ],
        at=at(10),
    )
    assert Finding.objects.filter(patrol=patrol).count() == 2
    assert list(Violation.objects.values_list("person__username", "points")) == [("window", Decimal("3.0"))]


def test_the_deduction_table_is_honoured_and_a_violation_keeps_its_points(county: County, hall: HallData) -> None:
    staff, inspector = county.people["window"], county.people["inspector"]
    services.sign_in(hall.windows[1], actor=staff)
    patrols.record_patrol(
        hall.hall, actor=inspector, observations=[Observation(hall.windows[1], kind="late")], at=at(9)
    )
    FindingKind.objects.filter(code="late").update(points=Decimal("0.5"))  # the manager edits the table
    patrols.record_patrol(
        hall.hall, actor=inspector, observations=[Observation(hall.windows[1], kind="late")], at=at(14)
    )
    patrols.record_patrol(
        hall.hall, actor=inspector, observations=[Observation(hall.windows[1], kind="phone_games")], at=at(15)
    )
    assert sorted(Violation.objects.values_list("points", flat=True)) == [Decimal("0.5"), Decimal("1"), Decimal("1")]
    scores = patrols.monthly_scores(hall.hall, 2026, 12)
    assert scores == [{"person": staff.display_name or "window", "deducted": Decimal("2.5"), "score": Decimal("97.5")}]
    assert patrols.monthly_scores(hall.hall, 2026, 11) == []


def test_a_round_reads_the_months_violations_once_and_counts_on_through_its_own(county: County, hall: HallData) -> None:
    # Given: the window's staff member already has one violation this month; a second person at window 2
    staff, second, inspector = (
        county.people["window"],
        member(county["center"], Role.WINDOW_STAFF),
        county.people["inspector"],
    )
    services.sign_in(hall.windows[1], actor=staff)
    services.sign_in(hall.windows[2], actor=second)
    patrols.record_patrol(
        hall.hall, actor=inspector, observations=[Observation(hall.windows[1], kind="late")], at=at(9)
    )
    # When: a round finds two things at window 1 and one at window 2
    seen = [Observation(hall.windows[1], kind="late"), Observation(hall.windows[1], kind="attitude")]
    with CaptureQueriesContext(connection) as queries:
        patrol = patrols.record_patrol(
            hall.hall, actor=inspector, observations=[*seen, Observation(hall.windows[2], kind="late")], at=at(14)
        )
    # Then: the first person's are their second and third of the month, the other's a first; one read of them
    found = Violation.objects.filter(finding__patrol=patrol).order_by("pk")
    assert [(v.person_id, v.status) for v in found] == [
        (staff.pk, ViolationStatus.FIX_ORDERED),
        (staff.pk, ViolationStatus.NOTICED),
        (second.pk, ViolationStatus.REMINDED),
    ]
    table = Violation._meta.db_table
    reads = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
    ]
    assert len(reads) == 1, "\n".join(reads)


def test_only_inspectors_in_scope_patrol_and_a_photo_must_be_an_image(county: County, hall: HallData) -> None:
    with pytest.raises(PermissionDenied):
        patrols.record_patrol(hall.hall, actor=county.people["township_leader"], observations=[])
    fake = SimpleUploadedFile("p.jpg", b"not an image")
    with pytest.raises(InvalidInput):
        patrols.record_patrol(
            hall.hall,
            actor=county.people["inspector"],
            observations=[Observation(hall.windows[1], kind="late", photo=fake)],
        )


def test_a_notice_lists_the_periods_violations_and_the_people_count(county: County, hall: HallData) -> None:
    inspector = county.people["inspector"]
    second = member(county["center"], Role.WINDOW_STAFF, username="w2")
    services.sign_in(hall.windows[1], actor=county.people["window"])
    services.sign_in(hall.windows[2], actor=second)
    both = [Observation(hall.windows[1], kind="late"), Observation(hall.windows[2], kind="attitude")]
    patrols.record_patrol(hall.hall, actor=inspector, observations=both, at=at(9))
    patrols.record_patrol(hall.hall, actor=inspector, observations=both[:1], at=at(9, day=20))
    with pytest.raises(PermissionDenied):
        patrols.publish_notice(hall.hall, actor=inspector, title="x", start=date(2026, 12, 1), end=date(2026, 12, 10))
    notice = patrols.publish_notice(
        hall.hall,
        actor=county.people["county_admin"],
        title="12月上旬通报",
        start=date(2026, 12, 1),
        end=date(2026, 12, 10),
        public=True,
        at=at(12, day=10),
    )
    assert sorted(notice.violations.values_list("kind__code", flat=True)) == ["attitude", "late"]
    assert patrols.people_with_violations(county["county"], date(2026, 12, 1), date(2026, 12, 31)) == 2
    assert patrols.people_with_violations(county["baidi"], date(2026, 12, 1), date(2026, 12, 31)) == 0
    assert HallNotice.objects.filter(public=True).count() == 1


def test_patrol_and_notice_through_the_api(county: County, hall: HallData, api_as, client) -> None:
    services.sign_in(hall.windows[1], actor=county.people["window"])
    recorded = api_as(county.people["inspector"]).post(
        f"/hall/halls/{hall.hall.pk}/patrols", {"observations": [{"window": 1, "kind": "phone_games", "present": True}]}
    )
    assert recorded.status_code == 201 and [v["points"] for v in recorded.json()["violations"]] == ["1.0"]
    today = services.local_day(Violation.objects.get().at)
    published = api_as(county.people["county_admin"]).post(
        f"/hall/halls/{hall.hall.pk}/notices",
        {"title": "通报", "start": today.isoformat(), "end": today.isoformat(), "public": True},
    )
    assert published.status_code == 201 and len(published.json()["violations"]) == 1
    public = api_as(None).get(f"/hall/halls/{hall.hall.pk}/public-notices")
    assert public.status_code == 200 and public.json()[0]["title"] == "通报"
    client.force_login(county.people["supervisor"])
    assert "本月共1人违反工作纪律" in client.get(f"/hall/{hall.hall.pk}/notices/").content.decode()
