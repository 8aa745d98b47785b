"""The notification outbox: what each transition row owes (`Message`), composed into rows written in the
action's transaction (`store.write_action`), delivered after it commits.

A row is claimed with a conditional UPDATE before it is sent, so two sweeps (or a sweep and a request)
never send it twice; a failed send is released for the next sweep to retry."""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bianmin import notify
from bianmin.cases.models import Case, Notification

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# A courier idle this long closes its database connection (under load it keeps it).
COURIER_IDLE_SECONDS = 5.0
# How long a woken courier waits for more messages before it claims what is owed: a message leaves at most
# this much later, and under load one transaction claims a second's messages instead of each its own.
COURIER_GATHER_SECONDS = 1.0


class Audience(StrEnum):
    UNIT = "unit"  # the unit now holding the case
    CITIZENS = "citizens"  # the case's citizen and the citizens of the cases merged into it (并单)
    APPLICANT = "applicant"  # an application's applicant


@dataclass(frozen=True)
class Message:
    """A message a transition row owes (`Transition.tell`): to whom, and its text (composed in the
    platform's language: it reaches cadres and citizens)."""

    audience: Audience
    text: str | Promise
    kind: str = ""  # the outbox row's kind; the action's name when empty


@dataclass(frozen=True)
class Outgoing:
    """One row of the outbox, as `store.write_action` inserts it in the action's transaction."""

    kind: str
    key: str
    text: str
    unit_id: int | None = None
    to_citizen: bool = False
    duplicates: bool = False  # also to the citizens of the cases merged into this one, each under `key:dup<id>`


NOW_WITH_YOUR_UNIT = Message(Audience.UNIT, _("Case %(number)s “%(title)s” is now with your unit."))
SUPERVISED = Message(Audience.UNIT, _("Case %(number)s is under supervision: finish it by %(due)s."))
REPLIED = Message(Audience.CITIZENS, _("Your case %(number)s has a reply: %(reply)s"), kind="reply")
# What the applicant hears at each step of an application (the notice itself is on the tracking page).
MATERIALS_MISSING = Message(
    Audience.APPLICANT,
    _(
        "Your application %(number)s “%(title)s” needs more materials: %(missing)s. The one-time notice lists "
        "everything; your village hall or the handling unit has it."
    ),
)
APPLICATION_ACCEPTED = Message(
    Audience.APPLICANT, _("Your application %(number)s “%(title)s” has been accepted; the decision is due by %(due)s.")
)
APPLICATION_REFUSED = Message(
    Audience.APPLICANT,
    _("Your application %(number)s “%(title)s” was not accepted: the notice gives the reason and where to apply."),
)
APPLICATION_APPROVED = Message(Audience.APPLICANT, _("Your application %(number)s “%(title)s” has been approved."))
APPLICATION_DENIED = Message(
    Audience.APPLICANT, _("Your application %(number)s “%(title)s” has been denied: %(reply)s")
)


def compose(case: Case, action: str, messages: tuple[Message, ...], event_seq: int) -> list[Outgoing]:
    """The outbox rows of `messages` for the action that appended event `event_seq`; the same action on the
    same event owes each once, however often it is retried."""
    if not messages:
        return []
    key = f"{action}:{case.pk}:{event_seq}"
    with translation.override(settings.LANGUAGE_CODE):
        args = message_args(case)
        if case.workflow == "application":  # the list itself: the applicant may never see the PDF
            args["missing"] = "、".join(m["name"] for m in case.application.missing) or "—"
        rows = []
        for message in messages:
            text, kind = str(message.text) % args, message.kind or action
            if message.audience == Audience.UNIT:
                rows.append(Outgoing(kind, key, text, unit_id=case.unit_id))
            elif message.audience == Audience.CITIZENS:
                rows.append(Outgoing(kind, key, text, to_citizen=True, duplicates=True))
            else:
                rows.append(Outgoing(kind, f"{key}:applicant", text, to_citizen=True))
    return rows


def message_args(case: Case) -> dict[str, str]:
    due = timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") if case.due_at else "—"
    return {"number": case.number, "title": case.title, "due": due, "reply": case.reply}


def deliver_after_commit() -> None:
    if settings.NOTIFY_IN_BACKGROUND and courier.in_server:
        courier.wake()
    else:
        deliver_pending()


def deliver_pending(limit: int = 500, ids: Iterable[int] | None = None) -> int:
    """Send what is owed; returns how many were sent by this call.

    The batch is claimed (marked sent) in one short transaction before anything is sent: one commit for
    the batch, and two callers (two sweeps, a sweep and a courier) never send a row twice."""
    pending = Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    # A look without the write lock first: most calls find nothing left to send.
    owed = list(pending.order_by("created_at").values_list("pk", flat=True)[:limit])
    if not owed:
        return 0
    # The columns a message needs, not three whole rows (a case has fifty columns).
    columns = ("pk", "kind", "case__number", "unit__code", "to_citizen", "message", "case__citizen_phone")
    with transaction.atomic():
        claimed = pending.filter(pk__in=owed).select_for_update(skip_locked=True, of=("self",))
        batch = list(claimed.order_by("created_at").values_list(*columns))
        Notification.objects.filter(pk__in=[row[0] for row in batch]).update(sent_at=timezone.now())
    sent = 0
    channel = notify.channel()
    for pk, kind, number, unit_code, to_citizen, text, phone in batch:
        message = notify.Message(kind, number, unit_code, to_citizen, text, phone=phone if to_citizen else "")
        try:
            channel.send(message)
        except Exception as exc:
            log.warning("notification %s not delivered: %s", pk, exc)
            Notification.objects.filter(pk=pk).update(
                sent_at=None, attempts=F("attempts") + 1, last_error=str(exc)[:500]
            )
            continue
        sent += 1
    return sent


class Courier:
    """Delivers owed notifications on a thread of a server worker, so that an action answers once it has
    committed, not after an SMS gateway has answered too; and under load one claim serves many messages.
    Each commit that owes something wakes it. Only the server's workers use one (`bianmin.wsgi`): a command
    delivers before it exits. A worker that stops lets the courier finish its batch; what is left owed,
    `bianmin sweep` sends."""

    def __init__(self) -> None:
        self.in_server = False
        self._owed = threading.Event()
        self.resting = threading.Event()  # set once idle with its database connection closed
        self._delivering = threading.Lock()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        with self._lock:  # started on first use: a thread does not survive the server's fork of its workers
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="bianmin-courier", daemon=True)
                self._thread.start()
                atexit.register(self.finish)
            self.resting.clear()
        self._owed.set()

    def finish(self, timeout: float = 10.0) -> None:
        """At the worker's exit: wait (a while) for a batch being sent, so that no claimed message dies with
        the process, and send what is still owed."""
        if not self._delivering.acquire(timeout=timeout):
            return
        try:
            if self._owed.is_set():
                deliver_pending()
        except Exception:
            log.exception("notifications not delivered at exit; the sweep sends them")
        finally:
            self._delivering.release()

    def _run(self) -> None:
        while True:
            if not self._owed.wait(timeout=COURIER_IDLE_SECONDS):
                connections.close_all()  # this thread's own connection, given back while nothing is owed
                self.resting.set()
                self._owed.wait()
            time.sleep(COURIER_GATHER_SECONDS)  # let more commits owe their messages: one claim for them all
            self._owed.clear()
            with self._delivering:
                close_old_connections()
                try:
                    deliver_pending()
                except Exception:
                    log.exception("notifications not delivered; the next action or sweep tries again")
                    connections.close_all()


courier = Courier()
