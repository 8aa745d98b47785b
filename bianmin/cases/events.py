"""The case history: append-only events, each carrying the SHA-256 of its content and of the event
before it, so that an edited, removed or reordered event breaks the chain `verify` walks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bianmin.cases.models import Case, CaseEvent
from bianmin.org.models import Unit, User

GENESIS = "0" * 64


def event_hash(prev_hash: str, number: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _payload(number, fields)).encode()).hexdigest()


def _payload(number: str, fields: dict[str, Any]) -> str:
    return json.dumps([number, fields], ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


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


def next_event(
    case: Case,
    action: str,
    actor: User | None,
    from_status: str,
    from_unit: Unit | None,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """The event that follows the case's latest (its row carries the latest's seq and hash), unsaved, for the
    case in its new state; the case's row is moved on to it, to be written with it."""
    # Hash the moment as the database gives it back (UTC), so `verify` recomputes the same text whatever
    # zone the caller's datetime was in (a replayed history may come in Asia/Shanghai).
    at = at.astimezone(UTC)
    data = data or {}
    seq, prev = (case.last_event_seq + 1, case.last_event_hash or GENESIS) if case.last_event_seq else (1, GENESIS)
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
    event = CaseEvent(
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
        due_at=case.due_at,
        prev_hash=prev,
        hash=event_hash(prev, case.number, fields),
    )
    case.last_event_seq, case.last_event_hash = seq, event.hash
    return event


@dataclass(frozen=True)
class Break:
    number: str
    seq: int
    problem: str


def verify_chains(numbers: list[str] | None = None) -> Iterator[Break]:
    """Walk every event in (case, seq) order, streaming, and yield the first break of each broken case: an
    event edited, removed or reordered, or a history that ends before the event its case row anchors."""
    events = CaseEvent.objects.order_by("case_id", "seq")
    cases = Case.objects.all()
    if numbers:
        events, cases = events.filter(case__number__in=numbers), cases.filter(number__in=numbers)
    rows = events.values_list(
        "case_id",
        "case__number",
        "case__last_event_seq",
        "case__last_event_hash",
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
    walk = _Walk()
    for case_id, number, anchor_seq, anchor_hash, seq, *event in rows:
        if case_id != walk.case_id:
            yield from walk.end()
            walk = _Walk(case_id, number, anchor_seq, anchor_hash)
        yield from walk.step(seq, *event)
    yield from walk.end()
    # A case whose whole history is gone.
    emptied = cases.filter(last_event_seq__isnull=False).exclude(pk__in=CaseEvent.objects.values("case_id"))
    for number in emptied.values_list("number", flat=True).iterator(chunk_size=2000):
        yield Break(number, 1, "its history is missing")


@dataclass
class _Walk:
    """One case's history as `verify_chains` walks it."""

    case_id: int | None = None
    number: str = ""
    anchor_seq: int | None = None  # what the case row says its latest event is
    anchor_hash: str | None = None
    expected_prev: str = GENESIS
    expected_seq: int = 1
    broken: bool = False
    last: tuple[int, datetime | None, str] | None = None  # (seq, next_at, hash) of the event before

    def step(self, seq: int, *event: Any) -> Iterator[Break]:
        action, actor, fs, ts, fu, tu, note, data, at, next_at, prev_hash, stored = event
        if self.broken:
            return
        problem = None
        if seq != self.expected_seq:
            problem = f"expected event {self.expected_seq}, found {seq}: an event is missing"
        elif prev_hash != self.expected_prev:
            problem = "does not follow the event before it"
        elif event_hash(prev_hash, self.number, _fields(seq, action, actor, fs, ts, fu, tu, note, data, at)) != stored:
            problem = "its content was changed after it was written"
        elif self.last is not None and self.last[1] != at:
            problem = "the event before it records another time for it"
        if problem:
            self.broken = True
            yield Break(self.number, seq, problem)
        self.expected_prev, self.expected_seq, self.last = stored, seq + 1, (seq, next_at, stored)

    def end(self) -> Iterator[Break]:
        # `next_at` is not hashed: it must equal the next event's time, and be empty on the last event.
        if self.last is None or self.broken:
            return
        seq, next_at, stored = self.last
        if self.anchor_seq is not None and (seq, stored) != (self.anchor_seq, self.anchor_hash):
            first_missing = seq + 1 if self.anchor_seq > seq else seq  # a removed tail, or a replaced last event
            problem = f"the case records event {self.anchor_seq} as its latest: events are missing"
            yield Break(self.number, first_missing, problem)
        elif next_at is not None:
            yield Break(self.number, seq, "its recorded next-event time points at an event that does not exist")
