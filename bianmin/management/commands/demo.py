from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bianmin.demo import format_accounts, load_demo


class Command(BaseCommand):
    help = "Load the demo county (deterministic for a seed; running it again completes, never duplicates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = load_demo(seed=options["seed"])
        self.stdout.write(format_accounts(accounts))
