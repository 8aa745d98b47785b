"""The two workflows as tables (DESIGN §4.3, §6.3). A row says everything about an action: the states it
applies in and the state it leads to, who may take it, its required and optional fields, what it does to
the clock, its effect, who is told, and which notice it issues. The door (`services.perform`), the API's
allowed actions and its schema, the pages' buttons and forms, the notifications, the notices and the bulk
demo's replay all read these rows; nothing else knows what an action means."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bianmin.cases import effects as g
from bianmin.cases import notifications as tell
from bianmin.cases.applications import effects as a
from bianmin.cases.applications import notices
from bianmin.cases.choices import OPEN_STATUSES, RatingAppeal
from bianmin.cases.choices import CaseStatus as S
from bianmin.cases.effects import Effect
from bianmin.cases.errors import CaseError
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.permissions import Permission as P

if TYPE_CHECKING:
    from bianmin.cases.models import Case


class Action(models.TextChoices):
    """Every step a case's history can record; the labels are what the history and the buttons show."""

    CREATE = "create", _("Registered")
    ATTACH = "attach", _("File attached.")
    ACCEPT = "accept", _("Accept")
    REFUSE = "refuse", _("Do not accept")
    ANSWER = "answer", _("Answer directly")
    ASSIGN = "assign", _("Assign a handler")
    TRANSFER = "transfer", _("Transfer")
    ESCALATE = "escalate", _("Escalate one level")
    RETURN = "return", _("Return to the sender")
    SUPERVISE = "supervise", _("Supervise")
    EXTEND = "extend", _("Extend the time limit")
    REQUEST_EXTENSION = "request_extension", _("Request an extension")
    DECLINE_EXTENSION = "decline_extension", _("Decline the extension")
    PAUSE = "pause", _("Pause (waiting for the citizen)")
    RESUME = "resume", _("Resume")
    CLASSIFY = "classify", _("Classify the demand")
    CONSULT = "consult", _("Hold a joint consultation")
    REPLY = "reply", _("Reply")
    COMPLETE = "complete", _("Complete")
    RATE = "rate", _("Record the rating")
    CLAIM = "claim", _("Claimed by the citizen's account")
    REOPEN = "reopen", _("Reopen")
    APPEAL_RATING = "appeal_rating", _("Appeal against the rating")
    REVIEW_APPEAL = "review_appeal", _("Review the appeal")
    RECTIFY = "rectify", _("Record the rectification")
    CALL_BACK = "call_back", _("Record the callback")
    MERGE = "merge", _("Merge into another case")
    WITHDRAW = "withdraw", _("Withdraw")
    REQUEST_SUPPLEMENT = "request_supplement", _("Send the one-time notice of missing materials")
    SUPPLEMENT = "supplement", _("Record the supplement")
    REVIEW = "review", _("Start the review")
    FORWARD = "forward", _("Forward to the deciding unit")
    SPECIAL_PROCEDURE = "special_procedure", _("Start a special procedure (clock paused)")
    APPROVE = "approve", _("Approve")
    DENY = "deny", _("Deny")
    DELIVER = "deliver", _("Deliver the result")


def action_label(name: str) -> str:
    """What the history shows for an event's action."""
    return str(Action(name).label) if name in Action.values else str(Action.CREATE.label)


class Clock(StrEnum):
    NONE = "none"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"
    RESET = "reset"  # 督办 sets a new deadline
    RESTART = "restart"  # 重办 runs the full limit again
    LEVEL = "level"  # a new analysis level starts its own clock
    STOP = "stop"


