"""What each action of the application workflow (办件, DESIGN §4.2) does to a case and its `Application`,
beyond the status its transition row sets. Pure, as the grievance effects (`bianmin.cases.effects`): each
returns the `Change`, with the application's new values in `Change.application`. The notices are issued by
the door from the row (`Transition.notice`), with the change's note and data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bianmin.cases import effects, sla
from bianmin.cases.choices import Decision, DeliveryMethod, LimitUnit, SpecialProcedure
from bianmin.cases.effects import Change, Context
from bianmin.cases.errors import CaseError
from bianmin.cases.models import Application, Case, CasePause
from bianmin.errors import Conflict, InvalidInput, PermissionDenied

# An extension of an application counts in working days, whatever the unit of its limits (第42条).
EXTENSION_UNIT = LimitUnit.WORKING_DAYS


def application(ctx: Context) -> Application:
    assert ctx.application is not None  # noqa: S101 (the door reads it for the application workflow)
    return ctx.application


def late_for_notice(found: Application, now: Any) -> bool:
    """Past the one-time notice's deadline without a notice: by law accepted on receipt (第32条)."""
    return found.notice_sent_at is None and now > found.notice_due_at


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


def request_supplement(case: Case, ctx: Context) -> Change:
    """一次性告知: every missing material at once, from the item version's list; the clock stops."""
    found = application(ctx)
    if late_for_notice(found, ctx.now):
        raise _too_late()
    materials = {m.position: m for m in found.item_version.materials.all()}
    positions = _positions(ctx.get("missing"))
    unknown = [n for n in positions if n not in materials]
    other = ctx.optional_text("note")
    if unknown:
        raise InvalidInput({"missing": _("The item has no material numbered %(n)s.") % {"n": unknown[0]}})
    if not positions and not other:
        raise InvalidInput({"missing": _("Name at least one missing material.")})
    missing = [
        {"position": n, "name": materials[n].name, "form": materials[n].form, "copies": materials[n].copies}
        for n in positions
    ]
    waiting = CasePause(started_at=ctx.now, reason=str(_("Waiting for the supplementary materials")))
    return Change(
        note=other,
        data={"missing": [m["name"] for m in missing]},
        case={"paused_at": ctx.now},
        application={"missing": missing, "notice_sent_at": ctx.now},
        add=[waiting],
    )


def supplement(case: Case, ctx: Context) -> Change:
    """The supplement arrived: the clock runs again, with the check's own days from now."""
    in_person = bool(ctx.get("in_person"))
    trips = application(ctx).trips + (1 if in_person else 0)
    due = sla.add_limit(ctx.now, settings.APPLICATION_NOTICE_DAYS, LimitUnit.WORKING_DAYS, ctx.find.calendar())
    return Change(
        data={"in_person": in_person},
        case={"paused_at": None, "due_base_at": due, "due_base_set_at": ctx.now},
        application={"supplemented_at": ctx.now, "trips": trips},
        end_pause=True,
    )


def accept(case: Case, ctx: Context) -> Change:
    """受理. The decision's limits run from acceptance; late for the notice, acceptance dates from receipt."""
    found = application(ctx)
    deemed = late_for_notice(found, ctx.now)
    accepted = case.received_at if deemed else ctx.now
    calendar = ctx.find.calendar()
    due = sla.add_limit(accepted, case.limit_value, case.limit_unit, calendar)
    legal_due = sla.add_limit(accepted, found.legal_limit_value, found.legal_limit_unit, calendar)
    return Change(
        data={"deemed": deemed},
        case={"accepted_at": accepted, "due_base_at": due, "due_at": due, "due_base_set_at": accepted},
        application={"deemed_accepted": deemed, "legal_due_base_at": legal_due, "legal_due_at": legal_due},
    )


def refuse(case: Case, ctx: Context) -> Change:
    """不予受理, with the reason and the agency to apply to; no longer possible once accepted by law."""
    if late_for_notice(application(ctx), ctx.now):
        raise _too_late()
    change = effects.refuse(case, ctx)
    change.end_pause, change.case["paused_at"] = True, None  # a supplement that never came
    return change


def forward(case: Case, ctx: Context) -> Change:
    """报送审批: the accepting township sends its findings to the implementing unit, which decides."""
    target = application(ctx).item_version.unit
    return Change(note=ctx.text("note"), data={"to_unit": target.code}, case={"unit": target, "handler": None})


def special_procedure(case: Case, ctx: Context) -> Change:
    """听证, 检验检测, 专家评审: time not counted in the limit (第45条)."""
    procedure = ctx.get("procedure")
    if procedure not in SpecialProcedure.values:
        raise InvalidInput({"procedure": _("Select a valid choice.")})
    change = effects.pause(case, ctx)
    change.data = {"procedure": procedure}
    return change


def extend(case: Case, ctx: Context) -> Change:
    """延期 once, approved by the one who takes it (第42条): by at most APPLICATION_EXTENSION_DAYS, or
    APPLICATION_JOINT_EXTENSION_DAYS for an item handled jointly (联合办理: 45 working days + 15)."""
    joint = application(ctx).item_version.joint_handling
    limit = settings.APPLICATION_JOINT_EXTENSION_DAYS if joint else settings.APPLICATION_EXTENSION_DAYS
    amount = ctx.get("amount")
    if not isinstance(amount, int) or not 1 <= amount <= limit:
        raise InvalidInput({"amount": _("Extend by a whole number of days from 1 to %(n)s.") % {"n": limit}})
    return effects.extension(ctx, amount, EXTENSION_UNIT)


def _decision(case: Case, ctx: Context, decision: Decision, text: str, reply: str) -> Change:
    found = application(ctx)
    # 受理与决定分离: for the kinds of item that ask it (licences by default), the one who accepted may not decide.
    apart = found.item_version.kind in settings.DECIDE_APART_KINDS
    if apart and ctx.actor is not None and ctx.find.acceptor(case) == ctx.actor.pk:
        raise PermissionDenied(_("The one who accepted this application may not also decide it."))
    now = ctx.now
    done = effects.completed(case, now)
    within = found.legal_due_at is None or now <= found.legal_due_at
    delivery_due = sla.add_limit(now, settings.APPLICATION_DELIVERY_DAYS, LimitUnit.WORKING_DAYS, ctx.find.calendar())
    return Change(
        note=text,
        data={"decision": decision, "on_time": done["completed_on_time"], "within_legal_limit": within},
        case={**done, "replied_at": now, "reply": reply},
        application={
            "decision": decision,
            "decided_at": now,
            "within_legal_limit": within,
            "delivery_due_at": delivery_due,
        },
    )


def approve(case: Case, ctx: Context) -> Change:
    text = ctx.optional_text("note")
    return _decision(case, ctx, Decision.APPROVED, text, text or str(_("Approved.")))


def deny(case: Case, ctx: Context) -> Change:
    text = ctx.text("reason")
    return _decision(case, ctx, Decision.DENIED, text, text)


def deliver(case: Case, ctx: Context) -> Change:
    """送达; collecting the result at a window is one more trip for the applicant."""
    method = ctx.get("delivery_method")
    if method not in DeliveryMethod.values:
        raise InvalidInput({"delivery_method": _("Select a valid choice.")})
    found = application(ctx)
    trips = found.trips + (1 if method == DeliveryMethod.WINDOW else 0)
    due = found.delivery_due_at
    return Change(
        data={"delivery_method": method, "on_time": due is None or ctx.now <= due},
        application={"delivered_at": ctx.now, "delivery_method": method, "trips": trips},
    )
