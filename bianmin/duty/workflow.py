"""A change's transitions as a table (state × action → next state, and who may take the step)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bianmin.duty.choices import ChangeAction, ChangeState

A, S = ChangeAction, ChangeState


class Who(StrEnum):
    REQUESTER = "requester"  # the person giving the duty away, or a manager on their behalf
    COLLEAGUE = "colleague"  # the person taking it, or a manager on their behalf (an accident, say)
    HEAD = "head"  # the place's designated head (村书记 / 党政办)


@dataclass(frozen=True)
class Step:
    to: ChangeState
    who: Who
    checks_roster: bool = False  # weigh the change against the roster's rules before taking the step
    without_colleague: bool = False  # only for a change that has no colleague (a leave)


TRANSITIONS: dict[tuple[ChangeState, ChangeAction], Step] = {
    (S.REQUESTED, A.ACCEPT): Step(S.ACCEPTED, Who.COLLEAGUE, checks_roster=True),
    (S.REQUESTED, A.DECLINE): Step(S.DECLINED, Who.COLLEAGUE),
    (S.REQUESTED, A.APPROVE): Step(S.APPROVED, Who.HEAD, checks_roster=True, without_colleague=True),
    (S.ACCEPTED, A.APPROVE): Step(S.APPROVED, Who.HEAD, checks_roster=True),
    (S.REQUESTED, A.REJECT): Step(S.REJECTED, Who.HEAD),
    (S.ACCEPTED, A.REJECT): Step(S.REJECTED, Who.HEAD),
    (S.REQUESTED, A.WITHDRAW): Step(S.WITHDRAWN, Who.REQUESTER),
    (S.ACCEPTED, A.WITHDRAW): Step(S.WITHDRAWN, Who.REQUESTER),
}


def step(state: str, action: str, *, has_colleague: bool) -> Step | None:
    found = TRANSITIONS.get((ChangeState(state), ChangeAction(action)))
    if found is None or (found.without_colleague and has_colleague):
        return None
    return found


def actions_from(state: str, *, has_colleague: bool) -> list[ChangeAction]:
    return [a for (s, a), st in TRANSITIONS.items() if s == state and not (st.without_colleague and has_colleague)]
