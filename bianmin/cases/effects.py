"""What each action of the grievance workflow does, beyond the status its transition row sets.

An effect is pure: it reads the case as it stands and what it needs through `Context.find`, validates its
own fields, and returns the `Change` — the case's new field values, the rows to add, the event's note and
data. It writes nothing: `services.perform` applies the change, and `store.write_action` writes it with the
event and the outbox rows, guarded by the case's version. The bulk demo replays the same effects in memory
with a `Finder` of its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from bianmin.cases import sla
from bianmin.cases.choices import OPEN_STATUSES, CaseKind, CaseStatus, LimitUnit, Rating, RatingAppeal
from bianmin.cases.errors import CaseError
from bianmin.cases.models import Case, CaseEvent, CaseExtension, CasePause, Classification
from bianmin.cases.routing import transfer_targets
from bianmin.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.org.choices import PLACE_KINDS, UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from bianmin.cases.models import Application

MAX_TEXT = 5000


@dataclass
class Change:
    """What an action changes: the values of the case's (and an application's) fields, rows to add, links
    to replace, and the event's note and data."""

    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    case: dict[str, Any] = field(default_factory=dict)
    application: dict[str, Any] = field(default_factory=dict)
    add: list[Model] = field(default_factory=list)  # new rows of the case (pauses, extensions); `case` set on write
    end_pause: bool = False  # the open pause ends now
    assist_units: list[Unit] | None = None  # replaces the assisting units


class Finder:
    """The reads an effect needs beyond the case itself, from the database. The bulk demo answers them
    from memory (`bianmin.demo.bulk_replay`)."""

    def person(self, username: str) -> User | None:
        return User.objects.filter(username=username, is_active=True).first()

    def handles_in(self, person: User, unit: Unit) -> bool:
        return person.is_active and in_scope(person, Permission.CASE_HANDLE, unit.path)

    def unit(self, code: str) -> Unit | None:
        return Unit.objects.filter(code=code, is_active=True).first()

    def may_transfer_to(self, actor: User | None, case: Case, unit: Unit) -> bool:
        """Whether `actor` may send the case to `unit` (`bianmin.cases.routing`)."""
        return transfer_targets(actor, [case.unit]).filter(pk=unit.pk).exists()

    def next_level(self, unit: Unit) -> Unit | None:
        """Village → the resident work team stationed there (else the township) → township → its parent."""
        if unit.kind in PLACE_KINDS:
            team = unit.covered_by.filter(kind=UnitKind.WORK_TEAM, is_active=True).order_by("pk").first()
            return team or unit.parent
        return unit.parent

    def acceptor(self, case: Case) -> int | None:
        """Who accepted the case (the latest acceptance's actor), by id."""
        return (
            CaseEvent.objects.filter(case=case, action="accept")
            .order_by("-seq")
            .values_list("actor_id", flat=True)
            .first()
        )

    def sender(self, case: Case) -> Unit | None:
        """The unit that sent the case to its handling unit (`Case.sent_by`)."""
        return Unit.objects.filter(pk=case.sent_by_id).first() if case.sent_by_id is not None else None

    def sent_to(self, case: Case, unit: Unit) -> Unit | None:
        """The unit that last sent the case to `unit` by a transfer or an escalation: its sender once the case
        is returned there."""
        sent = (
            CaseEvent.objects.filter(case=case, action__in=("transfer", "escalate"), to_unit_id=unit.pk)
            .order_by("-seq")
            .select_related("from_unit")
            .first()
        )
        return sent.from_unit if sent is not None else None

    def classification(self, code: str) -> Classification | None:
        return Classification.objects.filter(code=code, is_active=True).first()

    def visible_case(self, number: str, actor: User | None) -> Case | None:
        found = Case.objects.filter(number=number).first()
        if found is None or actor is None:
            return None
        return found if Case.objects.restrict(actor, Permission.CASE_VIEW).filter(pk=found.pk).exists() else None

    def calendar(self) -> WorkCalendar:
        from bianmin.workdays.services import current_calendar

        return current_calendar()


@dataclass
class Context:
    """Who takes the action, when, with which fields, and where an effect reads what it needs."""

    actor: User | None
    now: datetime
    fields: dict[str, Any]
    find: Finder
    application: Application | None = None  # the case's application, for the application workflow

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    def text(self, name: str, limit: int = MAX_TEXT) -> str:
        """A required text field, stripped; a clear error when empty or too long."""
        value = str(self.fields.get(name) or "").strip()
        if not value:
            raise InvalidInput({name: _("This field is required.")})
        if len(value) > limit:
            raise InvalidInput({name: _("Ensure this value has at most %(n)s characters.") % {"n": limit}})
        return value

    def optional_text(self, name: str, limit: int = MAX_TEXT) -> str:
        return str(self.fields.get(name) or "").strip()[:limit]


