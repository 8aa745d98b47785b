"""Every write to a case: intake and the one door for actions (`perform`), per DESIGN §6.3.

`perform` locks the case row, checks the version, the caller's scope and the transition table, applies
the action's effect, recomputes the deadline, and appends a hash-chained event in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, overload

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from bianmin.cases import actions, application_actions, notices, notifications, sla
from bianmin.cases.actions import Effect
from bianmin.cases.choices import AnalysisLevel, CaseKind, CaseStatus, Channel, Urgency, Workflow
from bianmin.cases.errors import CaseError
from bianmin.cases.events import Last, append_event, close_if_last, close_if_last_statement, next_event
from bianmin.cases.models import Case, CaseEvent, Category
from bianmin.cases.numbering import insert_numbered, next_case_number
from bianmin.cases.workflow import WORKFLOWS, Clock, Transition
from bianmin.database import (
    Writes,
    columns_of,
    insert_row,
    one_statement,
    read_rows,
    update_row,
    update_statement,
)
from bianmin.documents.pdf import load_font
from bianmin.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from bianmin.org.choices import PLACE_KINDS, UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope, kept_unit, scope_paths
from bianmin.org.validators import is_resident_id, validate_person_phone
from bianmin.workdays.services import current_calendar

EFFECTS: dict[str, dict[str, Effect]] = {
    Workflow.GRIEVANCE: actions.EFFECTS,
    Workflow.APPLICATION: application_actions.EFFECTS,
}


def level_of(unit: Unit) -> str:
    if unit.kind in PLACE_KINDS:
        return AnalysisLevel.VILLAGE
    if unit.kind == UnitKind.WORK_TEAM:
        return AnalysisLevel.WORK_TEAM
    if unit.kind in (UnitKind.TOWNSHIP, UnitKind.STREET):
        return AnalysisLevel.TOWNSHIP
    return AnalysisLevel.COUNTY


def enter_level(case: Case, now: Any) -> None:
    """Start the clock of the analysis level the case's unit belongs to."""
    case.analysis_level = level_of(case.unit)
    case.level_entered_at = now
    # Days a level has before it must resolve or escalate (settings.ANALYSIS_LEVEL_DAYS, DESIGN §4.3).
    days = settings.ANALYSIS_LEVEL_DAYS.get(case.analysis_level)
    case.level_due_at = sla.add_limit(now, days, "working_days", current_calendar()) if days else None


def refresh_due(case: Case) -> None:
    """Derive `due_at` from the facts; stored only so lists can sort on it."""
    if case.due_base_at is None or case.due_base_set_at is None:
        case.due_at = None
        return
    finished = case.pauses.filter(ended_at__isnull=False).values_list("started_at", "ended_at")
    pauses = [sla.Pause(started, ended) for started, ended in finished if ended is not None]
    extensions = list(case.extensions.values_list("at", "amount"))
    calendar = current_calendar()
    extension_unit = application_actions.EXTENSION_UNIT if case.workflow == Workflow.APPLICATION else None
    case.due_at = sla.due_at(
        case.due_base_at, case.due_base_set_at, case.limit_unit, pauses, extensions, calendar, extension_unit
    )
    if case.workflow == Workflow.APPLICATION and case.accepted_at is not None:
        # The legal limit runs from acceptance, whatever a supervisor did to the promised one.
        application = case.application
        if application.legal_due_base_at is not None:
            application.legal_due_at = sla.due_at(
                application.legal_due_base_at,
                case.accepted_at,
                application.legal_limit_unit,
                pauses,
                extensions,
                calendar,
                extension_unit,
            )
            application.save(update_fields=["legal_due_at"])


def intake_errors(**values: Any) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for name in ("title", "content", "citizen_name"):
        if not str(values[name]).strip():
            errors[name] = _("This field is required.")
    try:
        validate_person_phone(values["citizen_phone"])
    except ValidationError as exc:
        errors["citizen_phone"] = " ".join(str(m) for m in exc.messages)
    id_number = values["citizen_id_number"]
    if id_number and not is_resident_id(id_number):
        errors["citizen_id_number"] = _("This is not a valid resident identity number.")
    for name, choices in INTAKE_CHOICES.items():
        if values[name] not in choices:
            errors[name] = _("Select a valid choice.")
    return errors


# What `intake_errors` accepts, built once (an enumeration's `values` is a new list on every read).
INTAKE_CHOICES = {
    name: frozenset(kind.values) for name, kind in (("kind", CaseKind), ("channel", Channel), ("urgency", Urgency))
}


