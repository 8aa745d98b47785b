"""A ticket's life as a table: action → the statuses it applies from, the status it leads to, and what it
needs. The console's buttons, the API's actions and the services' checks all read this table."""

from __future__ import annotations

from dataclasses import dataclass

from bianmin.hall.choices import TicketAction as A
from bianmin.hall.choices import TicketStatus as S


@dataclass(frozen=True)
class Step:
    action: A
    sources: frozenset[S]
    target: S | None  # None: the status stays
    # Taken by the person signed in at the window that holds the ticket (False: the platform, or any window).
    at_window: bool = True
    # Shown on the console as a button of the ticket in hand.
    button: bool = True
    needs_reason: bool = False


# Tickets still waiting to be served, for the day's end and the display.
UNSERVED = frozenset({S.WAITING, S.CALLED, S.NO_SHOW, S.SUSPENDED})
# A window holds one ticket at a time in these statuses (a suspended visitor, fetching a paper, does not
# stop the window calling the next).
IN_HAND = frozenset({S.CALLED, S.SERVING})

STEPS: dict[str, Step] = {
    s.action: s
    for s in [
        # A no-show (过号) may be called again when the visitor turns up, by any window handling the service.
        Step(A.CALL, frozenset({S.WAITING, S.NO_SHOW}), S.CALLED, at_window=False, button=False),
        Step(A.RECALL, frozenset({S.CALLED}), S.CALLED),
        Step(A.NO_SHOW, frozenset({S.CALLED}), S.NO_SHOW),
        Step(A.START, frozenset({S.CALLED}), S.SERVING),
        Step(A.SUSPEND, frozenset({S.SERVING}), S.SUSPENDED, needs_reason=True),
        Step(A.RESUME, frozenset({S.SUSPENDED}), S.SERVING),
        # Back in the queue of another service or window, at its first place in the queue.
        Step(A.TRANSFER, frozenset({S.CALLED, S.SERVING, S.SUSPENDED}), S.WAITING, button=False, needs_reason=True),
        Step(A.FINISH, frozenset({S.SERVING}), S.FINISHED),
        Step(A.EXPIRE, UNSERVED, S.EXPIRED, at_window=False, button=False),
        # The application or grievance the visit is about, filed from the window; the ticket links to it.
        Step(A.OPEN_CASE, frozenset({S.CALLED, S.SERVING, S.SUSPENDED}), None, button=False),
    ]
}


def buttons(status: str) -> list[Step]:
    """The console's buttons for a ticket in `status`."""
    return [s for s in STEPS.values() if s.button and status in s.sources]
