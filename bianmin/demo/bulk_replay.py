"""The grievance workflow replayed in memory for the bulk demo: the rows `services.create_case` and
`services.perform` would write for a history, computed without touching the database.

The transition rows (`workflow.GRIEVANCE`) decide targets, clocks and legality, and each step's change is
the row's own effect, reading what it needs through a `Finder` that answers from memory (`ReplayFinder`);
the tests replay histories through the real services and compare. Events are hashed with
`events.event_hash`, so `bianmin verify` walks them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings

from bianmin.cases import sla
from bianmin.cases.choices import OPEN_STATUSES, CaseStatus, LimitUnit, RatingAppeal
from bianmin.cases.effects import Context, Finder
from bianmin.cases.events import GENESIS, _fields, event_hash
from bianmin.cases.models import Case, CaseExtension, CasePause, Classification
from bianmin.cases.services import level_of
from bianmin.cases.workflow import GRIEVANCE, RECOMPUTED, Clock
from bianmin.org.models import Unit, User
from bianmin.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from bianmin.cases.models import Case

# Column order of the rows below; `bulk_demo` checks them against the models before it writes.
CASE_COLUMNS = (
    "id", "number", "workflow", "kind", "channel", "urgency", "title", "content", "address", "citizen_name",
    "citizen_phone", "citizen_id_number", "status", "analysis_level", "received_at", "accepted_at", "limit_value",
    "limit_unit", "due_base_at", "due_base_set_at", "paused_at", "due_at", "level_entered_at", "level_due_at",
    "replied_at", "reply", "completed_at", "completed_on_time", "rating", "rated_at", "rating_comment",
    "transfer_count", "supervise_count", "reopen_count", "idempotency_key", "version", "created_at", "updated_at",
    "citizen_id", "created_by_id", "handler_id", "unit_id", "village_id", "category_id", "classification_id",
    "rating_appeal", "rating_appeal_decided_at", "origin_unit_id", "master_id", "last_event_seq", "last_event_hash",
    "sent_by_id", "rectify_due_at", "rectified_at", "called_back_at", "extension_requested",
)  # fmt: skip
EVENT_COLUMNS = (
    "case_id", "seq", "action", "actor_id", "from_status", "to_status", "from_unit_id", "to_unit_id", "note", "data",
    "at", "next_at", "prev_hash", "hash", "due_at",
)  # fmt: skip
PAUSE_COLUMNS = ("case_id", "started_at", "ended_at", "reason")
EXTENSION_COLUMNS = ("case_id", "amount", "reason", "approved_by_id", "at")

# The links of a case an effect sets (as objects); the state keeps their ids.
LINKS = frozenset({"unit", "handler", "classification", "master", "category", "citizen", "sent_by"})
Stamp = Callable[[datetime | None], Any]


@dataclass(frozen=True)
class RememberingCalendar(WorkCalendar):
    """The calendar it copies, answering each day once: `chinese_calendar.is_workday` scans its whole
    table on every call, and a million histories ask about the same few hundred days."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_days", {})

    def is_workday(self, day: date) -> bool:
        days: dict[date, bool] = self._days  # type: ignore[attr-defined]
        found = days.get(day)
        if found is None:
            found = days[day] = super().is_workday(day)
        return found


