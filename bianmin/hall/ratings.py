"""On-the-spot ratings (一次一评, GB/T 39734): one per ticket-service, given on the pad facing the citizen,
never changed. A 差评 runs through the case core's own loop, not a second implementation: it files a
complaint about the visit (channel: window, handled by the hall's unit), records the visit as answered at
the window, and records the rating on it with `perform(case, Action.RATE)`; the case core then owes the
rectification by its working-day deadline, the callback, and hears the unit's appeal."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.cases.choices import CaseKind, Channel
from bianmin.cases.models import Case
from bianmin.cases.services import create_case, perform
from bianmin.cases.workflow import Action
from bianmin.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.hall.choices import PadLevel, TicketAction, TicketStatus
from bianmin.hall.errors import HallError
from bianmin.hall.models import PadRating, Ticket, TicketEvent, Window
from bianmin.hall.services import may_manage
from bianmin.org.models import User
from bianmin.org.services import audit

# How long after the service the pad offers the ticket for a rating.
PAD_MINUTES = 15
ANONYMOUS_RATER = "现场匿名评价人"
# The cookie a paired pad's device keeps its key in (one per window, so a device may serve as one pad only).
PAD_COOKIE = "bianmin_pad_{}"


def pair_pad(window: Window, *, actor: User) -> str:
    """Make this device the window's rating pad (评价器): a new key, of which only the digest is kept; the
    device keeps the key (a cookie, `PAD_COOKIE`), and a pad paired before stops offering tickets. Only the
    hall's manager pairs: a pad hands out the secret of each ticket just served, with which it is rated."""
    if not may_manage(actor, window):
        raise PermissionDenied(_("Only the hall's manager pairs a rating pad."))
    key = secrets.token_urlsafe(32)
    Window.objects.filter(pk=window.pk).update(pad_key_digest=_digest(key), pad_paired_at=timezone.now())
    audit(actor, "hall.pad.pair", window)
    return key


def is_pad(window: Window, key: str | None) -> bool:
    """Whether `key` is the key of the window's paired pad."""
    return bool(key and window.pad_key_digest) and hmac.compare_digest(window.pad_key_digest, _digest(key or ""))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def is_bad(level: int) -> bool:
    """差评: below the lowest satisfied level (DESIGN §4.4; the case core reads the same setting)."""
    return level < settings.SATISFIED_MIN_RATING


def awaiting_rating(window: Window, now: datetime | None = None) -> Ticket | None:
    """The ticket the window's pad offers: the last one finished there in the last minutes, not yet rated."""
    now = now or timezone.now()
    last = (
        TicketEvent.objects.filter(
            window=window, action=TicketAction.FINISH, at__gte=now - timedelta(minutes=PAD_MINUTES)
        )
        .order_by("-at", "-id")
        .select_related("ticket")
        .first()
    )
    if last is None or PadRating.objects.filter(ticket_id=last.ticket_id, service_id=last.service_id).exists():
        return None
    return last.ticket


def may_rate(ticket: Ticket) -> bool:
    """Whether the ticket's service is finished and not rated yet (一次一评)."""
    return (
        ticket.status == TicketStatus.FINISHED
        and not PadRating.objects.filter(ticket=ticket, service_id=ticket.service_id).exists()
    )


def rate(
    ticket: Ticket,
    *,
    level: int,
    comment: str = "",
    rater_name: str = "",
    rater_phone: str = "",
    now: datetime | None = None,
) -> PadRating:
    """Record the citizen's rating of `ticket`'s service; a 差评 files the visit's case and rates it there."""
    now = now or timezone.now()
    if level not in PadLevel.values:
        raise InvalidInput({"level": gettext_lazy("Choose one of the five levels.")})
    comment = comment.strip()[:500]
    with transaction.atomic():
        locked = (
            Ticket.objects.select_for_update(of=("self",)).select_related("hall__unit", "service").get(pk=ticket.pk)
        )
        finish = (
            TicketEvent.objects.filter(ticket=locked, action=TicketAction.FINISH, service_id=locked.service_id)
            .select_related("window")
            .order_by("-at", "-id")
            .first()
        )
        if locked.status != TicketStatus.FINISHED or finish is None or finish.window_id is None:
            raise NotFound(gettext_lazy("This ticket has no finished service to rate."))
        rating = PadRating(
            ticket=locked,
            service_id=locked.service_id,
            window_id=finish.window_id,
            staff_id=finish.actor_id,
            level=level,
            comment=comment,
            at=now,
        )
        try:
            with transaction.atomic():
                rating.save()
        except IntegrityError:
            raise Conflict(HallError.ALREADY_RATED, gettext_lazy("This service has been rated already.")) from None
        if is_bad(level):
            rating.case = _file_bad_rating(locked, finish, rating, rater_name.strip(), rater_phone.strip(), now)
            rating.save(update_fields=["case"])
    return rating


def _file_bad_rating(
    ticket: Ticket, finish: TicketEvent, rating: PadRating, name: str, phone: str, now: datetime
) -> Case:
    """The 差评's case: received when the ticket was issued, answered when the service finished (the visit
    itself was the answer), rated now: history as it happened, told to no one by text message (`at`)."""
    window = finish.window
    assert window is not None  # noqa: S101 (checked by the caller)
    hall = ticket.hall
    content = _("On-the-spot rating “%(level)s” of ticket %(number)s, %(service)s, window %(window)s, %(day)s.") % {
        "level": PadLevel(rating.level).label,
        "number": ticket.number,
        "service": ticket.service.name,
        "window": window.number,
        "day": ticket.day.isoformat(),
    }
    if rating.comment:
        content += " " + rating.comment
    case, _created = create_case(
        actor=None,
        channel=Channel.WINDOW,
        kind=CaseKind.COMPLAINT,
        title=_("Bad on-the-spot rating: %(hall)s window %(window)s") % {"hall": hall.name, "window": window.number},
        content=content,
        # An anonymous rater stays anonymous (GB/T 39734): the case gives the hall's own number.
        citizen_name=name or ANONYMOUS_RATER,
        citizen_phone=phone or hall.phone,
        unit=hall.unit,
        received_at=ticket.issued_at,
    )
    perform(
        case,
        Action.ANSWER,
        actor=None,
        by_system=True,
        at=max(finish.at, case.received_at),
        reply=_("Served at window %(window)s (ticket %(number)s).")
        % {"window": window.number, "number": ticket.number},
    )
    perform(case, Action.RATE, actor=None, by_citizen=True, at=now, rating=rating.level, comment=rating.comment)
    return case
