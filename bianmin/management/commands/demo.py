from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bianmin.demo import format_accounts, load_demo


class Command(BaseCommand):
    help = "Load the demo county (deterministic for a seed; running it again completes, never duplicates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--cases", type=int, default=300, help="Demo cases to add to an empty case table (default 300)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 0:
            raise CommandError("--cases must be 0 or more")
        accounts = load_demo(seed=options["seed"], cases=options["cases"])
        self.stdout.write(format_accounts(accounts))