class Deadlines:
    """`sla.add_limit` on the current calendar, remembered per (start day, limit): a million intakes
    share a few thousand distinct answers, and the calendar walks day by day."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = RememberingCalendar(calendar.overrides, calendar.declared_years)
        self._memo: dict[tuple[date, int, str], datetime] = {}

    def add(self, start: datetime, value: int, unit: str) -> datetime:
        if unit == LimitUnit.HOURS:
            return sla.add_limit(start, value, unit, self.calendar)
        key = (sla.local_date(start), value, unit)
        found = self._memo.get(key)
        if found is None:
            # The same instant in UTC, which is how the database hands it back (and cheaper to store).
            found = self._memo[key] = sla.add_limit(start, value, unit, self.calendar).astimezone(UTC)
        return found


class ReplayFinder(Finder):
    """What the effects read, answered from the bulk demo's memory instead of the database."""

    def __init__(self, replay: Replay, usernames: dict[int, str], classifications: dict[str, int]) -> None:
        self.replay = replay
        self.people = {pk: User(pk=pk, username=name, is_active=True) for pk, name in usernames.items()}
        self.by_username = {person.username: person for person in self.people.values()}
        self.classifications = {code: Classification(pk=pk, code=code) for code, pk in classifications.items()}

    def person(self, username: str) -> User | None:
        return self.by_username.get(username)

    def actor(self, pk: int | None) -> User | None:
        if pk is None:
            return None
        if pk not in self.people:
            self.people[pk] = User(pk=pk, is_active=True)
        return self.people[pk]

    def handles_in(self, person: User, unit: Unit) -> bool:
        return True  # the story assigns the handler it keeps for each unit

    def unit(self, code: str) -> Unit | None:
        return next((u for u in self.replay.units.values() if u.code == code), None)

    def may_transfer_to(self, actor: User | None, case: Case, unit: Unit) -> bool:
        return True  # the story transfers to the county's departments only (bulk_story.py)

    def next_level(self, unit: Unit) -> Unit | None:
        team = self.replay.covering_team.get(unit.pk)
        target = team if team is not None else unit.parent_id
        return self.replay.units[target] if target is not None else None

    def sender(self, case: Case) -> Unit | None:
        sender = cast("CaseState", case).sent_by_id
        return self.replay.units[sender] if sender is not None else None

    def sent_to(self, case: Case, unit: Unit) -> Unit | None:
        sender = next((f for f, t in reversed(cast("CaseState", case).sent_here) if t == unit.pk), None)
        return self.replay.units[sender] if sender is not None else None

    def classification(self, code: str) -> Classification | None:
        return self.classifications.get(code)

    def calendar(self) -> WorkCalendar:
        return self.replay.deadlines.calendar


class CaseState:
    """One case as the services would leave it after each step, with the facts `refresh_due` reads."""

    __slots__ = (
        *(
            c
            for c in CASE_COLUMNS
            if c
            not in (
                "workflow",
                "citizen_id_number",
                "idempotency_key",
                "created_at",
                "updated_at",
                "last_event_seq",
                "last_event_hash",
            )
        ),
        "events",
        "last_hash",
        "last_at",
        "pauses",
        "extensions",
        "sent_here",
        "settled_at",
        "last_row",
        "unit",
    )

    id: int
    number: str
    kind: str
    channel: str
    urgency: str
    title: str
    content: str
    address: str
    citizen_name: str
    citizen_phone: str
    status: str
    analysis_level: str
    received_at: datetime
    accepted_at: datetime | None
    limit_value: int
    limit_unit: str
    due_base_at: datetime | None
    due_base_set_at: datetime | None
    paused_at: datetime | None
    due_at: datetime | None
    level_entered_at: datetime | None
    level_due_at: datetime | None
    replied_at: datetime | None
    reply: str
    completed_at: datetime | None
    completed_on_time: bool | None
    rating: int | None
    rated_at: datetime | None
    rating_comment: str
    transfer_count: int
    supervise_count: int
    reopen_count: int
    version: int
    citizen_id: int | None
    created_by_id: int | None
    handler_id: int | None
    unit_id: int
    village_id: int
    category_id: int | None
    classification_id: int | None
    rating_appeal: str
    rating_appeal_decided_at: datetime | None
    origin_unit_id: int
    master_id: int | None
    sent_by_id: int | None
    rectify_due_at: datetime | None
    rectified_at: datetime | None
    called_back_at: datetime | None
    events: int
    last_hash: str
    last_at: datetime
    pauses: list[list[Any]]  # [started_at, ended_at, reason], as CasePause rows
    extensions: list[tuple[datetime, int, str, int]]  # (at, amount, reason, approved_by_id)
    sent_here: list[tuple[int, int]]  # (from_unit, to_unit) of each transfer and escalation, for 退单
    settled_at: datetime | None  # when it first left the open statuses (a merge needs an open master)
    last_row: int  # index of its last event row in the batch: the next event fills in its `next_at`
    unit: Unit  # the handling unit, as the effects read it

    @property
    def pk(self) -> int:
        return self.id


