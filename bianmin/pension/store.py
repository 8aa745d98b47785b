"""The pension register's bulk writes, named for what they do. An import of 100,000 people spent most of its
time building model instances and preparing each of their 21 fields for `bulk_create` (about 20 s of CPU
for the rows and their events, measured 2026-12-06); these send plain rows many times over one statement."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone

from bianmin.pension.choices import EventKind, PensionerStatus
from bianmin.pension.models import Pensioner, PensionerEvent

# Every column of a new pensioner but its id (tests/test_excel.py checks this matches the model).
NEW_PENSIONER = (
    "village_id",
    "name",
    "id_number",
    "birth_date",
    "scheme_id",
    "phone",
    "address",
    "assistant_id",
    "needs_home_visit",
    "status",
    "stop_reason",
    "status_note",
    "suspended_from",
    "cycle_months",
    "grace_days",
    "last_certified_on",
    "due_on",
    "suspend_after",
    "reminded_for",
    "registered_at",
    "updated_at",
)


def _adapters(model: type[models.Model], names: Sequence[str]) -> list[Callable[[Any], Any]]:
    """How each column's value goes to this database: dates and moments as its backend wants them."""
    ops = connection.ops
    found: list[Callable[[Any], Any]] = []
    for name in names:
        field = next(f for f in model._meta.concrete_fields if f.attname == name)
        if isinstance(field, models.DateTimeField):
            found.append(lambda v: None if v is None else ops.adapt_datetimefield_value(v))
        elif isinstance(field, models.DateField):
            found.append(lambda v: None if v is None else ops.adapt_datefield_value(v))
        else:
            found.append(lambda v: v)
    return found


def _insert_many(model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(n) for n in names)
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 (our own names)
    adapt = _adapters(model, names)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(a(v) for a, v in zip(adapt, row, strict=True)) for row in rows])


def insert_new_pensioners(rows: list[dict[str, Any]], *, actor_id: int | None) -> int:
    """INSERT new pensioners (each a dict of the NEW_PENSIONER values but the times) and the registration
    event of each; within the caller's transaction."""
    if not rows:
        return 0
    now: datetime = timezone.now()
    _insert_many(
        Pensioner,
        NEW_PENSIONER,
        [tuple(now if n in ("registered_at", "updated_at") else r[n] for n in NEW_PENSIONER) for r in rows],
    )
    numbers = [r["id_number"] for r in rows]
    ids = dict(Pensioner.objects.filter(id_number__in=numbers).values_list("id_number", "id"))
    event = ("pensioner_id", "kind", "from_status", "to_status", "reason", "note", "actor_id", "at")
    _insert_many(
        PensionerEvent,
        event,
        [
            (ids[n], EventKind.REGISTERED.value, "", PensionerStatus.ACTIVE.value, "", "", actor_id, now)
            for n in numbers
        ],
    )
    return len(rows)


def new_pensioner(**values: Any) -> dict[str, Any]:
    """A row for `insert_new_pensioners` with the defaults of a new, active pensioner."""
    row: dict[str, Any] = {
        "assistant_id": None,
        "status": PensionerStatus.ACTIVE.value,
        "stop_reason": "",
        "status_note": "",
        "suspended_from": None,
        "reminded_for": None,
    }
    row.update(values)
    return row