# Clocks after which the deadline is derived again from its facts (base, pauses, extensions).
RECOMPUTED = frozenset({Clock.EXTEND, Clock.RESET, Clock.RESUME, Clock.RESTART})


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[S]
    target: S | None  # None: the status stays as it is
    permissions: frozenset[P]  # any one of them over the case's handling unit
    effect: Effect
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    citizen: bool = False  # the case's own citizen may take it too
    # The cadre who filed it at the village hall on the citizen's behalf (代办) may take it too: following up
    # an application the township handles (the supplement, a withdrawal, their files).
    proxy: bool = False
    clock: Clock = Clock.NONE
    # Beyond the status, what the case must be like for the action to make sense (shown and allowed), and
    # the error (code, message) that says why when it is not; by default "does not apply to this case".
    guard: Callable[[Case], bool] | None = None
    unmet: tuple[str, str | Promise] | None = None
    tell: tuple[tell.Message, ...] = ()  # who hears of it, once it is written
    notice: str = ""  # the written notice it issues (`applications.notices`), if any
    # Offered as a button and through the API's actions route; False for an action with a door of its own
    # (attaching a file is an upload).
    listed: bool = True

    @property
    def label(self) -> str | Promise:
        return self.action.label

    def applies_to(self, case: Case) -> bool:
        return case.status in self.sources and (self.guard is None or self.guard(case))


def _has_level_above(case: Case) -> bool:
    """A village goes up to its work team or township; any other unit to its parent (the top has none)."""
    return case.unit.kind in PLACE_KINDS or case.unit.parent_id is not None


def _request_waiting(case: Case) -> bool:
    return case.extension_requested is not None


def _no_request_waiting(case: Case) -> bool:
    return case.extension_requested is None


def _sent_here(case: Case) -> bool:
    return case.sent_by_id is not None


def _appealable(case: Case) -> bool:
    return (
        case.rating is not None
        and case.rating < settings.SATISFIED_MIN_RATING
        and case.rating_appeal == RatingAppeal.NONE
    )


def _unclaimed(case: Case) -> bool:
    return case.citizen_id is None


def _appeal_pending(case: Case) -> bool:
    return case.rating_appeal == RatingAppeal.PENDING


def _rectification_owed(case: Case) -> bool:
    return case.rectify_due_at is not None and case.rectified_at is None


def _callback_owed(case: Case) -> bool:
    return case.rectify_due_at is not None and case.called_back_at is None


def _not_rated_satisfied(case: Case) -> bool:
    return case.rating is None or case.rating < settings.SATISFIED_MIN_RATING


_OPEN_WORK = frozenset({S.ACCEPTED, S.IN_PROGRESS})
_HANDLE = frozenset({P.CASE_HANDLE})
_SUPERVISE = frozenset({P.CASE_SUPERVISE})
_APPROVE = frozenset({P.CASE_APPROVE})
_TO_UNIT = (tell.NOW_WITH_YOUR_UNIT,)

APPEAL_RATING = Transition(
    Action.APPEAL_RATING, frozenset({S.CLOSED}), None, _HANDLE, g.appeal_rating, ("reason",), guard=_appealable
)
REVIEW_APPEAL = Transition(
    Action.REVIEW_APPEAL,
    frozenset({S.CLOSED}),
    None,
    _SUPERVISE,
    g.review_appeal,
    ("decision", "note"),
    guard=_appeal_pending,
)

# The 差评 loop (DESIGN §4.4): a bad rating owes a rectification by the unit and a callback to the citizen (by
# the unit, or the supervisors' callback desk); `rate` opens both, an upheld appeal or 重办 lifts them.
RECTIFY = Transition(
    Action.RECTIFY, frozenset({S.CLOSED}), None, _HANDLE, g.rectify, ("note",), guard=_rectification_owed
)
CALL_BACK = Transition(
    Action.CALL_BACK, frozenset({S.CLOSED}), None, _HANDLE | _SUPERVISE, g.call_back, ("note",), guard=_callback_owed
)
# 重办: by the unit or a supervisor, or the citizen from the tracking page, within REOPEN_DAYS of completion
# (the effect checks the days, on the action's own clock) and never after a satisfied rating.
REOPEN = Transition(
    Action.REOPEN,
    frozenset({S.COMPLETED, S.CLOSED}),
    S.IN_PROGRESS,
    _HANDLE | _SUPERVISE,
    g.reopen,
    ("reason",),
    citizen=True,
    clock=Clock.RESTART,
    guard=_not_rated_satisfied,
    unmet=(CaseError.ILLEGAL_TRANSITION, _("Only a case rated unsatisfactory can be reopened.")),
)

