"""Duty rosters (值班): places, the people who take turns there, pattern layers, holiday plans, changes, the
resolved day table the public page reads, published months, attendance, duty logs and reception visits."""

from __future__ import annotations

import datetime
import re
import secrets
from datetime import time
from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.cases.models import Case
from bianmin.duty.choices import (
    ChangeAction,
    ChangeKind,
    ChangeState,
    DayRule,
    MonthState,
    PlaceKind,
    ReminderKind,
    SlotSource,
)
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths, subtree_q
from bianmin.org.validators import validate_person_phone

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")
# The days a roster may name: wide enough for any real one, narrow enough that the months either side exist.
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)


def parse_hours(text: str) -> list[tuple[time, time]]:
    """'08:30-12:00 14:30-18:00' → the spans of a duty day; '' is the whole day (24-hour duty)."""
    spans = []
    for part in text.split():
        if not HOURS.match(part):
            raise ValidationError(_("Write hours as 08:30-12:00 14:30-18:00."))
        start, end = (_clock(t) for t in part.split("-"))
        if end <= start:
            raise ValidationError(_("A span of hours must end after it starts."))
        spans.append((start, end))
    return spans


def _clock(text: str) -> time:
    hour, minute = (int(x) for x in text.split(":"))
    return time(23, 59) if hour == 24 else time(hour, minute)


def validate_hours(text: str) -> None:
    parse_hours(text)


def new_secret() -> str:
    return secrets.token_urlsafe(24)


M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    """Rows of a duty place: visible on the subtrees of the user's memberships granting `action`."""

    unit_path = "place__unit__path"

    def restrict(self, user: User | AnonymousUser, action: Permission) -> ScopedQuerySet[M]:
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, self.unit_path)) if paths else self.none()


class PlaceQuerySet(ScopedQuerySet["DutyPlace"]):
    unit_path = "unit__path"


