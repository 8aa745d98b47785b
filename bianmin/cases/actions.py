"""What each action of the workflow does to a locked case, beyond the status the table sets.

Each effect validates its own fields, changes the case (not saved) and returns the event's note and data.
Called only by `services.perform`, inside its transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bianmin.cases import sla
from bianmin.cases.choices import OPEN_STATUSES, SATISFIED_MIN, CaseStatus, Rating, RatingAppeal
from bianmin.cases.errors import CaseError
from bianmin.cases.models import Case, CaseEvent, CaseExtension, CasePause, Classification
from bianmin.errors import Conflict, InvalidInput
from bianmin.org.choices import PLACE_KINDS, UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.workdays.services import current_calendar

Effect = Callable[..., tuple[str, dict[str, Any]]]
MAX_TEXT = 5000


def _text(value: Any, field: str, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if not text:
        raise InvalidInput({field: _("This field is required.")})
    if len(text) > limit:
        raise InvalidInput({field: _("Ensure this value has at most %(n)s characters.") % {"n": limit}})
    return text


def _complete(case: Case, now: datetime) -> None:
    case.completed_at = now
    case.completed_on_time = case.due_at is None or now <= case.due_at


def accept(case: Case, *, actor: User, now: datetime, **_f: Any) -> tuple[str, dict[str, Any]]:
    case.accepted_at = now
    return "", {}


def refuse(
    case: Case, *, actor: User, now: datetime, reason: Any, proper_channel: Any, **_f: Any
) -> tuple[str, dict[str, Any]]:
    channel = _text(proper_channel, "proper_channel", 200)
    return _text(reason, "reason"), {"proper_channel": channel}


def answer(case: Case, *, actor: User, now: datetime, reply: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    case.reply = _text(reply, "reply")
    case.replied_at = now
    case.accepted_at = case.accepted_at or now
    _complete(case, now)
    return case.reply, {"on_time": case.completed_on_time}


def assign(case: Case, *, actor: User, now: datetime, handler: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(handler, User):
        person: User | None = handler
    elif actor is not None and str(handler) == actor.username:
        person = actor  # assigning oneself: the actor's grants are already read
    else:
        person = User.objects.filter(username=str(handler), is_active=True).first()
    serves_here = person is not None and person.is_active and in_scope(person, Permission.CASE_HANDLE, case.unit.path)
    if not serves_here:
        raise InvalidInput({"handler": _("Choose a person who handles cases in this unit.")})
    assert person is not None  # noqa: S101 (checked just above)
    case.handler = person
    return "", {"handler": person.username}


def _unit_arg(value: Any, field: str) -> Unit:
    unit = value if isinstance(value, Unit) else Unit.objects.filter(code=str(value), is_active=True).first()
    if unit is None:
        raise InvalidInput({field: _("No active unit with code %(code)s.") % {"code": value}})
    return unit


def transfer(
    case: Case, *, actor: User, now: datetime, to_unit: Any, assist_units: Any = (), note: Any = "", **_f: Any
) -> tuple[str, dict[str, Any]]:
    target = _unit_arg(to_unit, "to_unit")
    if target.pk == case.unit_id:
        raise InvalidInput({"to_unit": _("The case is already with this unit.")})
    assisting = [_unit_arg(u, "assist_units") for u in (assist_units or [])]
    case.unit, case.handler = target, None
    case.assist_units.set(assisting)
    case.transfer_count += 1
    return str(note or "").strip(), {"to_unit": target.code, "assist_units": [u.code for u in assisting]}


def next_level_unit(case: Case) -> Unit | None:
    """Village → the resident work team stationed there (else the township) → township → its parent."""
    unit = case.unit
    if unit.kind in PLACE_KINDS:
        team = unit.covered_by.filter(kind=UnitKind.WORK_TEAM, is_active=True).order_by("pk").first()
        return team or unit.parent
    return unit.parent


def escalate(case: Case, *, actor: User, now: datetime, note: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    target = next_level_unit(case)
    if target is None:
        raise Conflict(CaseError.ILLEGAL_TRANSITION, _("There is no level above this unit; transfer the case instead."))
    case.unit, case.handler = target, None
    return _text(note, "note"), {"to_unit": target.code}


def send_back(case: Case, *, actor: User, now: datetime, reason: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    """退单: back to the unit that sent the case here by a transfer or escalation."""
    sent = (
        CaseEvent.objects.filter(case=case, action__in=("transfer", "escalate"), to_unit_id=case.unit_id)
        .order_by("-seq")
        .select_related("from_unit")
        .first()
    )
    if sent is None or sent.from_unit is None:
        raise Conflict(CaseError.NOTHING_TO_RETURN, _("This case was not sent here by another unit."))
    case.unit, case.handler = sent.from_unit, None
    return _text(reason, "reason"), {"to_unit": sent.from_unit.code}


def supervise(
    case: Case, *, actor: User, now: datetime, due_at: Any, note: Any, **_f: Any
) -> tuple[str, dict[str, Any]]:
    if not isinstance(due_at, datetime) or not now < due_at <= now + timedelta(days=366):
        raise InvalidInput({"due_at": _("Set a new deadline in the future, within a year.")})
    case.due_base_at, case.due_base_set_at = due_at, now
    case.supervise_count += 1
    return _text(note, "note"), {"due_at": due_at.isoformat()}


def extend(
    case: Case, *, actor: User, now: datetime, amount: Any, reason: Any, **_f: Any
) -> tuple[str, dict[str, Any]]:
    if not isinstance(amount, int) or not 1 <= amount <= max(case.limit_value, 30):
        raise InvalidInput({"amount": _("Extend by a whole number between 1 and the original limit.")})
    text = _text(reason, "reason")
    CaseExtension.objects.create(case=case, amount=amount, reason=text, approved_by=actor, at=now)
    return text, {"amount": amount, "unit": case.limit_unit}


def pause(case: Case, *, actor: User, now: datetime, reason: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    text = _text(reason, "reason", 500)
    CasePause.objects.create(case=case, started_at=now, reason=text)
    case.paused_at = now
    return text, {}


def resume(case: Case, *, actor: User, now: datetime, **_f: Any) -> tuple[str, dict[str, Any]]:
    case.pauses.filter(ended_at__isnull=True).update(ended_at=now)
    paused_since = case.paused_at
    case.paused_at = None
    return "", {"paused_since": paused_since.isoformat() if paused_since else None}


def classify(case: Case, *, actor: User, now: datetime, classification: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    found = Classification.objects.filter(code=str(classification), is_active=True).first()
    if found is None:
        raise InvalidInput({"classification": _("Select a valid choice.")})
    case.classification = found
    return "", {"classification": found.code}


def reply(case: Case, *, actor: User, now: datetime, reply: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    case.reply = _text(reply, "reply")
    case.replied_at = now
    return case.reply, {}


def complete(case: Case, *, actor: User, now: datetime, note: Any = "", **_f: Any) -> tuple[str, dict[str, Any]]:
    _complete(case, now)
    return str(note or "").strip(), {"on_time": case.completed_on_time}


def rate(
    case: Case, *, actor: User, now: datetime, rating: Any, comment: Any = "", **_f: Any
) -> tuple[str, dict[str, Any]]:
    if rating not in Rating.values:
        raise InvalidInput({"rating": _("Choose one of the five levels.")})
    case.rating, case.rated_at = int(rating), now
    case.rating_comment = str(comment or "").strip()[:500]
    return case.rating_comment, {"rating": case.rating}


def reopen(case: Case, *, actor: User, now: datetime, reason: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    if case.completed_at is None or now - case.completed_at > timedelta(days=settings.REOPEN_DAYS):
        message = _("A case can be reopened only within %(days)s days of completion.") % {"days": settings.REOPEN_DAYS}
        raise Conflict(CaseError.REOPEN_WINDOW_CLOSED, message)
    if case.rating is not None and case.rating >= SATISFIED_MIN:
        raise Conflict(CaseError.ILLEGAL_TRANSITION, _("Only a case rated unsatisfactory can be reopened."))
    previous = {"rating": case.rating, "completed_at": case.completed_at.isoformat()}
    case.completed_at = case.completed_on_time = case.rating = case.rated_at = None
    case.rating_comment, case.rating_appeal, case.rating_appeal_decided_at = "", RatingAppeal.NONE, None
    case.reopen_count += 1
    case.due_base_at = sla.add_limit(now, case.limit_value, case.limit_unit, current_calendar())
    case.due_base_set_at = now
    return _text(reason, "reason"), previous


def appeal_rating(case: Case, *, actor: User, now: datetime, reason: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    case.rating_appeal = RatingAppeal.PENDING
    return _text(reason, "reason"), {"rating": case.rating}


def review_appeal(
    case: Case, *, actor: User, now: datetime, decision: Any, note: Any, **_f: Any
) -> tuple[str, dict[str, Any]]:
    if decision not in (RatingAppeal.UPHELD, RatingAppeal.REJECTED):
        raise InvalidInput({"decision": _("Select a valid choice.")})
    case.rating_appeal, case.rating_appeal_decided_at = decision, now
    return _text(note, "note"), {"decision": decision, "rating": case.rating}


def merge(case: Case, *, actor: User, now: datetime, master: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    target = master if isinstance(master, Case) else Case.objects.filter(number=str(master)).first()
    visible = target is not None and Case.objects.restrict(actor, Permission.CASE_VIEW).filter(pk=target.pk).exists()
    if not visible or target is None or target.pk == case.pk or target.status not in OPEN_STATUSES:
        raise InvalidInput({"master": _("Choose another open case in your scope to merge into.")})
    if target.master_id is not None or target.status == CaseStatus.MERGED:
        raise InvalidInput({"master": _("That case was itself merged; merge into its master.")})
    case.master = target
    return "", {"master": target.number}


def withdraw(case: Case, *, actor: User, now: datetime, reason: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    case.pauses.filter(ended_at__isnull=True).update(ended_at=now)
    case.paused_at = None
    return _text(reason, "reason"), {}


EFFECTS: dict[str, Effect] = {
    "accept": accept,
    "refuse": refuse,
    "answer": answer,
    "assign": assign,
    "transfer": transfer,
    "escalate": escalate,
    "return": send_back,
    "supervise": supervise,
    "extend": extend,
    "pause": pause,
    "resume": resume,
    "classify": classify,
    "reply": reply,
    "complete": complete,
    "rate": rate,
    "reopen": reopen,
    "appeal_rating": appeal_rating,
    "review_appeal": review_appeal,
    "merge": merge,
    "withdraw": withdraw,
}