# A matter filed by phone or at a hall joins the account of the citizen who proves its mobile number with a
# one-time code (the "my matters" page is its door); the effect checks the number.
CLAIM = Transition(
    Action.CLAIM,
    frozenset(S) - {S.MERGED},
    None,
    frozenset(),
    g.claim,
    citizen=True,
    guard=_unclaimed,
    unmet=(CaseError.ILLEGAL_TRANSITION, _("This matter already belongs to an account.")),
    listed=False,
)

# Only those who may act on the case now may attach a file to it, and its own citizen; never once closed.
ATTACH = Transition(
    Action.ATTACH, frozenset(OPEN_STATUSES), None, _HANDLE, g.attach, ("file",), citizen=True, listed=False
)
# An application's files may also come from the cadre who filed it for the applicant (代办).
APPLICATION_ATTACH = replace(ATTACH, proxy=True)

GRIEVANCE: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(Action.ACCEPT, frozenset({S.SUBMITTED}), S.ACCEPTED, _HANDLE, g.accept, tell=_TO_UNIT),
        Transition(Action.REFUSE, frozenset({S.SUBMITTED}), S.REFUSED, _HANDLE, g.refuse, ("reason", "proper_channel")),
        Transition(
            Action.ANSWER,
            frozenset({S.SUBMITTED, *_OPEN_WORK}),
            S.COMPLETED,
            _HANDLE,
            g.answer,
            ("reply",),
            clock=Clock.STOP,
            tell=(tell.REPLIED,),
        ),
        Transition(Action.ASSIGN, _OPEN_WORK, S.IN_PROGRESS, _HANDLE, g.assign, ("handler",)),
        Transition(
            Action.TRANSFER,
            _OPEN_WORK,
            S.ACCEPTED,
            _HANDLE,
            g.transfer,
            ("to_unit",),
            ("assist_units", "note"),
            clock=Clock.LEVEL,
            tell=_TO_UNIT,
        ),
        Transition(
            Action.ESCALATE,
            _OPEN_WORK,
            S.ACCEPTED,
            _HANDLE,
            g.escalate,
            ("note",),
            clock=Clock.LEVEL,
            guard=_has_level_above,
            unmet=(CaseError.ILLEGAL_TRANSITION, _("There is no level above this unit; transfer the case instead.")),
            tell=_TO_UNIT,
        ),
        Transition(
            Action.RETURN,
            _OPEN_WORK,
            S.ACCEPTED,
            _HANDLE,
            g.send_back,
            ("reason",),
            clock=Clock.LEVEL,
            guard=_sent_here,
            unmet=(CaseError.NOTHING_TO_RETURN, _("This case was not sent here by another unit.")),
            tell=_TO_UNIT,
        ),
        Transition(
            Action.SUPERVISE,
            frozenset({*_OPEN_WORK, S.PAUSED, S.REPLIED, S.SUBMITTED}),
            None,
            _SUPERVISE,
            g.supervise,
            ("due_at", "note"),
            clock=Clock.RESET,
            tell=(tell.SUPERVISED,),
        ),
        Transition(Action.EXTEND, _OPEN_WORK, None, _APPROVE, g.extend, ("amount", "reason"), clock=Clock.EXTEND),
        # A handler who may not extend asks one who may (a department's handler asks the county's supervisor).
        Transition(
            Action.REQUEST_EXTENSION,
            _OPEN_WORK,
            None,
            _HANDLE,
            g.request_extension,
            ("amount", "reason"),
            guard=_no_request_waiting,
            unmet=(CaseError.ILLEGAL_TRANSITION, _("An extension request is already waiting for approval.")),
        ),
        Transition(
            Action.DECLINE_EXTENSION,
            _OPEN_WORK,
            None,
            _APPROVE,
            g.decline_extension,
            ("reason",),
            guard=_request_waiting,
            unmet=(CaseError.ILLEGAL_TRANSITION, _("No extension request is waiting.")),
        ),
        Transition(Action.PAUSE, _OPEN_WORK, S.PAUSED, _HANDLE, g.pause, ("reason",), clock=Clock.PAUSE),
        Transition(Action.RESUME, frozenset({S.PAUSED}), S.IN_PROGRESS, _HANDLE, g.resume, clock=Clock.RESUME),
        Transition(Action.CLASSIFY, _OPEN_WORK, None, _HANDLE, g.classify, ("classification",)),
        # 会商: the handling unit consults the units concerned on a hard case; the note records the outcome.
        Transition(Action.CONSULT, _OPEN_WORK, None, _HANDLE, g.consult, ("assist_units", "note")),
        Transition(Action.REPLY, _OPEN_WORK, S.REPLIED, _HANDLE, g.reply, ("reply",), tell=(tell.REPLIED,)),
        Transition(
            Action.COMPLETE, frozenset({S.REPLIED}), S.COMPLETED, _HANDLE, g.complete, (), ("note",), clock=Clock.STOP
        ),
        Transition(
            Action.RATE, frozenset({S.COMPLETED}), S.CLOSED, _HANDLE, g.rate, ("rating",), ("comment",), citizen=True
        ),
        REOPEN,
        # 申诉复核 (DESIGN §4.4): the unit appeals a malicious bad rating; a supervisor upholds or rejects it.
        APPEAL_RATING,
        REVIEW_APPEAL,
        RECTIFY,
        CALL_BACK,
        ATTACH,
        CLAIM,
        Transition(Action.MERGE, frozenset({S.SUBMITTED, *_OPEN_WORK}), S.MERGED, _HANDLE, g.merge, ("master",)),
        Transition(
            Action.WITHDRAW,
            frozenset({S.SUBMITTED, *_OPEN_WORK, S.PAUSED}),
            S.WITHDRAWN,
            _HANDLE,
            g.withdraw,
            ("reason",),
            citizen=True,
        ),
    ]
}


