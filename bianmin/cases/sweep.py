"""The periodic sweep (run every few minutes by cron or a systemd timer, on one node or many):
reminders before due, overdue notices, automatic escalation at the lower analysis levels, delivery of
owed notifications. Every step is idempotent and safe when two sweeps run at the same moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from bianmin import throttle
from bianmin.cases import sla
from bianmin.cases.choices import CaseStatus, Workflow
from bianmin.cases.errors import CaseError
from bianmin.cases.models import Case, Notification
from bianmin.cases.notifications import deliver_pending, message_args
from bianmin.cases.services import perform
from bianmin.errors import Conflict, DomainError
from bianmin.workdays.services import current_calendar

RUNNING = (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.REPLIED, CaseStatus.SUBMITTED)
BATCH = 1000


@dataclass
class SweepReport:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0
    accepted: int = 0
    delivered: int = 0


def sweep(now: datetime) -> SweepReport:
    report = SweepReport()
    calendar = current_calendar()
    # "Due within one working day": up to the end of the next working day.
    horizon = sla.end_of(calendar.add_workdays(sla.local_date(now), 1))
    with translation.override(settings.LANGUAGE_CODE):
        due_soon = Case.objects.filter(status__in=RUNNING, due_at__gt=now, due_at__lte=horizon)
        report.reminded = _owe(due_soon, "reminder", _("Case %(number)s “%(title)s” is due by %(due)s."))
        overdue = Case.objects.filter(status__in=RUNNING, due_at__lte=now)
        report.overdue = _owe(overdue, "overdue", _("Case %(number)s “%(title)s” is overdue since %(due)s."))
        report.escalated = _escalate_overdue_levels(now)
        report.accepted = _accept_by_law(now)
    report.delivered = deliver_pending()
    throttle.purge()
    return report


def _accept_by_law(now: datetime) -> int:
    """Applications left without a one-time notice past its deadline count as accepted on receipt
    (行政许可法 第32条): the sweep records it, so the decision's clock shows on every list."""
    stale = Case.objects.filter(
        workflow=Workflow.APPLICATION,
        status=CaseStatus.SUBMITTED,
        application__notice_sent_at__isnull=True,
        application__notice_due_at__lt=now,
    ).values_list("pk", "version")
    return sum(_by_system(pk, version, "accept") for pk, version in list(stale[:BATCH]))


def _by_system(pk: int, version: int, action: str, **fields: Any) -> bool:
    """Take `action` as the platform; False when someone changed the case first (nothing left to do)."""
    try:
        perform(Case.objects.get(pk=pk), action, actor=None, by_system=True, version=version, **fields)
    except Conflict as exc:
        if exc.code not in (CaseError.STALE_VERSION, CaseError.ILLEGAL_TRANSITION):
            raise
        return False
    except DomainError:
        return False
    return True


def _escalate_overdue_levels(now: datetime) -> int:
    levels = [level for level in settings.SWEEP_ESCALATE_LEVELS if level]
    stale = Case.objects.filter(
        analysis_level__in=levels,
        status__in=(CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS),
        level_due_at__lte=now,
    ).values_list("pk", "version")
    note = _("Not resolved within this level's time limit: escalated automatically.")
    return sum(_by_system(pk, version, "escalate", note=note) for pk, version in list(stale[:BATCH]))


def _owe(cases: QuerySet[Case], kind: str, template: str) -> int:
    """One notification per case and deadline, inserted in bulk; a second sweep inserts nothing new."""
    count = 0
    batch: list[Notification] = []
    for case in cases.select_related("unit").iterator(chunk_size=BATCH):
        key = f"{kind}:{case.pk}:{case.due_at}"
        batch.append(
            Notification(kind=kind, case=case, unit=case.unit, dedupe_key=key, message=template % message_args(case))
        )
        count += 1
        if len(batch) >= BATCH:
            Notification.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notification.objects.bulk_create(batch, ignore_conflicts=True)
    return count
