"""The platform's own clock: `bianmin up` runs `bianmin schedule` beside the server, which runs each periodic
job when it is due (the sweep every SWEEP_EVERY_MINUTES, the planner's statistics hourly, the duty rosters'
reminders at 18:00, missing check-ins at 09:30 and the rosters worked out again at 02:00, pensions suspended
and reminded at 01:00, the hall's unserved tickets expired at 00:05). A job is claimed with
one conditional UPDATE of its ScheduledJob row, so several nodes may each run a scheduler and a job still runs
once per period; the jobs themselves are idempotent besides. Cron users keep `bianmin sweep`."""

from __future__ import annotations

import io
import logging
import os
import socket
import time as clock
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from bianmin.models import ScheduledJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A periodic job: its name, how often it runs (or, with `at`, once a day at that Asia/Shanghai time), and
    what it does (returns a line for the log)."""

    name: str
    every: Callable[[], timedelta]
    run: Callable[[datetime], str]
    at: time | None = None

    def next_run(self, now: datetime) -> datetime:
        if self.at is None:
            return now + self.every()
        local = timezone.localtime(now)
        moment = local.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        return moment if moment > local else moment + timedelta(days=1)


def _sweep(now: datetime) -> str:
    from bianmin.cases.sweep import sweep

    report = sweep(now)
    return (
        f"reminders {report.reminded}, overdue {report.overdue}, escalated {report.escalated}, "
        f"accepted {report.accepted}, delivered {report.delivered}"
    )


def _statistics(now: datetime) -> str:
    from bianmin.database import refresh_statistics

    refresh_statistics()  # the tables grow between runs; the planner's picture must follow
    return "refreshed"


def _duty_reminders(now: datetime) -> str:
    from bianmin.duty.presence import remind_tomorrow

    return f"told {remind_tomorrow()} people of tomorrow's duty"


def _duty_check_ins(now: datetime) -> str:
    from bianmin.duty.presence import remind_missing_check_ins

    return f"{remind_missing_check_ins()} missing check-ins reported"


def _duty_resolve(now: datetime) -> str:
    """Rosters worked out again each night, so a calendar entered or corrected during the day reaches them."""
    out = io.StringIO()
    call_command("duty_resolve", stdout=out, stderr=out)
    return out.getvalue().strip().replace("\n", "; ")[:500]


def _pension(now: datetime) -> str:
    """Pensions overdue past their grace are suspended from the next month, the due are reminded (both idempotent)."""
    from bianmin.pension.services import remind_due, suspend_overdue

    today = timezone.localdate(now)
    return f"suspended {suspend_overdue(today)}, reminded {remind_due(today)}"


def _hall_day_end(now: datetime) -> str:
    """Tickets not served by the day's end expire (counted apart from no-shows)."""
    from bianmin.hall.services import expire_day

    return f"{expire_day(now=now)} tickets expired"


def _hall_escalate(now: datetime) -> str:
    """Yellow cards not put right by their deadline turn red (named in the hall-wide notice)."""
    from bianmin.hall.escalation import escalate_overdue

    return f"{escalate_overdue(now=now)} violations escalated"


def _village(now: datetime) -> str:
    """Due village-affairs publications drafted from each catalogue, the overdue counted (idempotent)."""
    from bianmin.village.services import scheduled_run

    return scheduled_run(timezone.localdate(now))


DAILY = timedelta(days=1)
JOBS: tuple[Job, ...] = (
    Job("sweep", lambda: timedelta(minutes=settings.SWEEP_EVERY_MINUTES), _sweep),
    Job("statistics", lambda: timedelta(hours=1), _statistics),
    Job("duty-reminders", lambda: DAILY, _duty_reminders, at=time(18, 0)),
    Job("duty-check-ins", lambda: DAILY, _duty_check_ins, at=time(9, 30)),
    Job("duty-resolve", lambda: DAILY, _duty_resolve, at=time(2, 0)),
    Job("pension", lambda: DAILY, _pension, at=time(1, 0)),
    Job("hall-day-end", lambda: DAILY, _hall_day_end, at=time(0, 5)),
    Job("hall-escalate", lambda: DAILY, _hall_escalate, at=time(0, 10)),
    Job("village", lambda: DAILY, _village, at=time(0, 30)),
)


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(job: Job, now: datetime, holder: str) -> bool:
    """Whether this scheduler runs `job` now: True for exactly one claimant per period. A new interval job
    runs at once; a new daily job waits for its time."""
    rows = ScheduledJob.objects.filter(name=job.name)
    if rows.filter(next_run_at__lte=now).update(next_run_at=job.next_run(now), holder=holder, last_started_at=now):
        return True
    if rows.exists():
        return False
    try:
        with transaction.atomic():
            ScheduledJob.objects.create(
                name=job.name, next_run_at=job.next_run(now), holder=holder, last_started_at=now
            )
    except IntegrityError:
        return False  # another node's scheduler made the row, and with it the claim, first
    return job.at is None
    if rows.exists():
        return False
    try:
        with transaction.atomic():
            ScheduledJob.objects.create(
                name=job.name, next_run_at=now + job.every(), holder=holder, last_started_at=now
            )
    except IntegrityError:
        return False  # another node's scheduler made the row, and with it the claim, first
    return True


def run_due(now: datetime, holder: str, jobs: Iterable[Job] = JOBS) -> list[str]:
    """Run every job that is due and this scheduler claims; a failing job is logged and the others run."""
    lines = []
    for job in jobs:
        if not claim(job, now, holder):
            continue
        try:
            result = job.run(now)
        except Exception:
            log.exception("scheduled job %s failed", job.name)
            result = "failed (see the log)"
        ScheduledJob.objects.filter(name=job.name).update(last_finished_at=timezone.now(), last_result=result[:500])
        lines.append(f"{job.name}: {result}")
    return lines


def run_forever(parent: int | None, tick: float, say: Callable[[str], None]) -> None:
    """Tick until stopped, or until the server that started this scheduler (`parent`) is gone."""
    holder = holder_name()
    while parent is None or os.getppid() == parent:
        for line in run_due(timezone.now(), holder):
            say(f"scheduled {line}")
        connections.close_all()  # no connection held idle between ticks
        clock.sleep(tick)