def _notice_not_sent(case: Case) -> bool:
    return case.application.notice_sent_at is None


def _not_extended(case: Case) -> bool:
    return not case.extensions.exists()


def _forwardable(case: Case) -> bool:
    """Accepted below the implementing unit of an item not delegated down: that unit decides (乡镇受理、县级审批)."""
    application = case.application
    return not application.item_version.delegated_down and case.unit_id != application.item_version.unit_id


def _decidable(case: Case) -> bool:
    return not _forwardable(case)


def _undelivered(case: Case) -> bool:
    return case.application.delivered_at is None


def _delivered(case: Case) -> bool:
    return case.application.delivered_at is not None


_REVIEWING = frozenset({S.ACCEPTED, S.IN_PROGRESS})

# 申请 → 补正 (one-time notice; clock paused) → 受理 / 不予受理 → 审查 → 决定 → 送达 → 评价 (DESIGN §2.2, §4.2).
APPLICATION: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            Action.REQUEST_SUPPLEMENT,
            frozenset({S.SUBMITTED}),
            S.SUPPLEMENT,
            _HANDLE,
            a.request_supplement,
            ("missing",),
            ("note",),
            clock=Clock.PAUSE,
            guard=_notice_not_sent,
            tell=(tell.MATERIALS_MISSING,),
            notice=notices.SUPPLEMENT,
        ),
        # 补正: the unit records the supplement brought in, or the applicant sends it online (the files first,
        # attached to the case); either way the clock runs again.
        Transition(
            Action.SUPPLEMENT,
            frozenset({S.SUPPLEMENT}),
            S.SUBMITTED,
            _HANDLE,
            a.supplement,
            (),
            ("in_person",),
            citizen=True,
            proxy=True,
            clock=Clock.RESUME,
        ),
        Transition(
            Action.ACCEPT,
            frozenset({S.SUBMITTED}),
            S.ACCEPTED,
            _HANDLE,
            a.accept,
            tell=(tell.APPLICATION_ACCEPTED, tell.NOW_WITH_YOUR_UNIT),
            notice=notices.ACCEPTANCE,
        ),
        Transition(
            Action.REFUSE,
            frozenset({S.SUBMITTED, S.SUPPLEMENT}),
            S.REFUSED,
            _HANDLE,
            a.refuse,
            ("reason", "proper_channel"),
            tell=(tell.APPLICATION_REFUSED,),
            notice=notices.REFUSAL,
        ),
        Transition(Action.REVIEW, frozenset({S.ACCEPTED}), S.IN_PROGRESS, _HANDLE, g.assign, ("handler",)),
        Transition(
            Action.FORWARD,
            frozenset({S.IN_PROGRESS}),
            S.ACCEPTED,
            _HANDLE,
            a.forward,
            ("note",),
            guard=_forwardable,
            tell=_TO_UNIT,
        ),
        Transition(
            Action.SPECIAL_PROCEDURE,
            frozenset({S.IN_PROGRESS}),
            S.PAUSED,
            _HANDLE,
            a.special_procedure,
            ("procedure", "reason"),
            clock=Clock.PAUSE,
        ),
        Transition(Action.RESUME, frozenset({S.PAUSED}), S.IN_PROGRESS, _HANDLE, g.resume, clock=Clock.RESUME),
        Transition(
            Action.EXTEND,
            _REVIEWING,
            None,
            _APPROVE,
            a.extend,
            ("amount", "reason"),
            clock=Clock.EXTEND,
            guard=_not_extended,
        ),
        Transition(
            Action.SUPERVISE,
            frozenset({S.SUBMITTED, *_REVIEWING, S.PAUSED}),
            None,
            _SUPERVISE,
            g.supervise,
            ("due_at", "note"),
            clock=Clock.RESET,
            tell=(tell.SUPERVISED,),
        ),
        Transition(
            Action.APPROVE,
            frozenset({S.IN_PROGRESS}),
            S.COMPLETED,
            _HANDLE,
            a.approve,
            (),
            ("note",),
            clock=Clock.STOP,
            guard=_decidable,
            tell=(tell.APPLICATION_APPROVED,),
            notice=notices.DECISION,
        ),
        Transition(
            Action.DENY,
            frozenset({S.IN_PROGRESS}),
            S.COMPLETED,
            _HANDLE,
            a.deny,
            ("reason",),
            clock=Clock.STOP,
            guard=_decidable,
            tell=(tell.APPLICATION_DENIED,),
            notice=notices.DECISION,
        ),
        Transition(
            Action.DELIVER,
            frozenset({S.COMPLETED}),
            None,
            _HANDLE,
            a.deliver,
            ("delivery_method",),
            guard=_undelivered,
        ),
        Transition(
            Action.RATE,
            frozenset({S.COMPLETED}),
            S.CLOSED,
            _HANDLE,
            g.rate,
            ("rating",),
            ("comment",),
            citizen=True,
            guard=_delivered,
        ),
        APPEAL_RATING,
        REVIEW_APPEAL,
        RECTIFY,
        CALL_BACK,
        APPLICATION_ATTACH,
        CLAIM,
        Transition(
            Action.WITHDRAW,
            frozenset({S.SUBMITTED, S.SUPPLEMENT, *_REVIEWING, S.PAUSED}),
            S.WITHDRAWN,
            _HANDLE,
            g.withdraw,
            ("reason",),
            citizen=True,
            proxy=True,
        ),
    ]
}

WORKFLOWS: dict[str, dict[str, Transition]] = {"grievance": GRIEVANCE, "application": APPLICATION}


# The actions that issue a written notice in some workflow (their number is taken in the action's transaction).
NOTICE_ACTIONS = frozenset(t.action for table in WORKFLOWS.values() for t in table.values() if t.notice)
