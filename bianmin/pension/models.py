"""Pensioners of each village, their certifications and the history of their status (DESIGN §2.7, §4.6).

Bianmin is the village and township side, not the social-insurance system of record: it keeps who is due,
who is overdue, who was certified how and by whom, who is suspended and why. No biometric data anywhere:
fingerprint and face matching happen on the office's own devices, only the result and a reference are kept
(tests/test_models.py checks the fields)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_units
from bianmin.org.validators import validate_person_phone
from bianmin.pension.choices import EventKind, Method, PensionerStatus, Result, StopReason


class Scheme(models.Model):
    """A pension scheme (险种) with its certification cycle: 城乡居民基本养老保险, 企业职工基本养老保险 …
    The cycle and grace here are the defaults; `SchemeRule` sets them for a region."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    cycle_months = models.PositiveSmallIntegerField(
        _("cycle in months"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("At most this many months between two certifications (12 by default; 6 in some regions)."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace in days"),
        default=0,
        validators=[MaxValueValidator(366)],
        help_text=_("Days after the due date before the pension is suspended (from the month after)."),
    )

    class Meta:
        verbose_name = _("pension scheme")
        verbose_name_plural = _("pension schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SchemeRule(models.Model):
    """A region's own cycle for a scheme (海口's 城乡居保: 6 months). The rule of the nearest region above a
    village wins; without one, the scheme's defaults."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="rules")
    region = models.ForeignKey(Unit, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    cycle_months = models.PositiveSmallIntegerField(
        _("cycle in months"), validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    grace_days = models.PositiveSmallIntegerField(_("grace in days"), default=0, validators=[MaxValueValidator(366)])

    class Meta:
        verbose_name = _("regional cycle")
        verbose_name_plural = _("regional cycles")
        constraints = [models.UniqueConstraint(fields=["scheme", "region"], name="pension_rule_scheme_region")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.region}"


class PensionerQuerySet(models.QuerySet["Pensioner"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> PensionerQuerySet:
        """Pensioners of the villages in `user`'s subtrees for `action` (an assistant: their village; a township:
        its villages)."""
        units = scope_units(user, action)
        if units is None:
            return self
        return self.filter(village_id__in=units) if units else self.none()


class Pensioner(models.Model):
    """A person of a village who draws a pension and must be certified alive and entitled once a cycle
    (领取养老保险待遇人员). `cycle_months`, `grace_days`, `due_on` and `suspend_after` are derived from the
    scheme, the region and the last successful certification; `bianmin.pension.services` keeps them true."""

    village = models.ForeignKey(Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("identity number"), max_length=18, unique=True)
    birth_date = models.DateField(_("birth date"))
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_person_phone])
    address = models.CharField(_("address"), max_length=200, blank=True)
    assistant = models.ForeignKey(
        User,
        verbose_name=_("village assistant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("协理员: the village assistant who helps this person certify."),
    )
    needs_home_visit = models.BooleanField(
        _("needs a home visit"), default=False, help_text=_("Bedridden or unable to travel: certified at home.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PensionerStatus.choices, default=PensionerStatus.ACTIVE
    )
    stop_reason = models.CharField(_("reason for stopping"), max_length=20, choices=StopReason.choices, blank=True)
    status_note = models.CharField(_("note on the status"), max_length=200, blank=True)
    suspended_from = models.DateField(_("suspended from"), null=True, blank=True)
    cycle_months = models.PositiveSmallIntegerField(_("cycle in months"), editable=False)
    grace_days = models.PositiveSmallIntegerField(_("grace in days"), editable=False)
    last_certified_on = models.DateField(_("last certified"), null=True, blank=True, editable=False)
    due_on = models.DateField(_("due"), editable=False)
    suspend_after = models.DateField(_("grace ends on"), editable=False)
    # The due date the last reminder was sent for: the sweep reminds once per cycle.
    reminded_for = models.DateField(_("reminded for the due date"), null=True, blank=True, editable=False)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[PensionerQuerySet] = PensionerQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("pensioner")
        verbose_name_plural = _("pensioners")
        ordering = ["due_on", "id"]
        indexes = [
            # The lists of a village or township: status and due date within the scope's villages.
            models.Index(fields=["village", "status", "due_on"], name="pension_village_status_due"),
            # The same over a whole county or province, and the coverage figure.
            models.Index(fields=["status", "due_on"], name="pension_status_due"),
            # The sweep: the active whose grace ran out.
            models.Index(fields=["status", "suspend_after"], name="pension_status_suspend"),
            # The home-visit list: few people, so a partial index (a plain one misleads SQLite's planner,
            # which sees the flag as unselective and scans the village).
            models.Index(
                fields=["village", "due_on"], condition=models.Q(needs_home_visit=True), name="pension_village_home_due"
            ),
            models.Index(fields=["village", "name"], name="pension_village_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Certification(models.Model):
    """One certification event (资格认证): how, by whom, where, with which device, and the result. Never a
    fingerprint, a face image or a template: only the result and the device's reference."""

    pensioner = models.ForeignKey(
        Pensioner, verbose_name=_("pensioner"), on_delete=models.PROTECT, related_name="certifications"
    )
    # The pensioner's village when certified: the reports count by it without a join.
    village = models.ForeignKey(Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    failure_reason = models.CharField(_("reason for the failure"), max_length=200, blank=True)
    operator = models.ForeignKey(
        User, verbose_name=_("operator"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("recorded at"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    device_ref = models.CharField(_("device reference"), max_length=64, blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True)
    certified_at = models.DateTimeField(_("certified at"))
    certified_on = models.DateField(_("date"), editable=False)  # in Asia/Shanghai, for the daily counts
    photo = models.FileField(_("photo of the home visit"), upload_to="pension/visits/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-certified_at", "-id"]
        indexes = [
            models.Index(fields=["certified_on", "village"], name="pension_cert_day_village"),
            models.Index(fields=["pensioner", "certified_at"], name="pension_cert_pensioner"),
        ]

    def __str__(self) -> str:
        return f"{self.certified_on} {self.get_method_display()} {self.get_result_display()}"


class PensionerEvent(models.Model):
    """One change of a pensioner's status, never changed or deleted: registered, suspended (from which month),
    resumed (months to back-pay), stopped (why, months overpaid)."""

    pensioner = models.ForeignKey(Pensioner, verbose_name=_("pensioner"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=10, choices=PensionerStatus.choices, blank=True
    )
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=10, choices=PensionerStatus.choices)
    effective_month = models.DateField(_("effective from"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        User, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("pensioner event")
        verbose_name_plural = _("pensioner events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["pensioner", "at"], name="pension_event_pensioner")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"


class ImportJob(models.Model):
    """One upload of the register, its progress and its outcome (a long import runs after the response)."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Not imported")

    actor = models.ForeignKey(User, verbose_name=_("imported by"), on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to="pension/imports/")
    skip_bad = models.BooleanField(_("skip bad rows"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    checked = models.PositiveIntegerField(_("checked rows"), default=0)
    written = models.PositiveIntegerField(_("written rows"), default=0)
    created = models.PositiveIntegerField(_("pensioners added"), default=0)
    updated = models.PositiveIntegerField(_("pensioners changed"), default=0)
    unchanged = models.PositiveIntegerField(_("pensioners unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("bad rows skipped"), default=0)
    problems = models.JSONField(_("problems"), default=list)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self) -> str:
        return f"import {self.pk} {self.state}"
