"""The calendar as stored: administrator overrides, declared schedules, who may change them, the API."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.org.models import AuditEntry
from bianmin.workdays import services
from bianmin.workdays.calendar import BUNDLED_YEARS

d = date.fromisoformat


def test_entering_next_years_schedule_clears_the_warning(county, django_capture_on_commit_callbacks):
    admin = county.people["county_admin"]
    assert services.schedule_warning(d("2027-01-01"), d("2027-01-31")) is not None
    assert "2027" in services.schedule_warning(d("2027-01-01"), d("2027-01-31"))
    with django_capture_on_commit_callbacks(execute=True):
        services.set_override(actor=admin, day=d("2027-01-01"), is_workday=False, note="元旦")
        services.declare_schedule(actor=admin, year=2027, source="国办发明电〔2026〕X号")
    assert services.add_workdays(d("2026-12-31"), 1) == d("2027-01-04")
    assert services.schedule_warning(d("2027-01-01"), d("2027-01-31")) is None
    assert AuditEntry.objects.filter(action="calendar.override", actor=admin).exists()


def test_removing_an_override_restores_the_official_day(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = services.set_override(actor=None, day=d("2026-10-11"), is_workday=True, note="加班")
    assert services.is_workday(d("2026-10-11"))
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_override(row, actor=None)
    assert not services.is_workday(d("2026-10-11"))


@pytest.mark.parametrize("persona", ["township_admin", "supervisor", "cadre_a"])
def test_only_county_level_administrators_change_the_calendar(county, persona):
    with pytest.raises(PermissionDenied):
        services.set_override(actor=county.people[persona], day=d("2027-01-01"), is_workday=False)


def test_a_bundled_year_cannot_be_declared(county):
    with pytest.raises(InvalidInput):
        services.declare_schedule(actor=None, year=2026, source="x")


def test_api_adds_working_days_across_national_day(county, api_as):
    body = api_as(county.people["cadre_a"]).get("/calendar/add-workdays", start="2026-09-29", workdays=5).json()
    assert body == {"start": "2026-09-29", "workdays": 5, "result": "2026-10-12", "warning": None}


def test_api_warns_for_a_year_without_data(county, api_as):
    body = api_as(county.people["cadre_a"]).get("/calendar/add-workdays", start="2026-12-25", workdays=10).json()
    assert body["result"] == "2027-01-08" and "2027" in body["warning"]


def test_api_lists_days_with_their_source(county, api_as):
    body = api_as(county.people["cadre_a"]).get("/calendar/days", start="2026-10-09", end="2026-10-11").json()
    assert [(x["date"], x["is_workday"], x["source"]) for x in body["days"]] == [
        ("2026-10-09", True, "official"),
        ("2026-10-10", True, "official"),
        ("2026-10-11", False, "official"),
    ]


def test_api_refuses_bad_ranges_with_field_errors(county, api_as):
    api = api_as(county.people["cadre_a"])
    assert api.get("/calendar/days", start="2026-10-09", end="2025-10-11").json()["fields"] == {
        "end": "结束日期不能早于开始日期，且相隔不超过 400 天。"
    }
    bad = api.get("/calendar/add-workdays", start="2026-13-01", workdays=-1)
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"start", "workdays"}


def test_api_status_names_the_years_without_a_schedule(county, api_as):
    body = api_as(county.people["cadre_a"]).get("/calendar/status").json()
    today = timezone.localdate()
    assert body["missing_years"] == [y for y in (today.year, today.year + 1) if y not in BUNDLED_YEARS]
    assert (body["warning"] is None) == (not body["missing_years"])
