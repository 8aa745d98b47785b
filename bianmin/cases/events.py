"""The case history: append-only events, each carrying the SHA-256 of its content and of the event
before it, so that an edited, removed or reordered event breaks the chain `verify` walks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection

from bianmin.cases.models import Case, CaseEvent
from bianmin.database import Writes, insert_row
from bianmin.org.models import Unit, User

GENESIS = "0" * 64
# The (seq, hash) of a case's latest event; None before its first.
Last = tuple[int, str] | None


def event_hash(prev_hash: str, number: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _payload(number, fields)).encode()).hexdigest()


def _payload(number: str, fields: dict[str, Any]) -> str:
    return json.dumps([number, fields], ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def hashed_around_number(event: CaseEvent) -> tuple[str, str]:
    """The text `event_hash` digests for `event`, as the parts before and after its case's number: for a
    statement that learns the number as it runs (PostgreSQL's intake) and hashes `before || number || after`
    itself. A case number (digits and a dash) is written in JSON as itself between quotes."""
    fields = _fields(
        event.seq,
        event.action,
        event.actor_id,
        event.from_status,
        event.to_status,
        event.from_unit_id,
        event.to_unit_id,
        event.note,
        event.data,
        event.at,
    )
    before, after = _payload(NUMBER_MARK, fields).split(NUMBER_MARK, 1)
    return event.prev_hash + before, after


NUMBER_MARK = "#number#"  # JSON writes it as itself, and no field of an event's payload precedes the number


def _fields(
    seq: int,
    action: str,
    actor_id: int | None,
    from_status: str,
    to_status: str,
    from_unit_id: int | None,
    to_unit_id: int | None,
    note: str,
    data: dict[str, Any],
    at: datetime,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "action": action,
        "actor": actor_id,
        "from_status": from_status,
        "to_status": to_status,
        "from_unit": from_unit_id,
        "to_unit": to_unit_id,
        "note": note,
        "data": data,
        "at": at.isoformat(timespec="microseconds"),
    }


def _close_last(case_id: int, at: datetime, writes: Writes | None) -> Last:
    """End the interval of the case's latest event (the only one without `next_at`) at `at`, and return
    its (seq, hash): one indexed statement instead of a read and a write (sent with what `writes` holds)."""
    table = connection.ops.quote_name(CaseEvent._meta.db_table)
    sql = f"UPDATE {table} SET next_at = %s WHERE case_id = %s AND next_at IS NULL RETURNING seq, hash"  # noqa: S608
    rows = (writes or Writes()).run(
        sql, [CaseEvent._meta.get_field("next_at").get_db_prep_value(at, connection), case_id]
    )
    if len(rows) > 1:  # a history that broke the invariant: continue from its true end
        rows = [max(rows)]
    return (rows[0][0], rows[0][1]) if rows else None


def close_if_last(case_id: int, at: datetime, seq: int) -> bool:
    """End the interval of the case's event `seq` at `at` if it is still the latest; whether it was."""
    with connection.cursor() as cursor:
        cursor.execute(*close_if_last_statement(case_id, at, seq))
        return bool(cursor.rowcount == 1)


def close_if_last_statement(case_id: int, at: datetime, seq: int) -> tuple[str, list[Any]]:
    """The UPDATE of `close_if_last`, and its parameters."""
    table = connection.ops.quote_name(CaseEvent._meta.db_table)
    sql = f"UPDATE {table} SET next_at = %s WHERE case_id = %s AND next_at IS NULL AND seq = %s"  # noqa: S608
    return sql, [CaseEvent._meta.get_field("next_at").get_db_prep_value(at, connection), case_id, seq]


def append_event(
    case: Case,
    *,
    action: str,
    actor: User | None,
    from_status: str,
    from_unit: Unit | None,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    writes: Writes | None = None,
    closed: Last = None,
) -> CaseEvent:
    """Append the next event of `case` (whose row the caller has locked) in its current state. With
    `writes`, the statements ride with (and the event's INSERT is held in) the caller's `Writes`; `closed`
    is the latest event, if the caller has closed it already (`lock_case_closing_last_event`)."""
    last = closed or _close_last(case.pk, at.astimezone(UTC), writes)
    event = next_event(case, last, action, actor, from_status, from_unit, at, note, data)
    insert_row(event, writes)
    return event


def next_event(
    case: Case,
    last: Last,
    action: str,
    actor: User | None,
    from_status: str,
    from_unit: Unit | None,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """The event that follows `last` ((seq, hash) of the case's latest event; None for its first), unsaved."""
    # Hash the moment as the database gives it back (UTC), so `verify` recomputes the same text whatever
    # zone the caller's datetime was in (a replayed history may come in Asia/Shanghai).
    at = at.astimezone(UTC)
    data = data or {}
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    fields = _fields(
        seq,
        action,
        actor.pk if actor else None,
        from_status,
        case.status,
        from_unit.pk if from_unit else None,
        case.unit_id,
        note,
        data,
        at,
    )
    return CaseEvent(
        case=case,
        seq=seq,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=case.status,
        from_unit=from_unit,
        to_unit_id=case.unit_id,
        note=note,
        data=data,
        at=at,
        prev_hash=prev,
        hash=event_hash(prev, case.number, fields),
    )


@dataclass(frozen=True)
class Break:
    number: str
    seq: int
    problem: str


def verify_chains(numbers: list[str] | None = None) -> Iterator[Break]:
    """Walk every event in (case, seq) order, streaming, and yield the first break of each broken case."""
    events = CaseEvent.objects.order_by("case_id", "seq")
    if numbers:
        events = events.filter(case__number__in=numbers)
    rows = events.values_list(
        "case_id",
        "case__number",
        "seq",
        "action",
        "actor_id",
        "from_status",
        "to_status",
        "from_unit_id",
        "to_unit_id",
        "note",
        "data",
        "at",
        "next_at",
        "prev_hash",
        "hash",
    ).iterator(chunk_size=2000)
    # `next_at` is not hashed: it must equal the next event's time, and be empty on the last event.
    dangling = "its recorded next-event time points at an event that does not exist"
    current, expected_prev, expected_seq, broken = None, GENESIS, 1, False
    last: tuple[str, int, datetime | None] | None = None
    for case_id, number, seq, action, actor, fs, ts, fu, tu, note, data, at, next_at, prev_hash, stored in rows:
        if case_id != current:
            if last and last[2] is not None and not broken:
                yield Break(last[0], last[1], dangling)
            current, expected_prev, expected_seq, broken, last = case_id, GENESIS, 1, False, None
        if broken:
            continue
        problem = None
        if seq != expected_seq:
            problem = f"expected event {expected_seq}, found {seq}: an event is missing"
        elif prev_hash != expected_prev:
            problem = "does not follow the event before it"
        elif event_hash(prev_hash, number, _fields(seq, action, actor, fs, ts, fu, tu, note, data, at)) != stored:
            problem = "its content was changed after it was written"
        elif last is not None and last[2] != at:
            problem = "the event before it records another time for it"
        if problem:
            broken = True
            yield Break(number, seq, problem)
        expected_prev, expected_seq, last = stored, seq + 1, (number, seq, next_at)
    if last and last[2] is not None and not broken:
        yield Break(last[0], last[1], dangling)
