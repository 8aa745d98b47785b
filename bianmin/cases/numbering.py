"""Case numbers: the day (Asia/Shanghai) and that day's sequence, e.g. 20261126-00042."""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from bianmin.cases.events import hashed_around_number
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.sla import local_date
from bianmin.database import insert_select

# One atomic upsert: concurrent intakes (SQLite or PostgreSQL, any number of nodes) can never get the same number.
ADVANCE = (
    "INSERT INTO cases_dailysequence (day, last) VALUES (%s, 1) "
    "ON CONFLICT (day) DO UPDATE SET last = cases_dailysequence.last + 1 RETURNING {}"
)
# PostgreSQL: the number itself, as `next_case_number` formats it (at least five digits).
NUMBER = "CAST(%s AS TEXT) || '-' || lpad(CAST(last AS TEXT), greatest(5, length(CAST(last AS TEXT))), '0')"


def next_case_number(now: datetime) -> str:
    """Allocate the next number. Called inside the intake's transaction, so a failed intake gives its
    number back."""
    day = local_date(now)
    with connection.cursor() as cursor:
        cursor.execute(ADVANCE.format("last"), [day])
        row = cursor.fetchone()
    assert row is not None  # noqa: S101 (RETURNING always yields the row)
    return f"{day:%Y%m%d}-{row[0]:05d}"


def insert_numbered(case: Case, event: CaseEvent) -> None:
    """PostgreSQL: number the new `case` and insert it with its first `event` in one statement, its own
    transaction (or the caller's): the upsert of the day's sequence, the case with the number it returns,
    and the event hashed by the server around that number (`hashed_around_number`), exactly as
    `event_hash` would. A failed statement gives the number back, as a failed transaction would. Sets the
    case's id and number and the event's id, case and hash."""
    day = local_date(case.received_at)
    before, after = hashed_around_number(event)
    case_sql, case_params = insert_select(case, {"number": ("n.number", [])})
    event_sql, event_params = insert_select(
        event,
        {
            "case_id": ("c.id", []),
            "hash": (
                "encode(sha256(convert_to(CAST(%s AS TEXT) || c.number || CAST(%s AS TEXT), 'UTF8')), 'hex')",
                [before, after],
            ),
        },
    )
    sql = (
        f"WITH n AS ({ADVANCE.format(NUMBER + ' AS number')}), "  # noqa: S608 (this module's statements)
        f"c AS ({case_sql} FROM n RETURNING id, number), "
        f"e AS ({event_sql} FROM c RETURNING id, hash) "
        "SELECT c.id, c.number, e.id, e.hash FROM c, e"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, f"{day:%Y%m%d}", *case_params, *event_params])
        case.pk, case.number, event.pk, event.hash = cursor.fetchone()
    event.case = case
    for row in (case, event):
        row._state.adding, row._state.db = False, connection.alias
