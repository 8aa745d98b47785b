"""What each action of the application workflow (办件, DESIGN §4.2) does to a locked case and its
`Application`, beyond the status the table sets. Actions that work as in the grievance workflow (review =
assign, pause and resume, supervise, rating, withdrawal) reuse its effects.

Each effect validates its own fields, changes the case and its application (the application is saved
here, the case by `services.perform`) and returns the event's note and data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bianmin.cases import actions, notices, sla
from bianmin.cases.actions import Effect, _text
from bianmin.cases.choices import Decision, DeliveryMethod, LimitUnit, SpecialProcedure
from bianmin.cases.errors import CaseError
from bianmin.cases.models import Application, Case, CaseExtension, CasePause
from bianmin.errors import Conflict, InvalidInput
from bianmin.org.models import User
from bianmin.workdays.services import current_calendar

# An extension of an application counts in working days, whatever the unit of its limits (第42条).
EXTENSION_UNIT = LimitUnit.WORKING_DAYS


def _late_for_notice(application: Application, now: datetime) -> bool:
    """Past the one-time notice's deadline without a notice: by law accepted on receipt (第32条)."""
    return application.notice_sent_at is None and now > application.notice_due_at


def _too_late() -> Conflict:
    message = _(
        "More than %(days)s working days have passed since receipt without a one-time notice: by law the "
        "application counts as accepted on receipt. Accept it."
    ) % {"days": settings.APPLICATION_NOTICE_DAYS}
    return Conflict(CaseError.NOTICE_TOO_LATE, message)


def _positions(value: Any) -> list[int]:
    if not isinstance(value, list | tuple) or not all(isinstance(n, int) for n in value):
        raise InvalidInput({"missing": _("List the numbers of the missing materials.")})
    return sorted(set(value))


def request_supplement(
    case: Case, *, actor: User, now: datetime, missing: Any, note: Any = "", **_f: Any
) -> tuple[str, dict[str, Any]]:
    """一次性告知: every missing material at once, from the item version's list; the clock stops."""
    application = case.application
    if _late_for_notice(application, now):
        raise _too_late()
    materials = {m.position: m for m in application.item_version.materials.all()}
    positions = _positions(missing)
    unknown = [n for n in positions if n not in materials]
    other = str(note or "").strip()[: actions.MAX_TEXT]
    if unknown:
        raise InvalidInput({"missing": _("The item has no material numbered %(n)s.") % {"n": unknown[0]}})
    if not positions and not other:
        raise InvalidInput({"missing": _("Name at least one missing material.")})
    application.missing = [
        {"position": n, "name": materials[n].name, "form": materials[n].form, "copies": materials[n].copies}
        for n in positions
    ]
    application.notice_sent_at = now
    application.save()
    CasePause.objects.create(case=case, started_at=now, reason=str(_("Waiting for the supplementary materials")))
    case.paused_at = now
    notice = notices.issue(case, notices.SUPPLEMENT, actor=actor, now=now, other=other)
    return other, {"missing": [m["name"] for m in application.missing], "notice": notice.sha256}


def supplement(
    case: Case, *, actor: User, now: datetime, in_person: Any = False, **_f: Any
) -> tuple[str, dict[str, Any]]:
    """The supplement arrived: the clock runs again, with the check's own days from now."""
    actions.resume(case, actor=actor, now=now)
    application = case.application
    application.supplemented_at = now
    if in_person:
        application.trips += 1
    application.save()
    case.due_base_at = sla.add_limit(now, settings.APPLICATION_NOTICE_DAYS, LimitUnit.WORKING_DAYS, current_calendar())
    case.due_base_set_at = now
    return "", {"in_person": bool(in_person)}


def accept(case: Case, *, actor: User, now: datetime, **_f: Any) -> tuple[str, dict[str, Any]]:
    """受理. The decision's limits run from acceptance; late for the notice, acceptance dates from receipt."""
    application = case.application
    deemed = _late_for_notice(application, now)
    accepted = case.received_at if deemed else now
    calendar = current_calendar()
    case.accepted_at = accepted
    case.due_base_at = case.due_at = sla.add_limit(accepted, case.limit_value, case.limit_unit, calendar)
    case.due_base_set_at = accepted
    application.deemed_accepted = deemed
    application.legal_due_base_at = application.legal_due_at = sla.add_limit(
        accepted, application.legal_limit_value, application.legal_limit_unit, calendar
    )
    application.save()
    notice = notices.issue(case, notices.ACCEPTANCE, actor=actor, now=now)
    return "", {"deemed": deemed, "notice": notice.sha256}


