from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianmin.pension.services import remind_due, suspend_overdue


class Command(BaseCommand):
    help = (
        "Pension certification chores. `sweep`: suspend every pensioner whose grace ran out (from the next "
        "month), tell each township how many, and remind villages (and by SMS, pensioners) of those due within "
        "30 days, once per cycle. Idempotent: safe to run anywhere, any time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sweep"])
        parser.add_argument("--today", help="Act as if it were this day (YYYY-MM-DD), for catching up or testing.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date such as 2026-10-14") from None
        suspended = suspend_overdue(today)
        self.stdout.write(f"suspended {suspended}, reminded {remind_due(today)}")
