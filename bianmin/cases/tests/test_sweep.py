"""`bianmin sweep` and the notification outbox: reminders, overdue notices, automatic escalation,
delivery exactly once, also with two sweeps at once."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from bianmin import notify
from bianmin.cases import notifications
from bianmin.cases.choices import AnalysisLevel
from bianmin.cases.models import Case, CaseEvent, Notification
from bianmin.cases.services import perform
from bianmin.cases.sweep import sweep
from bianmin.cases.tests.factories import new_case
from bianmin.cases.tests.test_concurrency import run_together


@pytest.fixture
def outbox(settings, tmp_path):
    settings.NOTIFY_CHANNEL = "file"
    settings.DATA_DIR = tmp_path
    path = tmp_path / "notifications.jsonl"

    def read() -> list[dict]:
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return read


def test_a_case_due_within_a_working_day_gets_one_reminder(county, outbox):
    case = new_case(county.people["cadre_a"], village=county["huanhua"], kind="consultation")
    now = case.due_at - timedelta(hours=20)
    assert sweep(now).reminded == 1
    sweep(now)
    reminders = [m for m in outbox() if m["kind"] == "reminder"]
    assert len(reminders) == 1
    assert reminders[0]["unit"] == "500236101201" and case.number in reminders[0]["text"]


def test_an_overdue_case_gets_one_overdue_notice(county, outbox):
    case = new_case(county.people["township_staff"], unit=county["baidi"], kind="consultation")
    sweep(case.due_at + timedelta(hours=1))
    sweep(case.due_at + timedelta(hours=2))
    assert [m["kind"] for m in outbox()].count("overdue") == 1


@pytest.fixture
def clock(monkeypatch):
    """Move the platform's clock (events are stamped with it) to a moment of the test's choosing."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_to


def test_a_village_case_past_its_level_limit_is_escalated_once_by_the_system(county, outbox, clock):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    later = clock(case.level_due_at + timedelta(minutes=1))
    assert sweep(later).escalated == 1
    assert sweep(later).escalated == 0
    case.refresh_from_db()
    assert (case.unit, case.analysis_level) == (county["team"], AnalysisLevel.WORK_TEAM)
    event = CaseEvent.objects.filter(case=case, action="escalate").get()
    assert event.actor is None and event.data["by"] == "system"
    assert any(m["kind"] == "escalate" and m["unit"] == "500236101-T1" for m in outbox())


def test_township_cases_are_not_escalated_automatically(county, outbox):
    case = new_case(county.people["township_staff"], unit=county["baidi"])
    assert sweep(case.level_due_at + timedelta(days=1)).escalated == 0


def test_a_transfer_notifies_the_new_unit_after_commit(county, outbox, django_capture_on_commit_callbacks):
    case = new_case(county.people["township_staff"], unit=county["baidi"])
    with django_capture_on_commit_callbacks(execute=True):
        perform(case, "transfer", actor=county.people["township_staff"], to_unit="500236-RSJ")
    assert [(m["kind"], m["unit"]) for m in outbox()] == [("transfer", "500236-RSJ")]


def test_citizens_of_merged_duplicates_hear_the_masters_reply(county, outbox, django_capture_on_commit_callbacks):
    cadre = county.people["cadre_a"]
    master, duplicate = new_case(cadre, village=county["huanhua"]), new_case(cadre, village=county["huanhua"])
    perform(duplicate, "merge", actor=cadre, master=master.number)
    with django_capture_on_commit_callbacks(execute=True):
        perform(master, "reply", actor=cadre, reply="已统一修复")
    replies = {m["case"] for m in outbox() if m["kind"] == "reply" and m["to_citizen"]}
    assert replies == {master.number, duplicate.number}


def test_a_failed_delivery_is_released_for_the_next_sweep(county, outbox, monkeypatch):
    class Down:
        def send(self, message):
            raise OSError("gateway down")

    case = new_case(county.people["township_staff"], unit=county["baidi"], kind="consultation")
    monkeypatch.setattr(notify, "channel", lambda: Down())
    sweep(case.due_at - timedelta(hours=20))
    row = Notification.objects.get(kind="reminder")
    assert (row.sent_at, row.attempts, row.last_error) == (None, 1, "gateway down")
    monkeypatch.undo()
    sweep(case.due_at - timedelta(hours=19))
    assert Notification.objects.get(pk=row.pk).sent_at is not None
    assert len(outbox()) == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_message_once_and_escalate_once(county, outbox, clock):
    cases = [new_case(county.people["cadre_a"], village=county["huanhua"]) for _ in range(3)]
    later = clock(max(c.level_due_at for c in cases) + timedelta(minutes=1))
    results = run_together([lambda: sweep(later), lambda: sweep(later)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.escalated for r in results) == 3
    assert CaseEvent.objects.filter(action="escalate").count() == 3
    sent = outbox()
    assert len(sent) == len({(m["kind"], m["case"], m["unit"]) for m in sent})
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
    assert all(c.version + 1 == Case.objects.get(pk=c.pk).version for c in cases)


def test_the_webhook_gets_the_citizens_phone_and_the_log_file_never_does(county, outbox, monkeypatch, tmp_path):
    from bianmin.cases.notifications import deliver_pending

    sent = []

    class Gateway:
        def send(self, message):
            sent.append(message)

    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"], citizen_phone="13912340000")
    perform(case, "reply", actor=cadre, reply="已修复")
    monkeypatch.setattr(notify, "channel", lambda: Gateway())
    deliver_pending()
    assert [(m.kind, m.phone) for m in sent] == [("reply", "13912340000")]
    log = tmp_path / "log.jsonl"
    notify.FileChannel(log).send(sent[0])
    assert "13912340000" not in log.read_text() and case.number in log.read_text()


@pytest.mark.django_db(transaction=True)
def test_the_courier_delivers_after_the_request_has_answered(county, outbox, settings, monkeypatch):
    # Given a server that delivers on each worker's courier thread (the production setting)
    settings.NOTIFY_IN_BACKGROUND = True
    monkeypatch.setattr(notifications.courier, "in_server", True)
    monkeypatch.setattr(notifications, "COURIER_IDLE_SECONDS", 0.2)
    monkeypatch.setattr(notifications, "COURIER_GATHER_SECONDS", 0.05)
    cadre = county.people["cadre_a"]
    case = new_case(cadre, village=county["huanhua"])
    # When a reply commits
    perform(case, "reply", actor=cadre, reply="已修复")
    # Then the citizen's message goes out from the courier, once, and the row is marked sent
    deadline = time.monotonic() + 10
    while not outbox() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [(m["kind"], m["case"]) for m in outbox()] == [("reply", case.number)]
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
    # and, idle, it gives its database connection back (the test database can be dropped)
    assert notifications.courier.resting.wait(timeout=10)
