from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianmin.demo import format_accounts, load_demo, load_demo_modules
from bianmin.demo.bulk import BULK_THRESHOLD


class Command(BaseCommand):
    help = (
        "Load the demo county (deterministic for a seed; running it again completes, never duplicates). "
        f"Up to {BULK_THRESHOLD} cases are played through the workflow; more are written in bulk "
        "(a backdated history over --days days, about a million cases in a few minutes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--cases",
            type=int,
            default=300,
            help=f"Demo cases to add to an empty case table (default 300; more than {BULK_THRESHOLD} are "
            "written in bulk).",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=540,
            help=f"How many days back a bulk history reaches (default 540; only for more than {BULK_THRESHOLD} cases).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 0:
            raise CommandError("--cases must be 0 or more")
        if options["days"] < 1:
            raise CommandError("--days must be 1 or more")
        accounts = load_demo(seed=options["seed"], cases=options["cases"], days=options["days"], report=self._progress)
        load_demo_modules(seed=options["seed"])
        self.stdout.write(format_accounts(accounts))

    def _progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
