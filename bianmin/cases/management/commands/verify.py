from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bianmin.cases.events import verify_chains
from bianmin.cases.models import CaseEvent


class Command(BaseCommand):
    help = "Check every case's hash-chained history; exits 1 and names each broken case if any was tampered with."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("numbers", nargs="*", metavar="NUMBER", help="Only these cases (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        broken = 0
        for problem in verify_chains(options["numbers"] or None):
            broken += 1
            self.stdout.write(f"BROKEN {problem.number} at event {problem.seq}: {problem.problem}")
        checked = CaseEvent.objects.count() if not options["numbers"] else None
        if broken:
            self.stderr.write(f"{broken} case(s) with a broken history")
            raise SystemExit(1)
        self.stdout.write("all case histories intact" + (f" ({checked} events checked)" if checked is not None else ""))
