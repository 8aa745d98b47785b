"""Case numbers: the day (Asia/Shanghai) and that day's sequence, e.g. 20261126-00042."""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from bianmin.cases.sla import local_date


def next_case_number(now: datetime) -> str:
    """Allocate the next number with one atomic upsert: concurrent intakes (SQLite or PostgreSQL, any
    number of nodes) can never get the same number. Called inside the intake's transaction, so a
    failed intake gives its number back."""
    day = local_date(now)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_dailysequence (day, last) VALUES (%s, 1) "
            "ON CONFLICT (day) DO UPDATE SET last = cases_dailysequence.last + 1 RETURNING last",
            [day],
        )
        row = cursor.fetchone()
    assert row is not None  # noqa: S101 (RETURNING always yields the row)
    return f"{day:%Y%m%d}-{row[0]:05d}"