def intake_unit(actor: User, village: Unit | None) -> Unit | None:
    """Where a case taken in by `actor` lands: the village it concerns when the actor serves there,
    else the actor's own unit (they transfer it on from there)."""
    if village is not None and in_scope(actor, Permission.CASE_CREATE, village.path):
        return village
    scope = Unit.objects.restrict(actor, Permission.CASE_CREATE)
    held = actor.memberships.filter(unit__in=scope).select_related("unit").order_by("unit__depth", "unit_id").first()
    return held.unit if held else None


def create_case(
    *,
    actor: User | None,
    channel: str,
    kind: str,
    title: str,
    content: str,
    citizen_name: str,
    citizen_phone: str,
    citizen_id_number: str = "",
    citizen: User | None = None,
    village: Unit | None = None,
    unit: Unit | None = None,
    category: Category | None = None,
    urgency: str = Urgency.NORMAL,
    address: str = "",
    idempotency_key: str = "",
    submitted: bool = False,
    received_at: Any = None,
) -> tuple[Case, bool]:
    """Take in a case; staff intake accepts it at once, a citizen's own submission awaits acceptance.

    `actor=None` is a citizen's own submission through the public page: it must name the `unit`.
    Returns (case, created). With an `idempotency_key`, a retry returns the case the first call made."""
    if idempotency_key and actor is not None:
        existing = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    citizen_id_number = ric.compact(citizen_id_number) if citizen_id_number else ""
    errors = intake_errors(
        title=title,
        content=content,
        citizen_name=citizen_name,
        citizen_phone=citizen_phone.strip(),
        citizen_id_number=citizen_id_number,
        kind=kind,
        channel=channel,
        urgency=urgency,
    )
    if village is not None and village.kind not in PLACE_KINDS:
        errors["village"] = _("Choose a village or community.")
    if kind == CaseKind.APPLICATION:
        errors["item"] = _("An application is filed against a service item: name the item.")
    if errors:
        raise InvalidInput(errors)
    if actor is not None:
        unit = unit or intake_unit(actor, village)
        if unit is None or not in_scope(actor, Permission.CASE_CREATE, unit.path):
            raise PermissionDenied(_("You may only take in cases for the units you serve."))
    elif unit is None:
        raise InvalidInput({"village": _("Choose a village or community.")})
    now = received_at or timezone.now()
    limit_value, limit_unit = sla.default_limit(
        kind, urgency, (category.limit_value, category.limit_unit) if category else (None, "")
    )
    case = Case(
        number="",
        kind=kind,
        channel=channel,
        category=category,
        urgency=urgency,
        title=title.strip(),
        content=content.strip(),
        address=address.strip(),
        citizen_name=citizen_name.strip(),
        citizen_phone=citizen_phone.strip(),
        citizen_id_number=citizen_id_number,
        citizen=citizen,
        village=village,
        unit=unit,
        origin_unit=village or unit,
        status=CaseStatus.SUBMITTED if submitted else CaseStatus.ACCEPTED,
        received_at=now,
        accepted_at=None if submitted else now,
        limit_value=limit_value,
        limit_unit=limit_unit,
        created_by=actor,
        idempotency_key=idempotency_key,
    )
    case.due_base_at = sla.add_limit(now, limit_value, limit_unit, current_calendar())
    case.due_base_set_at = now
    case.due_at = case.due_base_at
    enter_level(case, now)
    return save_new_case(case, {"channel": channel, "kind": kind})


def save_new_case(case: Case, data: dict[str, Any], also: Callable[[Case], None] | None = None) -> tuple[Case, bool]:
    """Number and insert a new case with its first event (and, through `also`, the rows that belong to
    it) in one transaction (on PostgreSQL without `also`, in one statement). Returns (case, created): a
    concurrent request with the same Idempotency-Key that won the race answers with its case."""
    actor, key = case.created_by, case.idempotency_key
    try:
        if also is None and connection.vendor == "postgresql":
            # One statement; the event's hash, made here before the number is known, is replaced by the server's.
            with one_statement():
                insert_numbered(case, next_event(case, None, "create", actor, "", None, case.received_at, data=data))
            return case, True
        with transaction.atomic():
            case.number = next_case_number(case.received_at)
            event = next_event(case, None, "create", actor, "", None, case.received_at, data=data)
            insert_row(case)
            if also is not None:
                also(case)
            event.case = case
            insert_row(event)
    except IntegrityError:
        existing = Case.objects.filter(created_by=actor, idempotency_key=key).first() if key and actor else None
        if existing is None:
            raise
        return existing, False
    return case, True


