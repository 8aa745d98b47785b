"""The service hall (政务服务大厅): halls, windows and who is signed in at them, queue services as rows of rules,
tickets with their append-only events, and the on-the-spot ratings (一次一评). The discipline models (patrols,
violations, notices, assessment) are in `models_discipline.py`."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.contrib.auth.models import AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.catalog.models import ServiceItem
from bianmin.hall.choices import (
    GreenReason,
    PadLevel,
    ServiceKind,
    TicketAction,
    TicketChannel,
    TicketStatus,
    WindowEventKind,
    WindowState,
)
from bianmin.hall.workflow import IN_HAND
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths, subtree_q
from bianmin.org.validators import validate_person_phone

# The statuses of a ticket in hand at a window, sorted: SQLite uses the partial index on them only for a
# query that writes the list the same way.
IN_HAND_STATUSES = sorted(IN_HAND)


def new_token() -> str:
    return secrets.token_urlsafe(12)


class HallQuerySet(models.QuerySet["Hall"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> HallQuerySet:
        """Halls whose unit lies in a subtree where `user` holds `action`."""
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, "unit__path")) if paths else self.none()


class Hall(models.Model):
    """A service hall (政务服务大厅) of a service center, township or street: its windows, queues and display."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("hall", "name"), max_length=100)
    phone = models.CharField(
        pgettext_lazy("hall", "phone"),
        max_length=20,
        validators=[validate_person_phone],
        help_text=_("The hall's own number, given on a case filed for an anonymous rater."),
    )
    active = models.BooleanField(_("active"), default=True)

    objects: ClassVar[HallQuerySet] = HallQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class WindowQuerySet(models.QuerySet["Window"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> WindowQuerySet:
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, "hall__unit__path")) if paths else self.none()


class Window(models.Model):
    """A numbered service window (窗口) of a hall. `state` is open, paused or closed."""

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="windows")
    number = models.PositiveSmallIntegerField(pgettext_lazy("hall", "number"))
    name = models.CharField(pgettext_lazy("hall", "name"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=WindowState.choices, default=WindowState.CLOSED)
    # The rating pad paired with the window (`ratings.pair_pad`): the SHA-256 of the key its device keeps.
    pad_key_digest = models.CharField(_("rating pad key digest"), max_length=64, blank=True, editable=False)
    pad_paired_at = models.DateTimeField(_("rating pad paired at"), null=True, blank=True, editable=False)

    objects: ClassVar[WindowQuerySet] = WindowQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["hall", "number"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="hall_window_number")]

    def __str__(self) -> str:
        return f"{self.number}号 {self.name}"


