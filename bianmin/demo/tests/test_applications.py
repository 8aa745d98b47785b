"""The demo applications, as someone trying the demo would find them: every status of the application
workflow, filed every way, histories that verify and notices for every step that issues one, on working
days of the official calendar and never in the future; and the demo citizen's own applications."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from bianmin.cases import sla
from bianmin.cases.choices import CaseStatus, Channel, Decision, Workflow
from bianmin.cases.events import verify_chains
from bianmin.cases.models import Case, CaseDocument, CaseEvent
from bianmin.cases.sweep import sweep
from bianmin.demo import load_demo
from bianmin.demo.applications import PLAN, load_demo_applications
from bianmin.demo.tests.test_bulk import assert_open_case_text_matches
from bianmin.org.choices import UnitKind
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.workdays.services import current_calendar

SEED = 7
# Two months back from here cross the Mid-Autumn Festival, National Day and two make-up working days.
NOW = datetime(2026, 10, 20, 18, 0, tzinfo=sla.SHANGHAI)
FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
APPLICATION_STATUSES = {
    CaseStatus.SUBMITTED,
    CaseStatus.SUPPLEMENT,
    CaseStatus.ACCEPTED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.PAUSED,
    CaseStatus.COMPLETED,
    CaseStatus.CLOSED,
    CaseStatus.REFUSED,
    CaseStatus.WITHDRAWN,
}


def applications() -> Any:
    return Case.objects.filter(workflow=Workflow.APPLICATION).select_related("application", "unit")


@pytest.fixture(scope="class")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo county without grievances, then every planned application as of NOW, loaded once inside a
    transaction rolled back after the class."""
    with django_db_blocker.unblock(), FAST_HASHER:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo(seed=SEED, cases=0)
            filed = load_demo_applications(SEED, now=NOW)
            yield filed
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.usefixtures("demo")
class TestDemoApplications:
    def test_every_status_occurs_filed_every_way_at_both_levels(self, demo: int, db: None) -> None:
        assert demo == len(PLAN) and 40 <= demo <= 80
        cases = list(applications())
        assert {c.status for c in cases} == APPLICATION_STATUSES
        assert {c.channel for c in cases} == {Channel.VILLAGE_HALL, Channel.WINDOW, Channel.WEB}
        assert {c.unit.kind for c in cases} >= {UnitKind.TOWNSHIP, UnitKind.STREET, UnitKind.DEPARTMENT}
        windows = {c.created_by.memberships.get().unit.kind for c in cases if c.channel == Channel.WINDOW}
        assert windows == {UnitKind.SERVICE_CENTER, UnitKind.TOWNSHIP}
        assert all(c.application.proxy_id == c.created_by_id for c in cases if c.channel == Channel.VILLAGE_HALL)
        assert len({c.application.item_version.item_id for c in cases}) >= 25

    def test_every_history_verifies(self, db: None) -> None:
        assert list(verify_chains()) == []

    def test_the_open_cases_words_are_kept_through_every_status(self, db: None) -> None:
        assert_open_case_text_matches()  # the played demo reaches every status, `supplement` included

    def test_every_notice_was_issued(self, db: None) -> None:
        for case in applications():
            application = case.application
            kinds = Counter(CaseDocument.objects.filter(case=case).values_list("kind", flat=True))
            assert kinds["acceptance"] == (case.accepted_at is not None), case.number
            assert kinds["decision"] == bool(application.decision), case.number
            assert kinds["refusal"] == (case.status == CaseStatus.REFUSED), case.number
            assert kinds["supplement"] == (application.notice_sent_at is not None), case.number
        assert all(d.pdf[:5] == b"%PDF-" for d in CaseDocument.objects.all())

    def test_on_working_days_in_office_hours_over_two_months_and_never_later_than_now(self, db: None) -> None:
        calendar = current_calendar()
        events = CaseEvent.objects.filter(case__workflow=Workflow.APPLICATION).select_related("case")
        assert max(e.at for e in events) < NOW
        assert min(e.at for e in events) >= NOW - timedelta(days=70)
        for event in events:
            local = event.at.astimezone(sla.SHANGHAI)
            assert calendar.is_workday(local.date()), (event.case.number, event.action, local)
            online = event.action == "create" and event.case.channel == Channel.WEB
            assert online or 8 <= local.hour < 18, (event.case.number, event.action, local)

    def test_the_one_time_notice_is_still_due_for_some_and_overdue_for_one(self, db: None) -> None:
        waiting = applications().filter(status=CaseStatus.SUBMITTED, application__notice_sent_at__isnull=True)
        assert waiting.filter(application__notice_due_at__gt=NOW).exists()
        overdue = list(waiting.filter(application__notice_due_at__lt=NOW))
        assert overdue
        assert sweep(NOW).accepted == len(overdue)
        for case in overdue:
            case.refresh_from_db()
            assert case.status == CaseStatus.ACCEPTED and case.accepted_at == case.received_at

    def test_decisions_forwarding_extension_and_delivery_are_all_there(self, db: None) -> None:
        decided = [c for c in applications() if c.application.decision]
        assert {c.application.decision for c in decided} == {Decision.APPROVED, Decision.DENIED}
        assert any(c.application.delivered_at is None for c in decided)
        assert any(c.application.delivered_at is not None and c.status == CaseStatus.COMPLETED for c in decided)
        assert any(c.completed_on_time is False and c.application.within_legal_limit for c in decided)
        assert any(c.application.within_legal_limit is False for c in decided)
        assert sum(c.completed_on_time is True for c in decided) > len(decided) // 2
        assert applications().filter(application__deemed_accepted=True).exists()
        forwards = CaseEvent.objects.filter(case__workflow=Workflow.APPLICATION, action="forward")
        assert {e.from_unit.kind for e in forwards} <= {UnitKind.TOWNSHIP, UnitKind.STREET}
        assert {e.to_unit.kind for e in forwards} == {UnitKind.DEPARTMENT}
        assert {e.case.status for e in forwards} >= {CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}
        assert applications().filter(extensions__isnull=False).exists()
        assert applications().filter(supervise_count__gt=0).exists()

    def test_the_demo_citizen_finds_what_the_village_cadre_filed_for_them(self, db: None) -> None:
        citizen = User.objects.get(username="citizen")
        cadre = User.objects.get(username="village_cadre")
        own = Case.objects.restrict(citizen, Permission.CASE_VIEW).filter(workflow=Workflow.APPLICATION)
        assert own.filter(application__proxy=cadre, citizen=citizen).exists()
        assert own.filter(channel=Channel.WEB).exists()
        # One decided and delivered, waiting for the citizen's own rating.
        waiting = own.filter(status=CaseStatus.COMPLETED, application__delivered_at__isnull=False)
        assert waiting.exists()
        assert len({c.citizen_id_number for c in own}) == 1

    def test_loading_again_adds_nothing(self, db: None) -> None:
        before = Case.objects.count()
        assert load_demo_applications(SEED, now=NOW) == 0
        assert Case.objects.count() == before


def test_a_small_demo_still_shows_every_status_among_its_cases(db: None) -> None:
    """`bianmin demo --cases 60`: one case in five is an application, the first of the plan."""
    with FAST_HASHER:
        load_demo(seed=SEED, cases=60)
    assert Case.objects.count() == 60
    assert applications().count() == 12
    assert {c.status for c in applications()} == APPLICATION_STATUSES
    assert list(verify_chains()) == []