def case_reference(number: str) -> Case | None:
    """The id and workflow of the case numbered `number`, all `perform` needs before it locks the row and
    decides visibility itself (callers answer 404 for a case outside the caller's scope the same way)."""
    sql = f"SELECT id, workflow FROM {Case._meta.db_table} WHERE number = %s"  # noqa: S608 (table name)
    return next(iter(Case.objects.raw(sql, [number])), None)


def lock_case(key: int | str, actor: User | None = None) -> Case | None:
    """The case row (by id, or by number) locked for the rest of the transaction (SQLite: the transaction
    holds the write lock already), with its handling unit (`kept_unit`: kept by the worker while the org version the actor's request read holds).

    The bare row, no join: after waiting for a concurrent transfer, PostgreSQL re-checks a joined query
    against the unit row it first read, and the moved case would seem to vanish. Plain SQL, because every
    action starts here: the ORM's compiled statements cost 0.7 ms of each action, these 0.25 ms."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    column = "number" if isinstance(key, str) else "id"
    sql = f"SELECT {columns_of(Case, 'c')} FROM {Case._meta.db_table} c WHERE c.{column} = %s{lock}"  # noqa: S608
    found = read_rows(Case, sql, [key])
    if not found:
        return None
    case: Case = found[0][0]
    case.unit = kept_unit(actor, case.unit_id)
    return case


def lock_case_closing_last_event(key: int | str, actor: User | None, at: datetime) -> tuple[Case | None, Last]:
    """PostgreSQL: `lock_case`, and in the same statement the case's latest event closed at `at` (the action
    that locks a case appends the next one), with that event's (seq, hash) for the next to follow. The
    caller's transaction is rolled back if the action is refused, and the closing with it.

    Locked after a wait for a concurrent action, the row is the one that action left, but the closing still
    sees the events as they were when the statement began: the event it finds has been closed by that action,
    and the one that action appended is not seen. Then nothing is returned for the last event, and
    `append_event` closes it itself, as on SQLite, now that the lock is held."""
    column = "number" if isinstance(key, str) else "id"
    events = CaseEvent._meta.db_table
    sql = (
        f"WITH c AS (SELECT {columns_of(Case, 'c')} FROM {Case._meta.db_table} c WHERE c.{column} = %s "  # noqa: S608
        f"FOR UPDATE), last AS (UPDATE {events} e SET next_at = %s FROM c WHERE e.case_id = c.id AND "
        "e.next_at IS NULL RETURNING e.seq, e.hash) SELECT c.*, last.seq, last.hash FROM c LEFT JOIN last ON true"
    )
    found = read_rows(Case, sql, [key, CaseEvent._meta.get_field("next_at").get_db_prep_value(at, connection)])
    return _with_last_event(found, actor)


def _with_last_event(found: list[tuple[Case, tuple[Any, ...]]], actor: User | None) -> tuple[Case | None, Last]:
    """The case of rows (case, (seq, hash) of an open event), with its unit; the latest of the open events
    (more than one is a broken history: `append_event` continues from its true end)."""
    if not found:
        return None, None
    case = found[0][0]
    case.unit = kept_unit(actor, case.unit_id)
    return case, max((row for _, row in found if row[0] is not None), default=None)


# What `perform` compares before and after an action's effect, to write only the columns that changed.
CASE_COLUMNS = [field for field in Case._meta.concrete_fields if not field.primary_key and field.name != "updated_at"]


def _column_values(case: Case) -> dict[str, Any]:
    return {field.name: getattr(case, field.attname) for field in CASE_COLUMNS}


def _transition(case: Case, action: str) -> Transition:
    transition = transitions_for(case).get(action)
    if transition is None:
        raise DomainError(CaseError.UNKNOWN_ACTION, _("There is no such action."), status=404)
    return transition


def transitions_for(case: Case) -> dict[str, Transition]:
    return WORKFLOWS[case.workflow]


def allowed_actions(case: Case, user: User) -> list[Transition]:
    """The actions `user` may take on `case` now: legal from its status and within the user's rights.
    One scope query per distinct permission of the table, not one per action."""
    legal = [t for t in transitions_for(case).values() if t.applies_to(case)]
    needed = {p for t in legal for p in t.permissions}
    held = {p for p in needed if case.in_scope(user, p)}
    own = case.citizen_id is not None and case.citizen_id == user.pk
    return [t for t in legal if (t.citizen and own) or t.permissions & held]


def _may_take(case: Case, transition: Transition, user: User) -> bool:
    if transition.citizen and case.citizen_id is not None and case.citizen_id == user.pk:
        return True
    return any(case.in_scope(user, permission) for permission in transition.permissions)


def perform(
    case: Case | str,
    action: str,
    *,
    actor: User | None,
    version: int | None = None,
    by_citizen: bool = False,
    by_system: bool = False,
    at: datetime | None = None,
    **fields: Any,
) -> Case:
    """Take `action` on `case` as `actor`: the one way a case changes state.

    `case` is the case, or its number: then the row is found as it is locked, in one statement (the API).
    `actor=None, by_citizen=True` is the case's citizen without an account, who proved who they are
    with the case number and their phone's last digits (the public tracking page); `by_system=True` is
    the platform itself (the sweep's automatic escalation). `at` replays history (an import from an
    older system, the demo); it must not be earlier than the case's last event.

    The action is decided on the row locked for the transaction (`_decide`), then written (`_write`). The
    UNLOCKED_DECISIONS are decided on the row as read, without a lock, and written only if its version is
    still the one read (else decided again, locked): SQLite's one write lock is then held for the writes
    alone, and PostgreSQL writes them in one statement outside a transaction."""
    if isinstance(case, str) and action in notices.ISSUED_BY:
        # It may render a notice: learn the workflow first, to load the font before taking the lock.
        found = case_reference(case)
        if found is None:
            raise NotFound(_("No such case in your scope."))
        case = found
    if isinstance(case, Case):
        _transition(case, action)
    now = at or timezone.now()
    if actor is not None:
        scope_paths(actor, Permission.CASE_VIEW)  # read the caller's grants before taking the write lock
    if isinstance(case, Case) and case.workflow == Workflow.APPLICATION and action in notices.ISSUED_BY:
        load_font()  # a worker's first notice parses the font (0.15 s): not while holding the write lock
    key = case if isinstance(case, str) else case.pk
    ask = _Ask(action, actor, version, by_citizen, by_system, now, at is not None, fields)
    if action in UNLOCKED_DECISIONS:
        done = _perform_unlocked(key, ask)
        if done is not None:
            return done
    with transaction.atomic():
        if connection.vendor == "postgresql":
            locked, ask.last = lock_case_closing_last_event(key, actor, now)
        else:
            locked = lock_case(key, actor)
        case = _decide(locked, ask)
        _write(case, ask)
    return case


# Grievance actions whose effect only changes the case row (no other rows written): decided on the row as read,
# and written only if no one changed the case meanwhile (`_perform_unlocked`).
UNLOCKED_DECISIONS = frozenset({"accept", "assign", "answer", "reply", "complete"})


@dataclass
class _Ask:
    action: str
    actor: User | None
    version: int | None
    by_citizen: bool
    by_system: bool
    now: datetime
    replayed: bool  # a replayed history (import, demo) tells nobody anything
    fields: dict[str, Any]
    # Set by `_decide`: what the action changed, for `_write`.
    from_status: str = ""
    from_unit: Unit | None = None
    changed: list[str] = field(default_factory=list)
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    last: Last = None  # the case's latest event, closed as the case was locked (PostgreSQL)


def _perform_unlocked(key: int | str, ask: _Ask) -> Case | None:
    """Decide on the row as read without a lock, and prepare every statement (the next event with its hash,
    the messages); then write only if no one changed the case meanwhile: its version and its latest event
    are the ones read. Returns None when someone did, or when the case runs another workflow: the caller
    then takes the lock and decides again on the fresh row.

    SQLite holds one write lock for the whole database, so every microsecond of a writer's transaction
    delays every other writer: the lock is taken for the writes alone. PostgreSQL writes them as one
    statement, its own transaction, guarded by the version and the latest event (`Writes.run_if`): two
    round trips for the action (read, write) instead of four (BEGIN, lock, write, COMMIT)."""
    found, last = read_case_and_last_event(key, ask.actor)
    case = _decide(found, ask, only=Workflow.GRIEVANCE)
    if case is None or last is None:
        return None
    assert ask.from_unit is not None  # noqa: S101 (set by _decide)
    ready = Writes(hold=True)
    event = next_event(case, last, ask.action, ask.actor, ask.from_status, ask.from_unit, ask.now, ask.note, ask.data)
    insert_row(event, ready)
    if not ask.replayed:
        notifications.after_action(case, ask.action, event.seq, ready)
    if connection.vendor == "postgresql":
        guards = [
            _returning_one(update_statement(case, ask.changed, expect={"version": case.version - 1})),
            _returning_one(close_if_last_statement(case.pk, event.at, last[0])),
        ]
        return case if ready.run_if(guards) else None
    with transaction.atomic():
        if not (
            update_row(case, ask.changed, expect={"version": case.version - 1})
            and close_if_last(case.pk, event.at, last[0])
        ):
            transaction.set_rollback(True)
            return None
        ready.flush()
    return case


def _returning_one(statement: tuple[str, list[Any]]) -> tuple[str, list[Any]]:
    return f"{statement[0]} RETURNING 1", statement[1]


def read_case_and_last_event(key: int | str, actor: User | None) -> tuple[Case | None, Last]:
    """The case (as `lock_case` gives it) and its latest event's (seq, hash), read together without a lock."""
    column = "number" if isinstance(key, str) else "id"
    sql = (
        f"SELECT {columns_of(Case, 'c')}, e.seq, e.hash FROM {Case._meta.db_table} c "  # noqa: S608
        f"LEFT JOIN {CaseEvent._meta.db_table} e ON e.case_id = c.id AND e.next_at IS NULL WHERE c.{column} = %s"
    )
    found = read_rows(Case, sql, [key])
    case, last = _with_last_event(found, actor)
    return case, last if len(found) == 1 else None  # a broken history is left to the locked path