Effect = Callable[[Case, Context], Change]


def completed(case: Case, now: datetime) -> dict[str, Any]:
    """The case's fields on completion: on time when completed by its deadline."""
    return {"completed_at": now, "completed_on_time": case.due_at is None or now <= case.due_at}


def nothing(case: Case, ctx: Context) -> Change:
    return Change(note=ctx.optional_text("note"))


def accept(case: Case, ctx: Context) -> Change:
    values: dict[str, Any] = {"accepted_at": ctx.now}
    if case.kind == CaseKind.PETITION:  # registered with 15 days to accept; the 60 days run from acceptance
        due = sla.add_limit(ctx.now, case.limit_value, case.limit_unit, ctx.find.calendar())
        values |= {"due_base_at": due, "due_base_set_at": ctx.now, "due_at": due}
    return Change(case=values)


def refuse(case: Case, ctx: Context) -> Change:
    channel = ctx.text("proper_channel", 200)
    return Change(note=ctx.text("reason"), data={"proper_channel": channel})


def answer(case: Case, ctx: Context) -> Change:
    reply = ctx.text("reply")
    done = completed(case, ctx.now)
    values = {"reply": reply, "replied_at": ctx.now, "accepted_at": case.accepted_at or ctx.now, **done}
    return Change(note=reply, data={"on_time": done["completed_on_time"]}, case=values)


def assign(case: Case, ctx: Context) -> Change:
    handler = ctx.get("handler")
    if isinstance(handler, User):
        person: User | None = handler
    elif ctx.actor is not None and str(handler) == ctx.actor.username:
        person = ctx.actor  # assigning oneself: the actor's grants are already read
    else:
        person = ctx.find.person(str(handler))
    if person is None or not ctx.find.handles_in(person, case.unit):
        raise InvalidInput({"handler": _("Choose a person who handles cases in this unit.")})
    return Change(data={"handler": person.username}, case={"handler": person})


def _unit(ctx: Context, value: Any, name: str) -> Unit:
    unit = value if isinstance(value, Unit) else ctx.find.unit(str(value))
    if unit is None:
        raise InvalidInput({name: _("No active unit with code %(code)s.") % {"code": value}})
    return unit


TRANSFER_RULE = _(
    "A case goes to a department, service center or township of its county, or to a village or work team of "
    "its own township or of your units."
)


def transfer(case: Case, ctx: Context) -> Change:
    target = _unit(ctx, ctx.get("to_unit"), "to_unit")
    if target.pk == case.unit_id:
        raise InvalidInput({"to_unit": _("The case is already with this unit.")})
    if not ctx.find.may_transfer_to(ctx.actor, case, target):
        raise InvalidInput({"to_unit": TRANSFER_RULE})
    assisting = [_unit(ctx, u, "assist_units") for u in (ctx.get("assist_units") or [])]
    if any(not ctx.find.may_transfer_to(ctx.actor, case, unit) for unit in assisting):
        raise InvalidInput({"assist_units": TRANSFER_RULE})
    return Change(
        note=ctx.optional_text("note"),
        data={"to_unit": target.code, "assist_units": [u.code for u in assisting]},
        case={"unit": target, "handler": None, "transfer_count": case.transfer_count + 1, "sent_by": case.unit},
        assist_units=assisting,
    )


def escalate(case: Case, ctx: Context) -> Change:
    note = ctx.text("note")
    target = ctx.find.next_level(case.unit)
    if target is None:
        raise Conflict(CaseError.ILLEGAL_TRANSITION, _("There is no level above this unit; transfer the case instead."))
    return Change(
        note=note, data={"to_unit": target.code}, case={"unit": target, "handler": None, "sent_by": case.unit}
    )


def send_back(case: Case, ctx: Context) -> Change:
    """退单: back to the unit that sent the case here by a transfer or escalation."""
    reason = ctx.text("reason")
    sender = ctx.find.sender(case)
    if sender is None:
        raise Conflict(CaseError.NOTHING_TO_RETURN, _("This case was not sent here by another unit."))
    values = {"unit": sender, "handler": None, "sent_by": ctx.find.sent_to(case, sender)}
    return Change(note=reason, data={"to_unit": sender.code}, case=values)


