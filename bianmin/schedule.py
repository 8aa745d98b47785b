"""The platform's own clock: `bianmin up` runs `bianmin schedule` beside the server, which runs each periodic
job when it is due (the sweep every SWEEP_EVERY_MINUTES, the planner's statistics hourly). A job is claimed with
one conditional UPDATE of its ScheduledJob row, so several nodes may each run a scheduler and a job still runs
once per period; the jobs themselves are idempotent besides. Cron users keep `bianmin sweep`."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from bianmin.models import ScheduledJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A periodic job: its name, how often it runs, and what it does (returns a line for the log)."""

    name: str
    every: Callable[[], timedelta]
    run: Callable[[datetime], str]


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


JOBS: tuple[Job, ...] = (
    Job("sweep", lambda: timedelta(minutes=settings.SWEEP_EVERY_MINUTES), _sweep),
    Job("statistics", lambda: timedelta(hours=1), _statistics),
)


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(job: Job, now: datetime, holder: str) -> bool:
    """Whether this scheduler runs `job` now: True for exactly one claimant per period."""
    rows = ScheduledJob.objects.filter(name=job.name)
    if rows.filter(next_run_at__lte=now).update(next_run_at=now + job.every(), holder=holder, last_started_at=now):
        return True
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
        time.sleep(tick)
