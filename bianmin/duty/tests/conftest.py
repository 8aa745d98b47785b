from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from bianmin.workdays.models import HolidaySchedule
from bianmin.workdays.services import invalidate_calendar


@pytest.fixture
def this_year(db: None) -> Any:
    """Today's year with an official schedule (bundled, or declared here), so that today's roster resolves
    whenever the tests run."""
    year = timezone.localdate().year
    from bianmin.workdays.calendar import BUNDLED_YEARS

    if year not in BUNDLED_YEARS:
        HolidaySchedule.objects.get_or_create(year=year, defaults={"source": "test"})
    invalidate_calendar()
    return year