def supervise(case: Case, ctx: Context) -> Change:
    due_at, now = ctx.get("due_at"), ctx.now
    if not isinstance(due_at, datetime) or not now < due_at <= now + timedelta(days=366):
        raise InvalidInput({"due_at": _("Set a new deadline in the future, within a year.")})
    values = {"due_base_at": due_at, "due_base_set_at": now, "supervise_count": case.supervise_count + 1}
    return Change(note=ctx.text("note"), data={"due_at": due_at.astimezone(sla.SHANGHAI).isoformat()}, case=values)


def extension(ctx: Context, amount: int, unit: str) -> Change:
    reason = ctx.text("reason")
    assert ctx.actor is not None  # noqa: S101 (extending needs the approve permission: a person)
    row = CaseExtension(amount=amount, reason=reason, approved_by=ctx.actor, at=ctx.now)
    # An extension answers a handler's request, if one is waiting.
    return Change(note=reason, data={"amount": amount, "unit": unit}, add=[row], case={"extension_requested": None})


def _extension_amount(case: Case, amount: Any) -> int:
    """The extension asked for, within what a grievance may be extended by (a clear error otherwise)."""
    if case.kind == CaseKind.PETITION:  # 信访: at most 30 more days (信访工作条例 第35条)
        most = settings.PETITION_EXTENSION_DAYS
        if not isinstance(amount, int) or not 1 <= amount <= most:
            raise InvalidInput({"amount": _("A petition is extended by 1 to %(n)s days.") % {"n": most}})
    elif not isinstance(amount, int) or not 1 <= amount <= max(case.limit_value, 30):
        most = max(case.limit_value, 30)
        unit = LimitUnit(case.limit_unit).label if case.limit_unit in LimitUnit.values else ""
        raise InvalidInput({"amount": _("Extend by 1 to %(n)s %(unit)s.") % {"n": most, "unit": unit}})
    return amount


def extend(case: Case, ctx: Context) -> Change:
    return extension(ctx, _extension_amount(case, ctx.get("amount")), case.limit_unit)


def request_extension(case: Case, ctx: Context) -> Change:
    """申请延期: the handling unit asks; one who may approve extends (`extend`) or declines."""
    amount = _extension_amount(case, ctx.get("amount"))
    reason = ctx.text("reason", 500)
    return Change(note=reason, data={"amount": amount, "unit": case.limit_unit}, case={"extension_requested": amount})


def decline_extension(case: Case, ctx: Context) -> Change:
    reason = ctx.text("reason", 500)
    return Change(note=reason, data={"amount": case.extension_requested}, case={"extension_requested": None})


def pause(case: Case, ctx: Context) -> Change:
    reason = ctx.text("reason", 500)
    return Change(note=reason, add=[CasePause(started_at=ctx.now, reason=reason)], case={"paused_at": ctx.now})


def resume(case: Case, ctx: Context) -> Change:
    since = case.paused_at
    return Change(data={"paused_since": since.isoformat() if since else None}, end_pause=True, case={"paused_at": None})


def classify(case: Case, ctx: Context) -> Change:
    found = ctx.find.classification(str(ctx.get("classification")))
    if found is None:
        raise InvalidInput({"classification": _("Select a valid choice.")})
    return Change(data={"classification": found.code}, case={"classification": found})


def consult(case: Case, ctx: Context) -> Change:
    """会商: the units consulted and what they agreed (the note); the case stays with its unit."""
    note = ctx.text("note")
    units = [_unit(ctx, u, "assist_units") for u in (ctx.get("assist_units") or [])]
    if not units or any(u.pk == case.unit_id for u in units):
        raise InvalidInput({"assist_units": _("Name the other units consulted.")})
    return Change(note=note, data={"units": [u.code for u in units]})


def reply(case: Case, ctx: Context) -> Change:
    text = ctx.text("reply")
    return Change(note=text, case={"reply": text, "replied_at": ctx.now})


def complete(case: Case, ctx: Context) -> Change:
    done = completed(case, ctx.now)
    return Change(note=ctx.optional_text("note"), data={"on_time": done["completed_on_time"]}, case=done)


def rate(case: Case, ctx: Context) -> Change:
    rating = ctx.get("rating")
    if rating not in Rating.values:
        raise InvalidInput({"rating": _("Choose one of the five levels.")})
    comment = ctx.optional_text("comment", 500)
    values: dict[str, Any] = {"rating": int(rating), "rated_at": ctx.now, "rating_comment": comment}
    if int(rating) < settings.SATISFIED_MIN_RATING:  # 差评: a rectification and a callback are owed
        due = sla.add_limit(ctx.now, settings.RECTIFICATION_DAYS, LimitUnit.WORKING_DAYS, ctx.find.calendar())
        values |= {"rectify_due_at": due, "rectified_at": None, "called_back_at": None}
    return Change(note=comment, data={"rating": int(rating)}, case=values)


