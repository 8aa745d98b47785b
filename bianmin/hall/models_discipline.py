"""The hall's discipline (窗口工作纪律): the patrol checklist and its deductions, patrols and their findings,
violations with their escalation chain and events, the assessment items, the hall-wide notices (通报), the
ranking's weights and the duty officers' monthly marks. Split from `models.py` (one file would pass 600
lines); Django finds them through it."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.hall.choices import (
    Measure,
    ViolationAction,
    ViolationStatus,
)
from bianmin.hall.models import Hall, Window
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths, subtree_q


class FindingKind(models.Model):
    """An item of the patrol's checklist (巡岗发现) with the points it deducts from the person's monthly score
    (考核扣分): the deduction table, edited by the hall's managers. A violation keeps the points it was given."""

    code = models.SlugField(pgettext_lazy("hall", "code"), max_length=30, unique=True)
    name = models.CharField(pgettext_lazy("hall", "name"), max_length=100)
    points = models.DecimalField(_("points deducted"), max_digits=4, decimal_places=1, default=0)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("hall", "position"), default=0)

    class Meta:
        verbose_name = _("patrol finding kind")
        verbose_name_plural = _("patrol finding kinds")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name} (−{self.points})"


class PatrolQuerySet(models.QuerySet["Patrol"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> PatrolQuerySet:
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, "hall__unit__path")) if paths else self.none()


