from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from bianmin.schedule import holder_name, run_due, run_forever


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (the sweep every SWEEP_EVERY_MINUTES, statistics hourly) when due, forever; "
        "`bianmin up` starts it beside the server. Safe on several nodes at once: each job runs once per period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due now and stop.")
        parser.add_argument("--parent", type=int, help="Stop when this process (the server) is gone.")
        parser.add_argument("--tick", type=float, default=30.0, help="Seconds between looks (default 30).")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SWEEP_EVERY_MINUTES == 0:
            self.stdout.write("SWEEP_EVERY_MINUTES=0: the schedule is off (run `bianmin sweep` from cron)")
            return
        if options["once"]:
            for line in run_due(timezone.now(), holder_name()):
                self.stdout.write(line)
            return
        run_forever(options["parent"], options["tick"], self._say)

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
