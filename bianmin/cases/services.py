"""Every write to a case: intake (`create_case`) and the one door for actions (`perform`), per DESIGN §6.3.

`perform` reads the case, checks the caller's scope, the version and the transition row, applies the row's
pure effect and its clock, renders the notice the row issues, and hands the change with the next event of
the hash chain and the outbox rows to `store.write_action`, which writes them in one transaction guarded by
the version it read. When someone changed the case meanwhile, nothing is written and the action is decided
again on the fresh row (or refused as stale when the caller named the version it saw)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from bianmin.cases import notifications, sla, store
from bianmin.cases.applications import notices
from bianmin.cases.applications.effects import EXTENSION_UNIT
from bianmin.cases.choices import AnalysisLevel, CaseKind, CaseStatus, Channel, Urgency, Workflow
from bianmin.cases.effects import Change, Context, Finder
from bianmin.cases.errors import CaseError
from bianmin.cases.events import next_event
from bianmin.cases.models import Application, Case, CaseExtension, Category
from bianmin.cases.workflow import NOTICE_ACTIONS, RECOMPUTED, WORKFLOWS, Action, Clock, Transition
from bianmin.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from bianmin.org.choices import PLACE_KINDS, UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.org.validators import is_resident_id, validate_person_phone
from bianmin.workdays.services import current_calendar

# How often an action is decided again when others keep changing the case between its read and its write.
ATTEMPTS = 20
FINDER = Finder()


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


def refresh_due(
    case: Case, change: Change | None = None, application: Application | None = None, now: datetime | None = None
) -> None:
    """Derive `due_at` (and an accepted application's `legal_due_at`) from the facts: the base, the pauses that
    have ended, the extensions — with the pause `change` ends `now` and the extension it adds. Stored only so
    that lists sort on it."""
    if case.due_base_at is None or case.due_base_set_at is None:
        case.due_at = None
        return
    pauses = []
    for started, ended in case.pauses.values_list("started_at", "ended_at"):
        if ended is None and change is not None and change.end_pause:
            ended = now
        if ended is not None:
            pauses.append(sla.Pause(started, ended))
    extensions = list(case.extensions.values_list("at", "amount"))
    added = change.add if change is not None else []
    extensions += [(row.at, row.amount) for row in added if isinstance(row, CaseExtension)]
    calendar = current_calendar()
    extension_unit = EXTENSION_UNIT if case.workflow == Workflow.APPLICATION else None
    case.due_at = sla.due_at(
        case.due_base_at, case.due_base_set_at, case.limit_unit, pauses, extensions, calendar, extension_unit
    )
    if application is not None and case.accepted_at is not None and application.legal_due_base_at is not None:
        # The legal limit runs from acceptance, whatever a supervisor did to the promised one.
        application.legal_due_at = sla.due_at(
            application.legal_due_base_at,
            case.accepted_at,
            application.legal_limit_unit,
            pauses,
            extensions,
            calendar,
            extension_unit,
        )


def transitions_for(case: Case) -> dict[str, Transition]:
    return WORKFLOWS[case.workflow]


def _transition(case: Case, action: str) -> Transition:
    transition = transitions_for(case).get(action)
    if transition is None:
        raise DomainError(CaseError.UNKNOWN_ACTION, _("There is no such action."), status=404)
    return transition


def allowed_actions(case: Case, user: User) -> list[Transition]:
    """The actions `user` may take on `case` now: legal from its status and within the user's rights.
    One scope check per distinct permission of the table, not one per action."""
    legal = [t for t in transitions_for(case).values() if t.listed and t.applies_to(case)]
    needed = {p for t in legal for p in t.permissions}
    held = {p for p in needed if case.in_scope(user, p)}
    return [t for t in legal if acts_for_citizen(case, t, user) or t.permissions & held]


def may_take(case: Case, transition: Transition, user: User) -> bool:
    if acts_for_citizen(case, transition, user):
        return True
    return any(case.in_scope(user, permission) for permission in transition.permissions)


def acts_for_citizen(case: Case, transition: Transition, user: User) -> bool:
    """Whether `user` takes the row as the case's citizen: its own citizen, or the cadre who filed it for
    them at the village hall (代办) where the row lets a proxy follow it up."""
    if transition.citizen and case.citizen_id is not None and case.citizen_id == user.pk:
        return True
    return transition.proxy and case.channel == Channel.VILLAGE_HALL and case.created_by_id == user.pk


@dataclass(frozen=True)
class _Ask:
    action: str
    actor: User | None
    version: int | None
    by_citizen: bool
    by_system: bool
    now: datetime
    replayed: bool  # a replayed history (import, demo) tells nobody anything
    listed_only: bool  # the actions route: not the actions with a door of their own
    fields: dict[str, Any]


def perform(
    case: Case | str,
    action: str,
    *,
    actor: User | None,
    version: int | None = None,
    by_citizen: bool = False,
    by_system: bool = False,
    at: datetime | None = None,
    listed_only: bool = False,
    **fields: Any,
) -> Case:
    """Take `action` on `case` (the case, or its number) as `actor`: the one way a case changes state.

    `actor=None, by_citizen=True` is the case's citizen without an account, who proved who they are with
    the case number and their phone's last digits (the public tracking page); `by_system=True` is the
    platform itself (the sweep). `at` replays history (an import from an older system, the demo); it must
    not be earlier than the case's last event. `version` is the version the caller saw: if the case has
    changed since, the action is refused as stale (409). `listed_only`: the API's and the pages' actions
    route, which offers no action that has a door of its own (a file upload)."""
    now = at or timezone.now()
    ask = _Ask(action, actor, version, by_citizen, by_system, now, at is not None, listed_only, fields)
    key = case if isinstance(case, str) else case.pk
    for _attempt in range(ATTEMPTS):
        if action not in NOTICE_ACTIONS:
            done = _decide_and_write(key, ask)
        else:
            # The notice takes the next number of its unit's series in the transaction that writes the action:
            # an action not written (a stale version, an error) gives its number back.
            with transaction.atomic():
                done = _decide_and_write(key, ask)
                if done is None:
                    transaction.set_rollback(True)
        if done is not None:
            return done
    raise Conflict(CaseError.BUSY, _("The case is being changed by others right now; try again in a moment."))


def _decide_and_write(key: int | str, ask: _Ask) -> Case | None:
    write = decide(store.read_case(key, ask.actor), ask)
    return write.case if store.write_action(write) else None


def decide(case: Case | None, ask: _Ask) -> store.ActionWrite:
    """Check `ask` against `case` as read and work out everything the action writes, writing nothing (but
    the number of a notice it issues, inside the transaction `perform` holds for it).
    Raises the caller's error: not found, invalid, conflict or forbidden."""
    actor = ask.actor
    visible = case is not None and (
        ask.by_citizen or ask.by_system or (actor is not None and case.in_scope(actor, Permission.CASE_VIEW))
    )
    if case is None or not visible:
        raise NotFound(_("No such case in your scope."))
    transition = _transition(case, ask.action)
    if ask.listed_only and not transition.listed:
        raise DomainError(CaseError.UNKNOWN_ACTION, _("There is no such action."), status=404)
    # Only now, so that no one learns from a field error that a case outside their scope exists.
    missing = {n: _("This field is required.") for n in transition.required if ask.fields.get(n) in (None, "")}
    if missing:
        raise InvalidInput(missing)
    if ask.version is not None and ask.version != case.version:
        raise Conflict(CaseError.STALE_VERSION, _("Someone else changed this case meanwhile; reload it and try again."))
    if not transition.applies_to(case):
        if case.status in transition.sources and transition.unmet is not None:
            raise Conflict(*transition.unmet)
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
    if not allowed and (actor is None or not may_take(case, transition, actor)):
        raise PermissionDenied()
    return _apply(case, transition, ask)


def _apply(case: Case, transition: Transition, ask: _Ask) -> store.ActionWrite:
    """The action's change applied to `case` in memory, with its clock, notice, event and messages."""
    from_status, from_unit, read_version = case.status, case.unit, case.version
    application = case.application if case.workflow == Workflow.APPLICATION else None
    before, application_before = _values(case), _values(application)
    change = transition.effect(case, Context(ask.actor, ask.now, ask.fields, FINDER, application))
    for name, value in change.case.items():
        setattr(case, name, value)
    for name, value in change.application.items():
        setattr(application, name, value)
    if ask.by_citizen or ask.by_system:
        change.data["by"] = "citizen" if ask.by_citizen else "system"
    if transition.target is not None:
        case.status = transition.target
    if transition.clock in RECOMPUTED:
        refresh_due(case, change, application, ask.now)
    if transition.clock == Clock.LEVEL and case.unit_id != from_unit.pk:
        enter_level(case, ask.now)
    rows = list(change.add)
    if transition.notice:
        document = notices.draft(
            case,
            transition.notice,
            actor=ask.actor,
            now=ask.now,
            note=change.note,
            data=change.data,
            numbered=store.next_document_number,
        )
        change.data["notice"] = document.sha256
        rows.append(document)
    case.version = read_version + 1
    event = next_event(case, ask.action, ask.actor, from_status, from_unit, ask.now, change.note, change.data)
    return store.ActionWrite(
        case=case,
        # Write the columns the action changed, not all fifty.
        columns=[name for name, value in _values(case).items() if before[name] != value] + ["updated_at"],
        version=read_version,
        event=event,
        rows=rows,
        end_pause_at=ask.now if change.end_pause else None,
        assist_units=change.assist_units,
        application=application,
        application_columns=[n for n, v in _values(application).items() if application_before[n] != v],
        outgoing=[] if ask.replayed else notifications.compose(case, ask.action, transition.tell, event.seq),
    )


def _values(row: Model | None) -> dict[str, Any]:
    """The row's column values by field name (what `update_row` takes), to see which an action changed."""
    if row is None:
        return {}
    fields = row._meta.concrete_fields
    return {f.name: getattr(row, f.attname) for f in fields if not f.primary_key and f.name != "updated_at"}


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
    """Take in a case; staff intake accepts it at once unless `submitted` (registered only: the unit accepts
    it or refuses it), a citizen's own submission awaits acceptance.

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
    if village is None and unit.kind in PLACE_KINDS:
        village = unit  # a village cadre's intake is about their own village unless they name another
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
    clock = sla.intake_limit(kind, not submitted, (limit_value, limit_unit))
    case.due_base_at = sla.add_limit(now, *clock, current_calendar())
    case.due_base_set_at = now
    case.due_at = case.due_base_at
    enter_level(case, now)
    return save_new_case(case, {"channel": channel, "kind": kind})


def save_new_case(case: Case, data: dict[str, Any], rows: list[Model] | None = None) -> tuple[Case, bool]:
    """Number and insert a new case with its first event and the rows that belong to it, in one
    transaction. Returns (case, created): a concurrent request with the same Idempotency-Key that won the
    race answers with its case."""
    actor, key = case.created_by, case.idempotency_key
    try:
        with transaction.atomic():
            day = sla.local_date(case.received_at)
            case.number = f"{day:%Y%m%d}-{store.next_number_of(day):05d}"
            event = next_event(case, Action.CREATE, actor, "", None, case.received_at, data=data)
            store.insert_case(case, event, rows or [])
    except IntegrityError:
        existing = Case.objects.filter(created_by=actor, idempotency_key=key).first() if key and actor else None
        if existing is None:
            raise
        return existing, False
    return case, True