class Replay:
    """Plays actions on `CaseState`s and collects the rows of a batch (cases, events, pauses, extensions).

    `stamp` turns a datetime into what the database driver takes (SQLite: Django's naive UTC text)."""

    def __init__(
        self,
        *,
        units: dict[int, Unit],
        covering_team: dict[int, int],
        deadlines: Deadlines,
        usernames: dict[int, str],
        classifications: dict[str, int],
        stamp: Stamp,
        saved_at: datetime,
    ) -> None:
        self.units = units
        self.covering_team = covering_team
        self.deadlines = deadlines
        self.usernames = usernames
        self.classifications = classifications
        self.stamp = stamp
        self._saved = stamp(saved_at)  # auto_now(_add): when the rows are written, not when the history happened
        self.finder = ReplayFinder(self, usernames, classifications)
        self.events: list[tuple[Any, ...]] = []
        self.pauses: list[tuple[Any, ...]] = []
        self.extensions: list[tuple[Any, ...]] = []

    def take_rows(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        rows = self.events, self.pauses, self.extensions
        self.events, self.pauses, self.extensions = [], [], []
        return rows

    # --- intake: services.create_case -----------------------------------------------------------------

    def create(
        self,
        *,
        case_id: int,
        number: str,
        actor: int | None,
        channel: str,
        kind: str,
        category: tuple[int, int | None, str],
        urgency: str,
        title: str,
        content: str,
        address: str,
        citizen_name: str,
        citizen_phone: str,
        village: int,
        submitted: bool,
        at: datetime,
    ) -> CaseState:
        category_id, category_limit, category_unit = category
        c = CaseState()
        c.id, c.number, c.kind, c.channel, c.urgency = case_id, number, kind, channel, urgency
        c.title, c.content, c.address = title.strip(), content.strip(), address.strip()
        c.citizen_name, c.citizen_phone, c.citizen_id = citizen_name.strip(), citizen_phone.strip(), None
        c.village_id = c.unit_id = c.origin_unit_id = village
        c.status = CaseStatus.SUBMITTED if submitted else CaseStatus.ACCEPTED
        c.received_at, c.accepted_at = at, None if submitted else at
        c.limit_value, c.limit_unit = sla.default_limit(kind, urgency, (category_limit, category_unit))
        c.category_id, c.created_by_id = category_id, actor
        c.handler_id = c.classification_id = c.master_id = c.sent_by_id = None
        c.due_base_at = self.deadlines.add(at, *sla.intake_limit(kind, not submitted, (c.limit_value, c.limit_unit)))
        c.due_base_set_at, c.due_at = at, c.due_base_at
        c.paused_at = c.replied_at = c.completed_at = c.completed_on_time = c.rating = c.rated_at = None
        c.rating_appeal_decided_at = c.rectify_due_at = c.rectified_at = c.called_back_at = None
        c.reply = c.rating_comment = ""
        c.rating_appeal = RatingAppeal.NONE
        c.transfer_count = c.supervise_count = c.reopen_count = 0
        c.version, c.events, c.last_hash, c.last_at = 1, 0, GENESIS, at
        c.pauses, c.extensions, c.sent_here, c.settled_at = [], [], [], None
        self._enter_level(c, at)
        self._event(c, "create", actor, "", None, at, "", {"channel": channel, "kind": kind})
        return c

    # --- actions: services.perform ------------------------------------------------------------------

    def perform(
        self, c: CaseState, action: str, *, actor: int | None, at: datetime, by_citizen: bool = False, **fields: Any
    ) -> None:
        """`services.perform` without the checks of scope and version: the story only takes steps the
        actors may take, and an illegal step is a bug of the story and raises. The row's own effect decides
        what the step changes; the state carries the case's fields under the same names."""
        transition = GRIEVANCE[action]
        c.unit = self.units[c.unit_id]  # as the door reads it with the case (a guard may look at it)
        if not transition.applies_to(cast("Case", c)) or at < c.last_at:
            raise ValueError(f"{c.number}: {action} at {at} does not follow {c.status} at {c.last_at}")
        from_status, from_unit = c.status, c.unit_id
        person = self.finder.actor(actor)
        ctx = Context(person, at, self._arguments(fields), self.finder)
        change = transition.effect(cast("Case", c), ctx)
        for name, value in change.case.items():
            if name in LINKS:
                setattr(c, name + "_id", value.pk if value is not None else None)
            else:
                setattr(c, name, value)
        if change.end_pause:
            self._end_pauses(c, at)
        for row in change.add:
            if isinstance(row, CasePause):
                c.pauses.append([row.started_at, None, row.reason])
            elif isinstance(row, CaseExtension):
                c.extensions.append((row.at, row.amount, row.reason, row.approved_by_id))
            else:
                raise ValueError(f"{c.number}: the bulk demo keeps no {type(row).__name__} rows")
        if action in ("transfer", "escalate"):
            c.sent_here.append((from_unit, c.unit_id))
        data = change.data
        if by_citizen:
            data["by"] = "citizen"
        if transition.target is not None:
            c.status = transition.target
        if transition.clock in RECOMPUTED:
            self._refresh_due(c)
        if transition.clock == Clock.LEVEL and c.unit_id != from_unit:
            self._enter_level(c, at)
        c.version += 1
        self._event(c, action, actor, from_status, from_unit, at, change.note, data)

    def _arguments(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The story's ids as the effects take them: a person, a unit, the master case."""
        found = dict(fields)
        if "handler" in found:
            found["handler"] = self.finder.people[found["handler"]]
        if "to_unit" in found:
            found["to_unit"] = self.units[found["to_unit"]]
        if "master" in found:  # the story picks a master of the same village, open at the time, not merged itself
            pk, number = found["master"]
            found["master"] = Case(pk=pk, number=number, status=CaseStatus.ACCEPTED)
        return found

    def _enter_level(self, c: CaseState, at: datetime) -> None:
        c.analysis_level = level_of(self.units[c.unit_id])
        c.level_entered_at = at
        days = settings.ANALYSIS_LEVEL_DAYS.get(c.analysis_level)
        c.level_due_at = self.deadlines.add(at, days, LimitUnit.WORKING_DAYS) if days else None

    def _refresh_due(self, c: CaseState) -> None:
        if c.due_base_at is None or c.due_base_set_at is None:
            c.due_at = None
            return
        pauses = [sla.Pause(p[0], p[1]) for p in c.pauses if p[1] is not None]
        extensions = [(at, amount) for at, amount, _reason, _by in c.extensions]
        c.due_at = sla.due_at(
            c.due_base_at, c.due_base_set_at, c.limit_unit, pauses, extensions, self.deadlines.calendar
        )

    def _event(
        self,
        c: CaseState,
        action: str,
        actor: int | None,
        from_status: str,
        from_unit: int | None,
        at: datetime,
        note: str,
        data: dict[str, Any],
    ) -> None:
        c.events += 1
        fields = _fields(c.events, action, actor, from_status, c.status, from_unit, c.unit_id, note, data, at)
        digest = event_hash(c.last_hash, c.number, fields)
        row = (
            c.id,
            c.events,
            action,
            actor,
            from_status,
            c.status,
            from_unit,
            c.unit_id,
            note,
            json.dumps(data) if data else "{}",
        )
        at_stamp = self.stamp(at)
        if c.events > 1:  # the write records on the event before when this one came (not hashed)
            previous = self.events[c.last_row]
            self.events[c.last_row] = (*previous[:11], at_stamp, *previous[12:])
        c.last_row = len(self.events)
        self.events.append((*row, at_stamp, None, c.last_hash, digest, self.stamp(c.due_at)))
        c.last_hash, c.last_at = digest, at
        if c.settled_at is None and c.status not in OPEN_STATUSES:
            c.settled_at = at

    def _end_pauses(self, c: CaseState, at: datetime) -> None:
        for pause in c.pauses:
            if pause[1] is None:
                pause[1] = at

    # --- rows ------------------------------------------------------------------------------------------

    def finish(self, c: CaseState) -> tuple[Any, ...]:
        """The case's row (in CASE_COLUMNS order), with its pauses and extensions added to the batch."""
        s = self.stamp
        for started, ended, reason in c.pauses:
            self.pauses.append((c.id, s(started), s(ended), reason))
        for at, amount, reason, by in c.extensions:
            self.extensions.append((c.id, amount, reason, by, s(at)))
        saved = self._saved
        return (
            c.id, c.number, "grievance", c.kind, c.channel, c.urgency, c.title, c.content, c.address,
            c.citizen_name, c.citizen_phone, "", c.status, c.analysis_level, s(c.received_at), s(c.accepted_at),
            c.limit_value, c.limit_unit, s(c.due_base_at), s(c.due_base_set_at), s(c.paused_at), s(c.due_at),
            s(c.level_entered_at), s(c.level_due_at), s(c.replied_at), c.reply, s(c.completed_at),
            c.completed_on_time, c.rating, s(c.rated_at), c.rating_comment, c.transfer_count, c.supervise_count,
            c.reopen_count, "", c.version, saved, saved, c.citizen_id, c.created_by_id, c.handler_id, c.unit_id,
            c.village_id, c.category_id, c.classification_id, c.rating_appeal, s(c.rating_appeal_decided_at),
            c.origin_unit_id, c.master_id, c.events, c.last_hash, c.sent_by_id, s(c.rectify_due_at),
            s(c.rectified_at), s(c.called_back_at), None,
        )  # fmt: skip


def sqlite_stamp(value: datetime | None) -> str | None:
    """What Django's SQLite backend stores for an aware datetime: naive UTC text (str() less "+00:00")."""
    if value is None:
        return None
    return (value if value.tzinfo is UTC else value.astimezone(UTC)).isoformat(" ")[:-6]


def same_stamp(value: datetime | None) -> datetime | None:
    return value
