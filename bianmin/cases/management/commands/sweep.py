from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bianmin.cases.sweep import sweep
from bianmin.database import refresh_statistics


class Command(BaseCommand):
    help = "Reminders, overdue notices, automatic escalation and notification delivery. Safe to run anywhere, any time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="Act as if it were this moment (ISO 8601), for catching up or testing.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError("--now must be an ISO 8601 date and time, e.g. 2026-10-14T09:00+08:00") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        report = sweep(now)
        refresh_statistics()  # the tables grow between sweeps; the planner's picture must follow
        self.stdout.write(
            f"reminders {report.reminded}, overdue {report.overdue}, escalated {report.escalated}, "
            f"delivered {report.delivered}"
        )