class DutyPlace(models.Model):
    """A place where someone is on duty: a village hall (村委会值班室), a township's petition reception room
    (信访接待室) or its on-call duty. Its `head` (村书记 / 党政办) approves changes to its roster."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices)
    name = models.CharField(_("name"), max_length=100)
    head = models.ForeignKey(
        User,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The designated head who approves leave, substitutes and swaps (村书记 / 党政办)."),
    )
    feed_secret = models.CharField(
        _("calendar feed secret"), max_length=40, unique=True, default=new_secret, editable=False
    )
    active = models.BooleanField(_("active"), default=True)

    objects: ClassVar[PlaceQuerySet] = PlaceQuerySet.as_manager()  # type: ignore[assignment]

    if TYPE_CHECKING:
        members: RelatedManager[DutyMember]
        layers: RelatedManager[DutyLayer]

    class Meta:
        verbose_name = _("duty place")
        verbose_name_plural = _("duty places")
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="duty_place_unit_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_leader(self) -> bool:
        """A reception room needs a leader on every working day."""
        return self.kind == PlaceKind.RECEPTION_ROOM


class DutyMember(models.Model):
    """A person who takes turns at a place, in rotation order, with the name and post the duty board shows.
    `user` is their account; a cadre without one is on the roster all the same (a manager enters their
    changes), but cannot check in or ask for a change themselves."""

    place = models.ForeignKey(
        DutyPlace, verbose_name=pgettext_lazy("duty", "place"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        User, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(pgettext_lazy("duty", "name"), max_length=50)
    post = models.CharField(_("post"), max_length=50, help_text=_("For example: 村党支部书记, 村委会主任, 副镇长."))
    is_leader = models.BooleanField(_("leader"), default=False, help_text=_("May receive visitors as the leader."))
    position = models.PositiveSmallIntegerField(_("order in the rotation"), default=0)
    active = models.BooleanField(_("active"), default=True)
    feed_secret = models.CharField(
        _("calendar feed secret"), max_length=40, unique=True, default=new_secret, editable=False
    )

    objects: ClassVar[ScopedQuerySet[DutyMember]] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("duty member")
        verbose_name_plural = _("duty members")
        ordering = ["place", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "user"], condition=models.Q(user__isnull=False), name="duty_member_place_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.post}"


class DutyLayer(models.Model):
    """A pattern of the roster (GoAlert's rule + rotation): on the days of `days`, everyone is in, or
    `people_per_day` take turns. Where layers overlap on a day, the highest `priority` decides it."""

    place = models.ForeignKey(
        DutyPlace, verbose_name=pgettext_lazy("duty", "place"), on_delete=models.CASCADE, related_name="layers"
    )
    name = models.CharField(_("name"), max_length=100)
    days = models.CharField(_("days"), max_length=20, choices=DayRule.choices)
    everyone = models.BooleanField(_("everyone in"), default=False)
    people_per_day = models.PositiveSmallIntegerField(
        _("people per day"), default=1, help_text=_("With everyone in: the attendance required.")
    )
    hours = models.CharField(
        pgettext_lazy("duty", "hours"),
        max_length=60,
        blank=True,
        validators=[validate_hours],
        help_text=_("08:30-12:00 14:30-18:00"),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    active = models.BooleanField(_("active"), default=True)

    objects: ClassVar[ScopedQuerySet[DutyLayer]] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("duty layer")
        verbose_name_plural = _("duty layers")
        ordering = ["place", "-priority", "id"]

    def __str__(self) -> str:
        return self.name


class HolidayPlan(models.Model):
    """A fixed duty plan for a span (春节, 国庆): it replaces the layers on its days (GoAlert's temporary
    schedule)."""

    place = models.ForeignKey(
        DutyPlace, verbose_name=pgettext_lazy("duty", "place"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    hours = models.CharField(pgettext_lazy("duty", "hours"), max_length=60, blank=True, validators=[validate_hours])

    objects: ClassVar[ScopedQuerySet[HolidayPlan]] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    if TYPE_CHECKING:
        shifts: RelatedManager[HolidayShift]

    class Meta:
        verbose_name = _("holiday plan")
        verbose_name_plural = _("holiday plans")
        ordering = ["place", "start"]

    def __str__(self) -> str:
        return self.name


class HolidayShift(models.Model):
    """One person on one day of a holiday plan."""

    plan = models.ForeignKey(
        HolidayPlan, verbose_name=_("holiday plan"), on_delete=models.CASCADE, related_name="shifts"
    )
    date = models.DateField(_("date"))
    member = models.ForeignKey(DutyMember, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("holiday shift")
        verbose_name_plural = _("holiday shifts")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["plan", "date", "member"], name="duty_shift_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.member}"


class DutyChange(models.Model):
    """Leave, a substitute or a swap: asked by the person (or entered for them by a manager), accepted by the
    colleague, approved by the place's head. Only approved changes shape the roster."""

    place = models.ForeignKey(
        DutyPlace, verbose_name=pgettext_lazy("duty", "place"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    state = models.CharField(_("state"), max_length=20, choices=ChangeState.choices, default=ChangeState.REQUESTED)
    member = models.ForeignKey(DutyMember, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    colleague = models.ForeignKey(
        DutyMember, verbose_name=_("colleague"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"), help_text=_("The duty given away; the first day of a leave."))
    other_date = models.DateField(_("colleague's date"), null=True, blank=True, help_text=_("A swap's other day."))
    end = models.DateField(_("last day of leave"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    accepted_by = models.ForeignKey(
        User, verbose_name=_("accepted by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(pgettext_lazy("duty", "accepted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(pgettext_lazy("duty", "decided at"), null=True, blank=True)

    objects: ClassVar[ScopedQuerySet[DutyChange]] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("duty change")
        verbose_name_plural = _("duty changes")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["place", "state", "date"], name="duty_change_place_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.member} {self.date}"

    @property
    def last_day(self) -> datetime.date:
        return self.end or self.date


class DutyChangeEvent(models.Model):
    """One step of a change, append-only: who did what, when, from which state to which."""

    change = models.ForeignKey(
        DutyChange, verbose_name=_("duty change"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=ChangeAction.choices)
    from_state = models.CharField(_("from state"), max_length=20, blank=True)
    to_state = models.CharField(_("to state"), max_length=20)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty change event")
        verbose_name_plural = _("duty change events")
        ordering = ["change", "id"]

    def __str__(self) -> str:
        return f"{self.change_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class DutyDay(models.Model):
    """The resolved roster: one person on duty at a place on a date. Written only by the resolver;
    denormalised (unit, name, post, hours) so the public page is one indexed read by (unit, date)."""

    place = models.ForeignKey(
        DutyPlace, verbose_name=pgettext_lazy("duty", "place"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    place_kind = models.CharField(_("kind of place"), max_length=20, choices=PlaceKind.choices)
    date = models.DateField(_("date"))
    member = models.ForeignKey(DutyMember, verbose_name=_("duty member"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, verbose_name=_("account"), null=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(pgettext_lazy("duty", "name"), max_length=50)
    post = models.CharField(_("post"), max_length=50)
    is_leader = models.BooleanField(_("leader"), default=False)
    hours = models.CharField(pgettext_lazy("duty", "hours"), max_length=60, blank=True)
    source = models.CharField(_("why"), max_length=20, choices=SlotSource.choices)
    rest_day = models.BooleanField(_("rest day"), default=False)

    objects: ClassVar[ScopedQuerySet[DutyDay]] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("duty day")
        verbose_name_plural = _("duty days")
        ordering = ["date", "place_kind", "id"]
        indexes = [
            models.Index(fields=["unit", "date"], name="duty_day_unit_date"),
            models.Index(fields=["place", "date"], name="duty_day_place_date"),
            models.Index(fields=["user", "date"], name="duty_day_user_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class DutyMonth(models.Model):
    """A month of a place's roster as reviewed and published, with the check's findings at publication."""

    place = models.ForeignKey(
        DutyPlace, verbose_name=pgettext_lazy("duty", "place"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("Its first day."))
    state = models.CharField(_("state"), max_length=20, choices=MonthState.choices, default=MonthState.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        User, verbose_name=_("published by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gap_reason = models.CharField(_("reason for publishing with gaps"), max_length=300, blank=True)
    findings = models.JSONField(_("findings"), default=dict, blank=True)

    objects: ClassVar[ScopedQuerySet[DutyMonth]] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("duty month")
        verbose_name_plural = _("duty months")
        ordering = ["place", "month"]
        constraints = [models.UniqueConstraint(fields=["place", "month"], name="duty_month_place_month")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.month:%Y-%m} {self.state}"


class Attendance(models.Model):
    """The person on duty checking in and out from their phone."""

    place = models.ForeignKey(
        DutyPlace, verbose_name=pgettext_lazy("duty", "place"), on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(_("date"))
    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)

    objects: ClassVar[ScopedQuerySet[Attendance]] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-date", "place"]
        constraints = [models.UniqueConstraint(fields=["place", "date", "user"], name="duty_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.user}"


class DutyLog(models.Model):
    """A duty log entry (值班日志): what happened that day at the place."""

    place = models.ForeignKey(
        DutyPlace, verbose_name=pgettext_lazy("duty", "place"), on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(_("date"))
    author = models.ForeignKey(User, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("what happened"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects: ClassVar[ScopedQuerySet[DutyLog]] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["place", "date"], name="duty_log_place_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.text[:30]}"


class ReceptionVisit(models.Model):
    """A visit received in the petition reception room (接访) by the leader on duty; it may become a
    petition case in the grievance workflow."""

    place = models.ForeignKey(
        DutyPlace, verbose_name=pgettext_lazy("duty", "place"), on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(User, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(_("time of the visit"))
    visitor_name = models.CharField(_("visitor"), max_length=50)
    visitor_phone = models.CharField(_("visitor's phone"), max_length=20, validators=[validate_person_phone])
    village = models.ForeignKey(
        Unit, verbose_name=_("village"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matter = models.CharField(_("matter"), max_length=200)
    people_count = models.PositiveSmallIntegerField(_("people"), default=1)
    notes = models.TextField(_("what was said"), max_length=4000, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")

    objects: ClassVar[ScopedQuerySet[ReceptionVisit]] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("reception visit")
        verbose_name_plural = _("reception visits")
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["place", "visited_at"], name="duty_visit_place_time")]

    def __str__(self) -> str:
        return f"{self.visited_at:%Y-%m-%d} {self.matter}"


class DutyReminder(models.Model):
    """A reminder sent to or about a person's duty day: kept so that `duty_remind` run twice on a day (by hand,
    or after a restart of the scheduler) does not send it again."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    place = models.ForeignKey(
        DutyPlace, verbose_name=pgettext_lazy("duty", "place"), on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(DutyMember, verbose_name=_("duty member"), on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("duty day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty reminder")
        verbose_name_plural = _("duty reminders")
        constraints = [models.UniqueConstraint(fields=["kind", "date", "place", "member"], name="duty_reminder_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.date} {self.member_id}"
