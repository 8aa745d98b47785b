"""Resolve every place's months ahead again: after an administrator enters a year's official holiday schedule
(the rosters stop before a year without one), or corrects a day of it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from bianmin.duty.models import DutyPlace
from bianmin.duty.services import horizon, missing_years, resolve_places
from bianmin.workdays.services import current_calendar


class Command(BaseCommand):
    help = "Resolve every duty place's months ahead again (after a change of the official calendar)."

    def handle(self, *args: Any, **options: Any) -> None:
        places = list(DutyPlace.objects.filter(active=True).select_related("unit").order_by("id"))
        for month in horizon():
            if current_calendar().has_schedule(month.year):
                with transaction.atomic():
                    resolve_places(places, month)
                self.stdout.write(f"{month:%Y-%m}: {len(places)} places resolved")
        for year in missing_years():
            self.stderr.write(f"{year}: no official holiday schedule entered; its months are not resolved")