class QueueService(models.Model):
    """A queue of a hall (取号业务) with its rules as columns of one row: the number prefix, the daily cap,
    the warning threshold of people waiting, the issuing hours, and whether it takes green-channel visitors
    and appointments."""

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="services")
    name = models.CharField(pgettext_lazy("hall", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ServiceKind.choices, default=ServiceKind.ITEM)
    # The catalogue's items served in this queue: what the hall's 进驻率 (share of the items it should offer
    # that it does) counts. A grievance-intake queue has none.
    items = models.ManyToManyField(ServiceItem, verbose_name=_("service items"), blank=True, related_name="+")
    prefix = models.CharField(
        pgettext_lazy("hall", "prefix"), max_length=2, help_text=_("The letter before the ticket's number.")
    )
    daily_cap = models.PositiveIntegerField(_("daily cap"), default=300)
    warning_waiting = models.PositiveIntegerField(_("warning threshold of people waiting"), default=30)
    opens_at = models.TimeField(_("issuing from"), default="08:30")
    closes_at = models.TimeField(_("issuing until"), default="17:00")
    green_channel = models.BooleanField(_("green channel"), default=True)
    appointments = models.BooleanField(_("takes appointments"), default=False)
    position = models.PositiveSmallIntegerField(pgettext_lazy("hall", "position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("queue service")
        verbose_name_plural = _("queue services")
        ordering = ["hall", "position", "prefix"]
        constraints = [models.UniqueConstraint(fields=["hall", "prefix"], name="hall_service_prefix")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class WindowService(models.Model):
    """A service a window handles, with the window's priority for it (1 is called first)."""

    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.CASCADE, related_name="window_services"
    )
    service = models.ForeignKey(
        QueueService, verbose_name=_("service"), on_delete=models.CASCADE, related_name="window_services"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("window service")
        verbose_name_plural = _("window services")
        constraints = [models.UniqueConstraint(fields=["window", "service"], name="hall_window_service")]

    def __str__(self) -> str:
        return f"{self.window} · {self.service}"


class WindowSession(models.Model):
    """A person signed in at a window (在岗), from sign-in to sign-out. At most one open session per window
    and per person, which the database enforces."""

    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="sessions")
    user = models.ForeignKey(User, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("signed in at"))
    ended_at = models.DateTimeField(_("signed out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("window session")
        verbose_name_plural = _("window sessions")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["window"], condition=Q(ended_at__isnull=True), name="hall_session_window"),
            models.UniqueConstraint(fields=["user"], condition=Q(ended_at__isnull=True), name="hall_session_user"),
        ]

    def __str__(self) -> str:
        return f"{self.window} · {self.user}"


class WindowEvent(models.Model):
    """Append-only history of a window: sign-ins, sign-outs, refused sign-ins (a hired person at the
    window) and changes of state."""

    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="events")
    user = models.ForeignKey(
        User, verbose_name=_("staff member"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=WindowEventKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=WindowState.choices, blank=True)
    reason = models.CharField(pgettext_lazy("hall", "reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("window event")
        verbose_name_plural = _("window events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["window", "kind", "at"], name="hall_window_event")]

    def __str__(self) -> str:
        return f"{self.window} {self.kind}"


class TicketQuerySet(models.QuerySet["Ticket"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> TicketQuerySet:
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, "hall__unit__path")) if paths else self.none()


class Ticket(models.Model):
    """A queue ticket (排队号): A001 for the first of service A on a day. `queued_at` is its place in the
    queue, kept through a transfer; `version` guards every change (two windows never take one ticket)."""

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    # The queue the ticket waits in now; `issued_for` is the one its number belongs to (a transfer changes
    # only the first).
    service = models.ForeignKey(QueueService, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    issued_for = models.ForeignKey(
        QueueService, verbose_name=_("queue the number belongs to"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    seq = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(pgettext_lazy("hall", "number"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    channel = models.CharField(pgettext_lazy("hall", "channel"), max_length=10, choices=TicketChannel.choices)
    green = models.CharField(_("green channel"), max_length=10, choices=GreenReason.choices, blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    issued_at = models.DateTimeField(pgettext_lazy("hall", "issued at"))
    queued_at = models.DateTimeField(_("place in the queue"))
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A transfer to a named window: only that window calls the ticket.
    target_window = models.ForeignKey(
        Window, verbose_name=_("target window"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    served_by = models.ForeignKey(
        User, verbose_name=_("served by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(
        pgettext_lazy("hall", "phone"), max_length=20, blank=True, validators=[validate_person_phone]
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=pgettext_lazy("hall", "case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    token = models.CharField(_("token"), max_length=24, unique=True, default=new_token, editable=False)
    version = models.PositiveIntegerField(pgettext_lazy("hall", "version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[TicketQuerySet] = TicketQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-day", "queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["issued_for", "day", "seq"], name="hall_ticket_number")]
        indexes = [
            # call-next and the waiting counts: a hall's open tickets of the day
            models.Index(fields=["hall", "day", "status", "service"], name="hall_ticket_queue"),
            # call-next's check that the window's hands are free, whatever the window's history
            models.Index(fields=["window"], condition=Q(status__in=IN_HAND_STATUSES), name="hall_ticket_in_hand"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.day})"


class TicketEvent(models.Model):
    """An append-only change of a ticket (who, at which window, when, from which status to which, why).
    Waiting and service times and every statistic derive from these rows."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="events")
    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(QueueService, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    action = models.CharField(pgettext_lazy("hall", "action"), max_length=10, choices=TicketAction.choices)
    from_status = models.CharField(_("from status"), max_length=10, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=10, choices=TicketStatus.choices)
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(pgettext_lazy("hall", "reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["hall", "at"], name="hall_event_day"),  # statistics of a day
            # The display's last calls: read backwards from the newest, whatever the hall's history.
            models.Index(
                fields=["hall", "-id"],
                condition=Q(action__in=["call", "recall"]),
                name="hall_event_calls",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"


class PadRating(models.Model):
    """An on-the-spot rating (一次一评, GB/T 39734) of one service of a ticket, given on the pad facing the
    citizen; never changed. A 差评 files a case for the visit, and the case core runs its rectification,
    callback and appeal."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="ratings")
    service = models.ForeignKey(QueueService, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        User, verbose_name=_("staff member"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        _("rating"), choices=PadLevel.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=pgettext_lazy("hall", "case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("on-the-spot rating")
        verbose_name_plural = _("on-the-spot ratings")
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["ticket", "service"], name="hall_rating_once")]
        indexes = [models.Index(fields=["window", "at"], name="hall_rating_window")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.level}"


# The discipline models, so that Django finds them with this module.
from bianmin.hall.models_discipline import (  # noqa: E402
    AssessmentItem,
    DutyOfficerMark,
    EscalationPolicy,
    Finding,
    FindingKind,
    HallNotice,
    Patrol,
    RankingWeights,
    Violation,
    ViolationEvent,
)

__all__ = [
    "AssessmentItem",
    "DutyOfficerMark",
    "EscalationPolicy",
    "Finding",
    "FindingKind",
    "Hall",
    "HallNotice",
    "PadRating",
    "Patrol",
    "QueueService",
    "RankingWeights",
    "Ticket",
    "TicketEvent",
    "Violation",
    "ViolationEvent",
    "Window",
    "WindowEvent",
    "WindowService",
    "WindowSession",
]
