"""The register's rules through the services: derived dates, the cycle per scheme and region, suspension
from the month after the grace, resumption with back-pay, stopping with overpayment, scope."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from bianmin.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.notify import Message
from bianmin.pension import cycle, schemes, services
from bianmin.pension.choices import EventKind, Method, PensionerStatus, Result, StopReason
from bianmin.pension.models import Certification, Pensioner, PensionerEvent
from bianmin.pension.tests.factories import new_id, pensioner, scheme


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def events(p: Pensioner) -> list[tuple[str, int | None]]:
    return list(PensionerEvent.objects.filter(pensioner=p).order_by("id").values_list("kind", "months"))


def test_registering_derives_birth_date_and_due_date(county):
    p = pensioner(county["huanhua"], id_number=new_id(date(1948, 2, 29)), last_certified_on=date(2024, 2, 29))
    assert p.birth_date.month == 2 and p.birth_date.day == 29
    assert (p.cycle_months, p.due_on, p.suspend_after) == (12, date(2025, 2, 28), date(2025, 2, 28))
    assert events(p) == [(EventKind.REGISTERED, None)]


def test_a_bad_or_repeated_identity_number_is_refused(county):
    number = new_id()
    with pytest.raises(InvalidInput) as bad:
        pensioner(county["huanhua"], id_number=number[:-1] + ("0" if number[-1] != "0" else "1"))
    assert "id_number" in bad.value.fields
    pensioner(county["huanhua"], id_number=number)
    with pytest.raises(Conflict):
        pensioner(county["shima"], id_number=number.lower())


def test_the_cycle_is_the_schemes_unless_a_region_sets_its_own(county):
    six = scheme("171", cycle_months=6)
    assert pensioner(county["huanhua"], scheme=six, last_certified_on=date(2026, 8, 31)).due_on == date(2027, 2, 28)
    yearly = pensioner(county["shima"], last_certified_on=date(2026, 3, 31))
    other = pensioner(county["baotaping"], last_certified_on=date(2026, 3, 31))
    assert yearly.due_on == date(2027, 3, 31)
    # When 白帝镇 puts the yearly scheme on a 6-month cycle with 10 days' grace
    changed = schemes.set_rule(actor=None, scheme=yearly.scheme, region=county["baidi"], cycle_months=6, grace_days=10)
    # Then its villages' pensioners move, 夔门街道's do not, and newcomers follow the rule
    yearly.refresh_from_db()
    other.refresh_from_db()
    assert changed == 1
    assert (yearly.due_on, yearly.suspend_after) == (date(2026, 9, 30), date(2026, 10, 10))
    assert other.due_on == date(2027, 3, 31)
    assert pensioner(county["huanhua"], last_certified_on=date(2026, 1, 15)).due_on == date(2026, 7, 15)


def test_overdue_past_the_grace_suspends_from_the_next_month_and_tells_the_township(
    county, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[Message] = []
    monkeypatch.setattr(services, "channel", lambda: type("C", (), {"send": lambda self, m: sent.append(m)})())
    grace = scheme("172", grace_days=30)
    p = pensioner(county["huanhua"], scheme=grace, last_certified_on=date(2025, 1, 10))
    fresh = pensioner(county["huanhua"], scheme=grace, last_certified_on=date(2025, 6, 1))
    assert p.suspend_after == date(2026, 2, 9)
    assert services.suspend_overdue(date(2026, 2, 9)) == 0  # the grace's last day
    with django_capture_on_commit_callbacks(execute=True):
        assert services.suspend_overdue(date(2026, 2, 10)) == 1
    p.refresh_from_db()
    fresh.refresh_from_db()
    assert (p.status, p.suspended_from) == (PensionerStatus.SUSPENDED, date(2026, 3, 1))
    assert fresh.status == PensionerStatus.ACTIVE
    assert [(m.kind, m.unit) for m in sent] == [("pension_suspended", county["baidi"].code)]
    assert p.name not in sent[0].text and p.id_number not in sent[0].text
    # Running it again suspends no one twice
    assert services.suspend_overdue(date(2026, 4, 1)) == 0
    assert events(p) == [(EventKind.REGISTERED, None), (EventKind.SUSPENDED, None)]


def test_a_new_certification_resumes_with_the_suspended_months_back_paid(county):
    p = pensioner(county["huanhua"], last_certified_on=date(2025, 2, 10))
    services.suspend_overdue(date(2026, 2, 11))
    p.refresh_from_db()
    assert p.suspended_from == date(2026, 3, 1)
    done = services.certify(p, actor=county.people["cadre_a"], method=Method.HOME_VISIT, at=at(date(2026, 6, 20)))
    p.refresh_from_db()
    assert (done.resumed, done.back_pay_months) == (True, 3)  # March, April, May; June is paid as usual
    assert (p.status, p.suspended_from, p.last_certified_on, p.due_on) == (
        PensionerStatus.ACTIVE,
        None,
        date(2026, 6, 20),
        date(2027, 6, 20),
    )
    assert events(p)[-1] == (EventKind.RESUMED, 3)
    assert done.certification.operator == county.people["cadre_a"]


def test_a_failed_certification_needs_a_reason_and_moves_nothing(county):
    p = pensioner(county["huanhua"], last_certified_on=date(2026, 1, 5))
    cadre = county.people["cadre_a"]
    with pytest.raises(InvalidInput):
        services.certify(p, actor=cadre, method=Method.FINGERPRINT_ON_SITE, result=Result.FAILED)
    services.certify(
        p,
        actor=cadre,
        method=Method.FINGERPRINT_ON_SITE,
        result=Result.FAILED,
        failure_reason="指纹磨损",
        at=at(date(2026, 5, 1)),
    )
    p.refresh_from_db()
    assert p.due_on == date(2027, 1, 5)
    # An older pass recorded late does not move the due date back
    services.certify(p, actor=cadre, method=Method.IN_PERSON_HALL, at=at(date(2026, 6, 1)))
    services.certify(p, actor=cadre, method=Method.DATA_COMPARISON, at=at(date(2026, 3, 1)))
    p.refresh_from_db()
    assert p.due_on == date(2027, 6, 1)
    assert Certification.objects.filter(pensioner=p).count() == 3


def test_stopping_computes_the_overpaid_months_and_ends_certification(county):
    today = timezone.localdate()
    active = pensioner(county["huanhua"], last_certified_on=today)
    died = cycle.add_months(today, -3)
    _stopped, months = services.stop_pensioner(active, actor=None, reason=StopReason.DEATH, ended_on=died)
    assert months == 3  # paid through this month
    assert events(active)[-1] == (EventKind.STOPPED, 3)
    with pytest.raises(Conflict):
        services.certify(active, actor=None, method=Method.IN_PERSON_HALL)
    with pytest.raises(Conflict):
        services.stop_pensioner(active, actor=None, reason=StopReason.DEATH, ended_on=died)
    # A suspended pension was paid only to the month before the suspension
    suspended = pensioner(county["shima"], last_certified_on=cycle.add_months(today, -14))
    services.suspend_overdue(today)
    suspended.refresh_from_db()
    assert suspended.suspended_from is not None
    ended = cycle.add_months(suspended.suspended_from, -3)
    _p, months = services.stop_pensioner(suspended, actor=None, reason=StopReason.MOVED_AWAY, ended_on=ended)
    assert months == 2


def test_only_the_villages_certifiers_certify(county):
    p = pensioner(county["huanhua"], last_certified_on=date(2026, 1, 5))
    with pytest.raises(NotFound):
        services.certify(p, actor=county.people["cadre_b"], method=Method.IN_PERSON_HALL)
    with pytest.raises(PermissionDenied):
        services.certify(p, actor=county.people["township_leader"], method=Method.IN_PERSON_HALL)
    with pytest.raises(PermissionDenied):
        services.stop_pensioner(p, actor=county.people["cadre_a"], reason=StopReason.DEATH, ended_on=date(2026, 1, 6))
    services.certify(p, actor=county.people["township_staff"], method=Method.IN_PERSON_HALL)
    services.update_pensioner(p, actor=county.people["cadre_a"], needs_home_visit=True)
    with pytest.raises(PermissionDenied):
        services.update_pensioner(p, actor=county.people["cadre_a"], phone="13800000000")


def test_reminders_go_once_per_cycle_to_the_village_and_by_sms_to_the_pensioner(
    county, monkeypatch, settings, django_capture_on_commit_callbacks
):
    sent: list[Message] = []
    monkeypatch.setattr(services, "channel", lambda: type("C", (), {"send": lambda self, m: sent.append(m)})())
    settings.NOTIFY_CHANNEL = "webhook"
    soon = pensioner(county["huanhua"], phone="13912345678", last_certified_on=date(2025, 6, 20))
    pensioner(county["huanhua"], last_certified_on=date(2025, 9, 1))  # due in September: not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_due(date(2026, 6, 1)) == 1
    assert [(m.unit, m.to_citizen, m.phone) for m in sent] == [
        (county["huanhua"].code, False, ""),
        (None, True, "13912345678"),
    ]
    assert soon.name not in sent[0].text
    assert services.remind_due(date(2026, 6, 2)) == 0  # once per cycle
    services.certify(soon, actor=None, method=Method.FACE_SELF_SERVICE, at=at(date(2026, 6, 10)))
    assert services.remind_due(date(2027, 5, 20)) == 1  # the next cycle is reminded again


def test_a_hall_counter_records_where_it_certified_through_the_api(county):
    from django.test import Client

    p = pensioner(county["huanhua"], last_certified_on=date(2026, 1, 5))
    staff = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff.force_login(county.people["township_staff"])
    url = "/api/v1/pension/certifications"
    body = {"id_number": p.id_number, "method": "in_person_hall", "unit": county["baidi"].code}
    assert staff.post(url, body, content_type="application/json").status_code == 201
    assert Certification.objects.get(pensioner=p).unit == county["baidi"]  # the township's hall, not the village
    # A remote method has no place; a unit where the caller does not certify is refused, nothing recorded.
    remote = staff.post(url, {**body, "method": "face_self_service"}, content_type="application/json")
    cadre = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    cadre.force_login(county.people["cadre_a"])
    elsewhere = cadre.post(url, body, content_type="application/json")
    unknown = staff.post(url, {**body, "unit": "nowhere"}, content_type="application/json")
    for answer in (remote, elsewhere, unknown):
        assert answer.status_code == 400 and answer.json()["fields"]["unit"]
    assert Certification.objects.filter(pensioner=p).count() == 1
