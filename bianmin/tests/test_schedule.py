"""The platform's own clock: each periodic job runs once per period however many schedulers tick."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bianmin.cases.models import Notification
from bianmin.cases.tests.factories import new_case
from bianmin.cases.tests.test_concurrency import run_together
from bianmin.models import ScheduledJob
from bianmin.schedule import Job, run_due

EVERY = timedelta(minutes=5)


def counting_job(name: str, runs: list[str], fail: bool = False) -> Job:
    def run(now):
        runs.append(name)
        if fail:
            raise RuntimeError("broken job")
        return f"ran at {now:%H:%M}"

    return Job(name, lambda: EVERY, run)


@pytest.mark.django_db
def test_a_job_runs_when_due_and_again_only_after_its_period():
    runs: list[str] = []
    job, now = counting_job("tidy", runs), timezone.now()
    assert run_due(now, "node-a", [job]) == ["tidy: ran at " + f"{now:%H:%M}"]
    assert run_due(now + timedelta(minutes=4), "node-b", [job]) == []
    assert run_due(now + EVERY, "node-b", [job]) != []
    assert runs == ["tidy", "tidy"]
    row = ScheduledJob.objects.get(name="tidy")
    assert (row.holder, row.next_run_at, row.last_result) == ("node-b", now + 2 * EVERY, f"ran at {now + EVERY:%H:%M}")


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_the_others_still_run(caplog):
    runs: list[str] = []
    lines = run_due(timezone.now(), "node-a", [counting_job("broken", runs, fail=True), counting_job("next", runs)])
    assert runs == ["broken", "next"] and lines[0] == "broken: failed (see the log)"
    assert "scheduled job broken failed" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_schedulers_on_many_nodes_run_a_job_once_per_period():
    runs: list[str] = []
    job, now = counting_job("sweep-like", runs), timezone.now()
    run_together([lambda i=i: run_due(now, f"node-{i}", [job]) for i in range(8)])  # the row does not exist yet
    run_together([lambda i=i: run_due(now + EVERY, f"node-{i}", [job]) for i in range(8)])
    assert runs == ["sweep-like", "sweep-like"]
    connection.close()


@pytest.mark.django_db
def test_the_schedule_runs_the_sweep(county, capsys):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    type(case).objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(days=40))
    call_command("schedule", "--once")
    assert "sweep: reminders 0, overdue 1" in capsys.readouterr().out
    assert Notification.objects.filter(case=case, kind="overdue").count() == 1
    call_command("schedule", "--once")  # not due again for SWEEP_EVERY_MINUTES
    assert "sweep" not in capsys.readouterr().out


@pytest.mark.django_db
def test_a_daily_job_waits_for_its_time_and_then_runs_once_a_day():
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    runs: list[str] = []
    shanghai = ZoneInfo("Asia/Shanghai")
    job = Job("evening", lambda: timedelta(days=1), lambda now: runs.append("evening") or "ran", at=time(18, 0))
    morning = datetime(2026, 12, 7, 9, 0, tzinfo=shanghai)
    assert run_due(morning, "node-a", [job]) == []  # a new daily job is not run at start-up
    assert ScheduledJob.objects.get(name="evening").next_run_at == datetime(2026, 12, 7, 18, 0, tzinfo=shanghai)
    assert run_due(datetime(2026, 12, 7, 18, 1, tzinfo=shanghai), "node-a", [job]) == ["evening: ran"]
    assert run_due(datetime(2026, 12, 7, 23, 0, tzinfo=shanghai), "node-b", [job]) == []
    assert ScheduledJob.objects.get(name="evening").next_run_at == datetime(2026, 12, 8, 18, 0, tzinfo=shanghai)
    assert runs == ["evening"]
