"""Turn the yellow cards whose deadline has passed unfixed red (named in the hall-wide notice). Idempotent;
meant for the daily schedule just after midnight."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bianmin.hall.escalation import escalate_overdue


class Command(BaseCommand):
    help = "Escalate the hall's violations whose deadline to fix has passed (yellow card → red card)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{escalate_overdue()} violations escalated")
