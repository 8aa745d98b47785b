"""Each evening: tell everyone on duty tomorrow; each morning (--missing): report who has not checked in. Through
the notification channel (NOTIFY_CHANNEL)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bianmin.duty.presence import remind_missing_check_ins, remind_tomorrow


class Command(BaseCommand):
    help = "Remind the people on duty tomorrow (each evening), or, with --missing, those not checked in today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--missing", action="store_true", help="Remind today's missing check-ins instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["missing"]:
            self.stdout.write(f"missing check-ins reported: {remind_missing_check_ins()}")
        else:
            self.stdout.write(f"duty reminders sent: {remind_tomorrow()}")