def rectify(case: Case, ctx: Context) -> Change:
    """整改: what the unit did about the bad rating; on time when by the rectification's deadline."""
    on_time = case.rectify_due_at is None or ctx.now <= case.rectify_due_at
    return Change(note=ctx.text("note"), data={"on_time": on_time}, case={"rectified_at": ctx.now})


def claim(case: Case, ctx: Context) -> Change:
    """认领: the matter joins the signed-in account that proved the mobile number it was filed with."""
    if ctx.actor is None or not ctx.actor.phone or ctx.actor.phone != case.citizen_phone:
        raise PermissionDenied(_("This matter was filed with another phone number."))
    return Change(case={"citizen": ctx.actor})


def call_back(case: Case, ctx: Context) -> Change:
    """回访: the citizen called back after a bad rating; the note records what they said."""
    return Change(note=ctx.text("note"), case={"called_back_at": ctx.now})


def within_reopen_window(case: Case, now: datetime) -> bool:
    """Completed no more than REOPEN_DAYS ago: 重办 may still be asked for (DESIGN §4.4)."""
    return case.completed_at is not None and now - case.completed_at <= timedelta(days=settings.REOPEN_DAYS)


def reopen(case: Case, ctx: Context) -> Change:
    now = ctx.now
    if case.completed_at is None or not within_reopen_window(case, now):
        message = _("A case can be reopened only within %(days)s days of completion.") % {"days": settings.REOPEN_DAYS}
        raise Conflict(CaseError.REOPEN_WINDOW_CLOSED, message)
    if case.rating is not None and case.rating >= settings.SATISFIED_MIN_RATING:
        raise Conflict(CaseError.ILLEGAL_TRANSITION, _("Only a case rated unsatisfactory can be reopened."))
    reason = ctx.text("reason")
    previous = {"rating": case.rating, "completed_at": case.completed_at.isoformat()}
    values = {
        "completed_at": None,
        "completed_on_time": None,
        "rating": None,
        "rated_at": None,
        "rating_comment": "",
        "rating_appeal": RatingAppeal.NONE,
        "rating_appeal_decided_at": None,
        "rectify_due_at": None,  # 重办 is the rectification: the case is handled again
        "reopen_count": case.reopen_count + 1,
        "due_base_at": sla.add_limit(now, case.limit_value, case.limit_unit, ctx.find.calendar()),
        "due_base_set_at": now,
    }
    return Change(note=reason, data=previous, case=values)


def appeal_rating(case: Case, ctx: Context) -> Change:
    return Change(note=ctx.text("reason"), data={"rating": case.rating}, case={"rating_appeal": RatingAppeal.PENDING})


def review_appeal(case: Case, ctx: Context) -> Change:
    decision = ctx.get("decision")
    if decision not in (RatingAppeal.UPHELD, RatingAppeal.REJECTED):
        raise InvalidInput({"decision": _("Select a valid choice.")})
    values: dict[str, Any] = {"rating_appeal": decision, "rating_appeal_decided_at": ctx.now}
    if decision == RatingAppeal.UPHELD:  # a malicious rating: nothing to rectify, no one to call back
        values["rectify_due_at"] = None
    return Change(note=ctx.text("note"), data={"decision": decision, "rating": case.rating}, case=values)


def merge(case: Case, ctx: Context) -> Change:
    master = ctx.get("master")
    target = master if isinstance(master, Case) else ctx.find.visible_case(str(master or ""), ctx.actor)
    if target is None or target.pk == case.pk or target.status not in OPEN_STATUSES:
        raise InvalidInput({"master": _("Choose another open case in your scope to merge into.")})
    if target.master_id is not None or target.status == CaseStatus.MERGED:
        raise InvalidInput({"master": _("That case was itself merged; merge into its master.")})
    return Change(data={"master": target.number}, case={"master": target})


def withdraw(case: Case, ctx: Context) -> Change:
    return Change(note=ctx.text("reason"), end_pause=True, case={"paused_at": None})


def attach(case: Case, ctx: Context) -> Change:
    """A file brought with the case (`attachments.add_attachment` has checked and stored it)."""
    row = ctx.get("file")
    return Change(data={"name": row.name, "size": row.size, "sha256": row.sha256}, add=[row])
