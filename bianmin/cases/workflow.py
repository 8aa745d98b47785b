"""The two workflows as tables (DESIGN §4.3, §6.3): state × action → next state, who may take it,
which fields it needs and what it does to the clock. Services, the API's allowed actions and the UI's
buttons all read this table; nothing else decides whether an action is legal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bianmin.cases.choices import SATISFIED_MIN, RatingAppeal
from bianmin.cases.choices import CaseStatus as S
from bianmin.org.permissions import Permission as P

if TYPE_CHECKING:
    from bianmin.cases.models import Case


class Clock(StrEnum):
    NONE = "none"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"
    RESET = "reset"  # 督办 sets a new deadline
    RESTART = "restart"  # 重办 runs the full limit again
    LEVEL = "level"  # a new analysis level starts its own clock
    STOP = "stop"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: frozenset[S]
    target: S | None  # None: the status stays as it is
    permissions: frozenset[P]  # any one of them over the case's handling unit
    required: tuple[str, ...] = ()
    citizen: bool = False  # the case's own citizen may take it too
    clock: Clock = Clock.NONE
    # Beyond the status, what the case must be like for the action to make sense (shown and allowed).
    guard: Callable[[Case], bool] | None = None

    def applies_to(self, case: Case) -> bool:
        return case.status in self.sources and (self.guard is None or self.guard(case))


def _appealable(case: Case) -> bool:
    return case.rating is not None and case.rating < SATISFIED_MIN and case.rating_appeal == RatingAppeal.NONE


def _appeal_pending(case: Case) -> bool:
    return case.rating_appeal == RatingAppeal.PENDING


_OPEN_WORK = frozenset({S.ACCEPTED, S.IN_PROGRESS})
_HANDLE = frozenset({P.CASE_HANDLE})

GRIEVANCE: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("accept", _("Accept"), frozenset({S.SUBMITTED}), S.ACCEPTED, _HANDLE),
        Transition(
            "refuse", _("Do not accept"), frozenset({S.SUBMITTED}), S.REFUSED, _HANDLE, ("reason", "proper_channel")
        ),
        Transition(
            "answer",
            _("Answer directly"),
            frozenset({S.SUBMITTED, *_OPEN_WORK}),
            S.COMPLETED,
            _HANDLE,
            ("reply",),
            clock=Clock.STOP,
        ),
        Transition("assign", _("Assign a handler"), _OPEN_WORK, S.IN_PROGRESS, _HANDLE, ("handler",)),
        Transition("transfer", _("Transfer"), _OPEN_WORK, S.ACCEPTED, _HANDLE, ("to_unit",), clock=Clock.LEVEL),
        Transition("escalate", _("Escalate one level"), _OPEN_WORK, S.ACCEPTED, _HANDLE, ("note",), clock=Clock.LEVEL),
        Transition(
            "return", _("Return to the sender"), _OPEN_WORK, S.ACCEPTED, _HANDLE, ("reason",), clock=Clock.LEVEL
        ),
        Transition(
            "supervise",
            _("Supervise"),
            frozenset({*_OPEN_WORK, S.PAUSED, S.REPLIED, S.SUBMITTED}),
            None,
            frozenset({P.CASE_SUPERVISE}),
            ("due_at", "note"),
            clock=Clock.RESET,
        ),
        Transition(
            "extend",
            _("Extend the time limit"),
            _OPEN_WORK,
            None,
            frozenset({P.CASE_APPROVE}),
            ("amount", "reason"),
            clock=Clock.EXTEND,
        ),
        Transition(
            "pause", _("Pause (waiting for the citizen)"), _OPEN_WORK, S.PAUSED, _HANDLE, ("reason",), clock=Clock.PAUSE
        ),
        Transition("resume", _("Resume"), frozenset({S.PAUSED}), S.IN_PROGRESS, _HANDLE, clock=Clock.RESUME),
        Transition("classify", _("Classify the demand"), _OPEN_WORK, None, _HANDLE, ("classification",)),
        Transition("reply", _("Reply"), _OPEN_WORK, S.REPLIED, _HANDLE, ("reply",)),
        Transition("complete", _("Complete"), frozenset({S.REPLIED}), S.COMPLETED, _HANDLE, clock=Clock.STOP),
        Transition(
            "rate", _("Record the rating"), frozenset({S.COMPLETED}), S.CLOSED, _HANDLE, ("rating",), citizen=True
        ),
        Transition(
            "reopen",
            _("Reopen"),
            frozenset({S.COMPLETED, S.CLOSED}),
            S.IN_PROGRESS,
            frozenset({P.CASE_HANDLE, P.CASE_SUPERVISE}),
            ("reason",),
            citizen=True,
            clock=Clock.RESTART,
        ),
        # 申诉复核 (DESIGN §4.4): the unit appeals a malicious bad rating; a supervisor upholds or rejects it.
        Transition(
            "appeal_rating",
            _("Appeal against the rating"),
            frozenset({S.CLOSED}),
            None,
            _HANDLE,
            ("reason",),
            guard=_appealable,
        ),
        Transition(
            "review_appeal",
            _("Review the appeal"),
            frozenset({S.CLOSED}),
            None,
            frozenset({P.CASE_SUPERVISE}),
            ("decision", "note"),
            guard=_appeal_pending,
        ),
        Transition(
            "merge", _("Merge into another case"), frozenset({S.SUBMITTED, *_OPEN_WORK}), S.MERGED, _HANDLE, ("master",)
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            frozenset({S.SUBMITTED, *_OPEN_WORK, S.PAUSED}),
            S.WITHDRAWN,
            _HANDLE,
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
            "request_supplement",
            _("Send the one-time notice of missing materials"),
            frozenset({S.SUBMITTED}),
            S.SUPPLEMENT,
            _HANDLE,
            ("missing",),
            clock=Clock.PAUSE,
            guard=_notice_not_sent,
        ),
        Transition(
            "supplement",
            _("Record the supplement"),
            frozenset({S.SUPPLEMENT}),
            S.SUBMITTED,
            _HANDLE,
            clock=Clock.RESUME,
        ),
        Transition("accept", _("Accept"), frozenset({S.SUBMITTED}), S.ACCEPTED, _HANDLE),
        Transition(
            "refuse",
            _("Do not accept"),
            frozenset({S.SUBMITTED, S.SUPPLEMENT}),
            S.REFUSED,
            _HANDLE,
            ("reason", "proper_channel"),
        ),
        Transition("review", _("Start the review"), frozenset({S.ACCEPTED}), S.IN_PROGRESS, _HANDLE, ("handler",)),
        Transition(
            "forward",
            _("Forward to the deciding unit"),
            frozenset({S.IN_PROGRESS}),
            S.ACCEPTED,
            _HANDLE,
            ("note",),
            guard=_forwardable,
        ),
        Transition(
            "special_procedure",
            _("Start a special procedure (clock paused)"),
            frozenset({S.IN_PROGRESS}),
            S.PAUSED,
            _HANDLE,
            ("procedure", "reason"),
            clock=Clock.PAUSE,
        ),
        Transition("resume", _("Resume"), frozenset({S.PAUSED}), S.IN_PROGRESS, _HANDLE, clock=Clock.RESUME),
        Transition(
            "extend",
            _("Extend the time limit"),
            _REVIEWING,
            None,
            frozenset({P.CASE_APPROVE}),
            ("amount", "reason"),
            clock=Clock.EXTEND,
            guard=_not_extended,
        ),
        Transition(
            "supervise",
            _("Supervise"),
            frozenset({S.SUBMITTED, *_REVIEWING, S.PAUSED}),
            None,
            frozenset({P.CASE_SUPERVISE}),
            ("due_at", "note"),
            clock=Clock.RESET,
        ),
        Transition(
            "approve",
            _("Approve"),
            frozenset({S.IN_PROGRESS}),
            S.COMPLETED,
            _HANDLE,
            clock=Clock.STOP,
            guard=_decidable,
        ),
        Transition(
            "deny",
            _("Deny"),
            frozenset({S.IN_PROGRESS}),
            S.COMPLETED,
            _HANDLE,
            ("reason",),
            clock=Clock.STOP,
            guard=_decidable,
        ),
        Transition(
            "deliver",
            _("Deliver the result"),
            frozenset({S.COMPLETED}),
            None,
            _HANDLE,
            ("delivery_method",),
            guard=_undelivered,
        ),
        Transition(
            "rate",
            _("Record the rating"),
            frozenset({S.COMPLETED}),
            S.CLOSED,
            _HANDLE,
            ("rating",),
            citizen=True,
            guard=_delivered,
        ),
        GRIEVANCE["appeal_rating"],
        GRIEVANCE["review_appeal"],
        Transition(
            "withdraw",
            _("Withdraw"),
            frozenset({S.SUBMITTED, S.SUPPLEMENT, *_REVIEWING, S.PAUSED}),
            S.WITHDRAWN,
            _HANDLE,
            ("reason",),
            citizen=True,
        ),
    ]
}

WORKFLOWS: dict[str, dict[str, Transition]] = {"grievance": GRIEVANCE, "application": APPLICATION}