class Patrol(models.Model):
    """A patrol round of a hall (巡岗) by an inspector: when, and what was found at each window."""

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(User, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects: ClassVar[PatrolQuerySet] = PatrolQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-at"]
        indexes = [models.Index(fields=["hall", "at"], name="hall_patrol_at")]

    def __str__(self) -> str:
        return f"{self.hall} {self.at:%Y-%m-%d %H:%M}"


class Finding(models.Model):
    """What a patrol found at one window: who was signed in, whether they were present, and a finding."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="findings")
    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="+")
    signed_in = models.ForeignKey(
        User, verbose_name=_("signed in"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(_("present"), default=True)
    kind = models.ForeignKey(
        FindingKind, verbose_name=_("finding"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    # A JPEG or PNG, checked by its first bytes (no image library is installed).
    photo = models.FileField(_("photo"), upload_to="hall/patrols/%Y/%m/", blank=True, max_length=200)

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")

    def __str__(self) -> str:
        return f"{self.window}: {self.kind or '—'}"


class ViolationQuerySet(models.QuerySet["Violation"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> ViolationQuerySet:
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, "hall__unit__path")) if paths else self.none()


class Violation(models.Model):
    """A breach of work discipline by a person (违反工作纪律), from a patrol's finding, with the points the
    deduction table gave it then."""

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    finding = models.OneToOneField(
        Finding, verbose_name=_("patrol finding"), on_delete=models.PROTECT, related_name="violation"
    )
    person = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(FindingKind, verbose_name=_("finding"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points deducted"), max_digits=4, decimal_places=1)
    at = models.DateTimeField(_("at"))
    # Where it stands on the escalation chain (`bianmin.hall.escalation`), and the yellow card's deadline.
    status = models.CharField(
        _("status"), max_length=12, choices=ViolationStatus.choices, default=ViolationStatus.REMINDED
    )
    fix_by = models.DateField(_("fix by"), null=True, blank=True)

    objects: ClassVar[ViolationQuerySet] = ViolationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-at"]
        indexes = [models.Index(fields=["hall", "at"], name="hall_violation_at")]

    def __str__(self) -> str:
        return f"{self.person} {self.kind.name}"


class ViolationEvent(models.Model):
    """An append-only step of a violation on the escalation chain, or an accountability measure taken for it
    (责任追究): who, when, from which card to which, the deadline set, the measure and why."""

    violation = models.ForeignKey(
        Violation, verbose_name=_("violation"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(pgettext_lazy("hall", "action"), max_length=12, choices=ViolationAction.choices)
    from_status = models.CharField(_("from status"), max_length=12, choices=ViolationStatus.choices, blank=True)
    to_status = models.CharField(_("status"), max_length=12, choices=ViolationStatus.choices)
    fix_by = models.DateField(_("fix by"), null=True, blank=True)
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("violation event")
        verbose_name_plural = _("violation events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.violation_id} {self.action}"


class EscalationPolicy(models.Model):
    """How a hall escalates violations (蓝牌提醒 → 黄牌限期整改 → 红牌通报): a person's n-th violation of a
    month starts at the yellow card from `fix_from` and at the red from `notice_from`; a yellow card is to be
    fixed within `fix_days` working days. A hall without a row has the defaults."""

    hall = models.OneToOneField(Hall, verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    fix_from = models.PositiveSmallIntegerField(
        _("deadline to fix from the n-th violation"), default=2, validators=[MinValueValidator(1)]
    )
    notice_from = models.PositiveSmallIntegerField(
        _("hall-wide notice from the n-th violation"), default=3, validators=[MinValueValidator(1)]
    )
    fix_days = models.PositiveSmallIntegerField(
        _("working days to fix"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )

    class Meta:
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")

    def __str__(self) -> str:
        return f"{self.fix_from}/{self.notice_from}/{self.fix_days}"


class AssessmentItem(models.Model):
    """A manual item of the half-year assessment (半年考核) of a person or a window: points for what the
    events do not show (an award, a complaint upheld, a task done well), entered by the hall's managers."""

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    half = models.DateField(_("half-year"), help_text=_("Its first day: 1 January or 1 July."))
    person = models.ForeignKey(
        User, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    points = models.DecimalField(
        _("points"), max_digits=4, decimal_places=1, validators=[MinValueValidator(-100), MaxValueValidator(5)]
    )
    added_by = models.ForeignKey(User, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        ordering = ["half", "at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, window__isnull=True) | Q(person__isnull=True, window__isnull=False),
                name="hall_item_person_or_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.half:%Y-%m} {self.title} {self.points}"


class NoticeQuerySet(models.QuerySet["HallNotice"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> NoticeQuerySet:
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, "hall__unit__path")) if paths else self.none()


class HallNotice(models.Model):
    """A notice (通报) listing the violations of a period, published to the staff and, if chosen, the public."""

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    public = models.BooleanField(_("public"), default=False)
    violations = models.ManyToManyField(Violation, verbose_name=_("violations"), related_name="notices")
    published_by = models.ForeignKey(User, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"))

    objects: ClassVar[NoticeQuerySet] = NoticeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("hall notice")
        verbose_name_plural = _("hall notices")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class RankingWeights(models.Model):
    """The weights of a hall's monthly window ranking (红旗窗口评比), in percent, summing to 100: window
    efficiency, staff score, duty officer's mark and citizens' ratings (default 30 / 30 / 20 / 20)."""

    hall = models.OneToOneField(Hall, verbose_name=_("hall"), on_delete=models.CASCADE, related_name="+")
    efficiency = models.PositiveSmallIntegerField(_("window efficiency"), default=30)
    staff = models.PositiveSmallIntegerField(_("staff score"), default=30)
    duty_officer = models.PositiveSmallIntegerField(_("duty officer's mark"), default=20)
    citizens = models.PositiveSmallIntegerField(_("citizens' ratings"), default=20)

    class Meta:
        verbose_name = _("ranking weights")
        verbose_name_plural = _("ranking weights")
        constraints = [
            models.CheckConstraint(
                condition=Q(efficiency__lte=100, staff__lte=100, duty_officer__lte=100, citizens__lte=100),
                name="hall_weights_percent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.efficiency}/{self.staff}/{self.duty_officer}/{self.citizens}"


class DutyOfficerMark(models.Model):
    """The duty officer's mark (值班长评分, 0–100) of a window for a month, a manual item of the ranking."""

    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("duty officer's mark")
        verbose_name_plural = _("duty officer's marks")
        constraints = [models.UniqueConstraint(fields=["window", "month"], name="hall_mark_once")]

    def __str__(self) -> str:
        return f"{self.window} {self.month:%Y-%m}: {self.score}"