@overload
def _decide(case: Case | None, ask: _Ask) -> Case: ...
@overload
def _decide(case: Case | None, ask: _Ask, only: str) -> Case | None: ...
def _decide(case: Case | None, ask: _Ask, only: str = "") -> Case | None:
    """Check `ask` against `case` and apply the action's effect to it in memory (nothing is written).
    Raises the caller's error (not found, invalid, conflict, forbidden); None if `only` names another
    workflow than the case's."""
    actor = ask.actor
    visible = case is not None and (
        ask.by_citizen or ask.by_system or (actor is not None and case.in_scope(actor, Permission.CASE_VIEW))
    )
    if case is None or not visible:
        raise NotFound(_("No such case in your scope."))
    if only and case.workflow != only:
        return None
    transition = _transition(case, ask.action)
    # Only now, so that no one learns from a field error that a case outside their scope exists.
    missing = {n: _("This field is required.") for n in transition.required if ask.fields.get(n) in (None, "")}
    if missing:
        raise InvalidInput(missing)
    if ask.version is not None and ask.version != case.version:
        raise Conflict(CaseError.STALE_VERSION, _("Someone else changed this case meanwhile; reload it and try again."))
    if not transition.applies_to(case):
        if case.status in transition.sources:
            raise Conflict(
                CaseError.ILLEGAL_TRANSITION,
                _("“%(action)s” does not apply to this case.") % {"action": transition.label},
            )
        raise Conflict(
            CaseError.ILLEGAL_TRANSITION,
            _("“%(action)s” is not possible while the case is “%(status)s”.")
            % {"action": transition.label, "status": CaseStatus(case.status).label},
        )
    allowed = ask.by_system or (transition.citizen and ask.by_citizen)
    if not allowed and (actor is None or not _may_take(case, transition, actor)):
        raise PermissionDenied()
    ask.from_status, ask.from_unit = case.status, case.unit
    before = _column_values(case)
    ask.note, ask.data = EFFECTS[case.workflow][ask.action](case, actor=actor, now=ask.now, **ask.fields)
    if ask.by_citizen or ask.by_system:
        ask.data["by"] = "citizen" if ask.by_citizen else "system"
    if transition.target is not None:
        case.status = transition.target
    if transition.clock in (Clock.EXTEND, Clock.RESET, Clock.RESUME, Clock.RESTART):
        refresh_due(case)
    if transition.clock == Clock.LEVEL and case.unit_id != ask.from_unit.pk:
        enter_level(case, ask.now)
    case.version += 1
    # Write the columns the action changed, not all fifty.
    ask.changed = [name for name, value in _column_values(case).items() if before[name] != value] + ["updated_at"]
    return case


def _write(case: Case, ask: _Ask) -> None:
    """Write what `_decide` changed, with the action's event and messages, in the caller's transaction."""
    assert ask.from_unit is not None  # noqa: S101 (set by _decide)
    with Writes() as writes:  # PostgreSQL: one statement (two if the latest event is still to be closed)
        update_row(case, ask.changed, writes=writes)
        event = append_event(
            case,
            action=ask.action,
            actor=ask.actor,
            from_status=ask.from_status,
            from_unit=ask.from_unit,
            at=ask.now,
            note=ask.note,
            data=ask.data,
            writes=writes,
            closed=ask.last,
        )
        if not ask.replayed:
            notifications.after_action(case, ask.action, event.seq, writes)