def refuse(
    case: Case, *, actor: User, now: datetime, reason: Any, proper_channel: Any, **_f: Any
) -> tuple[str, dict[str, Any]]:
    """不予受理, with the reason and the agency to apply to; no longer possible once accepted by law."""
    if _late_for_notice(case.application, now):
        raise _too_late()
    note, data = actions.refuse(case, actor=actor, now=now, reason=reason, proper_channel=proper_channel)
    case.pauses.filter(ended_at__isnull=True).update(ended_at=now)  # a supplement that never came
    case.paused_at = None
    notice = notices.issue(
        case, notices.REFUSAL, actor=actor, now=now, reason=note, proper_channel=data["proper_channel"]
    )
    return note, {**data, "notice": notice.sha256}


def forward(case: Case, *, actor: User, now: datetime, note: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    """报送审批: the accepting township sends its findings to the implementing unit, which decides."""
    target = case.application.item_version.unit
    case.unit, case.handler = target, None
    return _text(note, "note"), {"to_unit": target.code}


def special_procedure(
    case: Case, *, actor: User, now: datetime, procedure: Any, reason: Any, **_f: Any
) -> tuple[str, dict[str, Any]]:
    """听证, 检验检测, 专家评审: time not counted in the limit (第45条)."""
    if procedure not in SpecialProcedure.values:
        raise InvalidInput({"procedure": _("Select a valid choice.")})
    note, _data = actions.pause(case, actor=actor, now=now, reason=reason)
    return note, {"procedure": procedure}


def extend(
    case: Case, *, actor: User, now: datetime, amount: Any, reason: Any, **_f: Any
) -> tuple[str, dict[str, Any]]:
    """延期 once, by at most APPLICATION_EXTENSION_DAYS, approved by the one who takes it (第42条)."""
    limit = settings.APPLICATION_EXTENSION_DAYS
    if not isinstance(amount, int) or not 1 <= amount <= limit:
        raise InvalidInput({"amount": _("Extend by a whole number of days from 1 to %(n)s.") % {"n": limit}})
    text = _text(reason, "reason")
    CaseExtension.objects.create(case=case, amount=amount, reason=text, approved_by=actor, at=now)
    return text, {"amount": amount, "unit": EXTENSION_UNIT}


def _decide(case: Case, decision: Decision, now: datetime, text: str) -> dict[str, Any]:
    application = case.application
    case.completed_at = case.replied_at = now
    case.completed_on_time = case.due_at is None or now <= case.due_at
    case.reply = text
    application.decision, application.decided_at = decision, now
    application.within_legal_limit = application.legal_due_at is None or now <= application.legal_due_at
    application.delivery_due_at = sla.add_limit(
        now, settings.APPLICATION_DELIVERY_DAYS, LimitUnit.WORKING_DAYS, current_calendar()
    )
    application.save()
    return {
        "decision": decision,
        "on_time": case.completed_on_time,
        "within_legal_limit": application.within_legal_limit,
    }


def approve(case: Case, *, actor: User, now: datetime, note: Any = "", **_f: Any) -> tuple[str, dict[str, Any]]:
    text = str(note or "").strip()[: actions.MAX_TEXT]
    data = _decide(case, Decision.APPROVED, now, text or str(_("Approved.")))
    notice = notices.issue(case, notices.DECISION, actor=actor, now=now, note=text)
    return text, {**data, "notice": notice.sha256}


def deny(case: Case, *, actor: User, now: datetime, reason: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    text = _text(reason, "reason")
    data = _decide(case, Decision.DENIED, now, text)
    notice = notices.issue(case, notices.DECISION, actor=actor, now=now, note=text)
    return text, {**data, "notice": notice.sha256}


def deliver(case: Case, *, actor: User, now: datetime, delivery_method: Any, **_f: Any) -> tuple[str, dict[str, Any]]:
    """送达; collecting the result at a window is one more trip for the applicant."""
    if delivery_method not in DeliveryMethod.values:
        raise InvalidInput({"delivery_method": _("Select a valid choice.")})
    application = case.application
    application.delivered_at, application.delivery_method = now, delivery_method
    if delivery_method == DeliveryMethod.WINDOW:
        application.trips += 1
    application.save()
    due = application.delivery_due_at
    return "", {"delivery_method": delivery_method, "on_time": due is None or now <= due}


EFFECTS: dict[str, Effect] = {
    "request_supplement": request_supplement,
    "supplement": supplement,
    "accept": accept,
    "refuse": refuse,
    "review": actions.assign,
    "forward": forward,
    "special_procedure": special_procedure,
    "resume": actions.resume,
    "extend": extend,
    "supervise": actions.supervise,
    "approve": approve,
    "deny": deny,
    "deliver": deliver,
    "rate": actions.rate,
    "appeal_rating": actions.appeal_rating,
    "review_appeal": actions.review_appeal,
    "withdraw": actions.withdraw,
}
