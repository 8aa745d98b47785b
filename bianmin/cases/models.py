from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.cases.choices import (
    AnalysisLevel,
    CaseKind,
    CaseStatus,
    Channel,
    LimitUnit,
    Rating,
    RatingAppeal,
    Urgency,
    Workflow,
)
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths, scope_units, subtree_q

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class Category(models.Model):
    """An administrator-defined kind of matter (a tree), carrying the time limit for handling it."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    limit_value = models.PositiveIntegerField(
        _("time limit"), null=True, blank=True, help_text=_("Empty: the default for the case's kind.")
    )
    limit_unit = models.CharField(_("unit of the limit"), max_length=20, choices=LimitUnit.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Classification(models.Model):
    """How an analysis level judges a demand (合理诉求, 不合理诉求, 政策咨询, 矛盾纠纷, …); administrators add more."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CaseQuerySet(models.QuerySet["Case"]):
    def claimable_by(self, user: User) -> CaseQuerySet:
        """The door for claiming (认领): matters filed with a citizen account's own mobile number (proved by
        its sign-in code) that belong to no account yet. Staff accounts claim nothing."""
        from bianmin.org.citizens import is_citizen

        if not user.is_authenticated or not user.phone or not is_citizen(user):
            return self.none()
        return self.filter(citizen__isnull=True, citizen_phone=user.phone).exclude(status=CaseStatus.MERGED)

    def restrict(self, user: User | AnonymousUser, action: Permission) -> CaseQuerySet:
        """Staff see cases handled in, assisted by or about units of their scope; citizens their own.

        Only viewing reaches cases by the village they concern or an assisting unit; acting on a case
        needs its current handling unit in scope."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        paths = scope_paths(user, action)
        if paths is None:
            return self
        own = Q(citizen=user) if action == Permission.CASE_VIEW else Q(pk__in=[])
        if not paths:
            return self.filter(own)
        # Every term of the OR can be answered from an index, so a narrow scope reads only its own cases
        # (`scope_units`, `any_of`: bianmin.org.scope, bianmin.database). No term joins: no duplicate
        # rows, no self-join on the id.
        units = scope_units(user, action)
        visible = own | Q(unit_id__any_of=units)
        if action == Permission.CASE_VIEW:
            assisted = Case.assist_units.through.objects.filter(unit_id__any_of=units).values("case_id")
            visible |= Q(village_id__any_of=units) | Q(pk__any_of=assisted)
        return self.filter(visible)


class Case(models.Model):
    """One matter a citizen brought: a consultation, request, suggestion, complaint, report or petition.

    Its status changes only through `bianmin.cases.services`; every change appends a `CaseEvent`.
    `due_at` is derived from the deadline facts (`due_base_at`, pauses, extensions) and the calendar and
    stored only so that lists can be ordered by it with an index."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    workflow = models.CharField(_("workflow"), max_length=20, choices=Workflow.choices, default=Workflow.GRIEVANCE)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # Meta.indexes: only the cases that have one
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    address = models.CharField(_("address"), max_length=200, blank=True)

    citizen_name = models.CharField(_("citizen's name"), max_length=50)
    citizen_phone = models.CharField(_("citizen's phone"), max_length=20)
    citizen_id_number = models.CharField(_("identity number"), max_length=18, blank=True)
    citizen = models.ForeignKey(
        User,
        verbose_name=_("citizen account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        db_index=False,  # Meta.indexes: only the cases that have one
    )
    village = models.ForeignKey(
        Unit,
        verbose_name=_("village or community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the first column of cases_village_status
    )

    # Where the matter arose, for the figures "by township" (DESIGN §5): the village it concerns, else the
    # unit that took it in. Set at intake and never changed, unlike the handling unit.
    origin_unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit of origin"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the first column of cases_report
    )

    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # the first column of cases_unit_status_due
    )
    handler = models.ForeignKey(
        User,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_cases",
        db_index=False,  # Meta.indexes: only the cases that have one
    )
    assist_units = models.ManyToManyField(
        Unit, verbose_name=_("assisting units"), blank=True, related_name="assisted_cases"
    )
    analysis_level = models.CharField(_("analysis level"), max_length=20, choices=AnalysisLevel.choices, blank=True)
    classification = models.ForeignKey(
        Classification,
        verbose_name=_("classification"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # Meta.indexes: only the cases that have one
    )
    master = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,  # Meta.indexes: only the merged duplicates
    )

    # Deadline facts. The limit is copied at intake so a later change of the category leaves it alone.
    received_at = models.DateTimeField(_("received at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    limit_value = models.PositiveIntegerField(_("time limit"))
    limit_unit = models.CharField(_("unit of the limit"), max_length=20, choices=LimitUnit.choices)
    due_base_at = models.DateTimeField(_("deadline before pauses and extensions"), null=True, blank=True)
    due_base_set_at = models.DateTimeField(_("deadline base set at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    level_entered_at = models.DateTimeField(_("at this analysis level since"), null=True, blank=True)
    level_due_at = models.DateTimeField(_("due at this analysis level"), null=True, blank=True)

    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_on_time = models.BooleanField(_("completed on time"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices, null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rating_appeal = models.CharField(
        _("appeal against the rating"), max_length=10, choices=RatingAppeal.choices, blank=True, default=""
    )
    rating_appeal_decided_at = models.DateTimeField(_("appeal decided at"), null=True, blank=True)
    # The 差评 loop (DESIGN §4.4): a bad rating owes a rectification by this deadline (RECTIFICATION_DAYS working
    # days) and a callback to the citizen, who gave their name (100%); an upheld appeal lifts both.
    rectify_due_at = models.DateTimeField(_("rectification due by"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)

    # The unit that sent the case to its handling unit by a transfer or an escalation: where 退单 returns it.
    # Empty when the case is with the unit that took it in (nothing to return), kept by those three actions.
    sent_by = models.ForeignKey(
        Unit,
        verbose_name=_("sent by unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
    )

    # Counted once per case by the KPIs (DESIGN §5); kept by the services with each event.
    transfer_count = models.PositiveIntegerField(_("transfers"), default=0)
    supervise_count = models.PositiveIntegerField(_("supervisions"), default=0)
    reopen_count = models.PositiveIntegerField(_("reopenings"), default=0)
    # A handler's request to extend the limit by this much (in the limit's unit), waiting for one who approves.
    extension_requested = models.PositiveIntegerField(_("extension requested"), null=True, blank=True)

    # The end of the history (DESIGN §3): the sequence number and hash of the case's latest event, written with
    # it, so that `verify` sees a removed tail as well as an edited event. Empty only on rows written before
    # migration 0018 filled them (nullable so that SQLite adds the columns without copying the table).
    last_event_seq = models.PositiveIntegerField(_("last event's sequence number"), null=True, editable=False)
    last_event_hash = models.CharField(  # noqa: DJ001 (see above)
        _("last event's hash"), max_length=64, null=True, editable=False
    )

    created_by = models.ForeignKey(
        User, verbose_name=_("registered by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[CaseQuerySet] = CaseQuerySet.as_manager()  # type: ignore[assignment]

    if TYPE_CHECKING:
        events: RelatedManager[CaseEvent]
        pauses: RelatedManager[CasePause]
        extensions: RelatedManager[CaseExtension]

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="cases_case_idempotency",
            )
        ]
        # Every index is written by every update that changes a column it holds, and an action changes the
        # status: so no index whose columns lead another one (a case's units are found by the composite
        # indexes that begin with them), and a link most cases lack is indexed only where it is set.
        indexes = [
            *(
                models.Index(fields=[link], condition=Q(**{f"{link}__isnull": False}), name=f"cases_case_{link}")
                for link in ("category", "citizen", "handler", "classification", "master")
            ),
            models.Index(fields=["unit", "status", "due_at"], name="cases_unit_status_due"),
            models.Index(fields=["village", "status"], name="cases_village_status"),
            models.Index(fields=["received_at"], name="cases_received"),
            # A citizen's account finds the matters filed with its mobile number that it may claim.
            models.Index(fields=["citizen_phone"], condition=Q(citizen__isnull=True), name="cases_unclaimed_phone"),
            # The few cases whose handler waits for an extension, for those who approve.
            models.Index(
                fields=["unit"], condition=Q(extension_requested__isnull=False), name="cases_extension_requested"
            ),
            # The workbench (open cases by due time) reads its ids from this index alone: the order, then the
            # columns the scope tests (handling unit, village, citizen, and the id for assisted cases).
            models.Index(
                fields=["status", "due_at", "number", "unit", "village", "citizen", "id"], name="cases_workbench"
            ),
            # The reports read every figure from this index alone (DESIGN §5, §7): the units and days a
            # report covers, then the columns its conditions test, so no table row is visited.
            models.Index(
                fields=[
                    "origin_unit",
                    "received_at",
                    "status",
                    "accepted_at",
                    "due_at",
                    "transfer_count",
                    "supervise_count",
                    "completed_on_time",
                    "rating",
                    "rating_appeal",
                    "channel",
                    "analysis_level",
                ],
                name="cases_report",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def in_scope(self, user: User | AnonymousUser, action: Permission) -> bool:
        """`restrict`'s rule for this one case, decided in Python on the units' paths: no scan of the case
        table, whatever its size. Reads the handling unit (and for viewing the village and the assisting
        units) only as far as the answer needs them."""
        if not user.is_authenticated or not user.is_active:
            return False
        if action == Permission.CASE_VIEW and self.citizen_id is not None and self.citizen_id == user.pk:
            return True
        paths = scope_paths(user, action)
        if paths is None:
            return True
        if not paths:
            return False
        if self.unit.path.startswith(tuple(paths)):
            return True
        if action != Permission.CASE_VIEW:
            return False
        if self.village_id is not None and self.village is not None and self.village.path.startswith(tuple(paths)):
            return True
        return self.assist_units.filter(subtree_q(paths, "path")).exists()


class CaseEvent(models.Model):
    """One step in a case's history, append-only and hash-chained to the step before it."""

    # No index of its own: the unique (case, seq) index serves every lookup by case.
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events", db_index=False
    )
    seq = models.PositiveIntegerField(_("sequence"))
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20)
    # Indexed only where set (Meta.indexes): most events leave the case where it is.
    from_unit = models.ForeignKey(
        Unit,
        verbose_name=_("from unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    to_unit = models.ForeignKey(
        Unit,
        verbose_name=_("to unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("time"))
    # When the next event happened: this event's state held over [at, next_at). Derived from the chain
    # (not hashed, checked by `verify`) so a report "as of" a moment joins one event per case.
    next_at = models.DateTimeField(_("next event at"), null=True, blank=True, editable=False)
    # The case's deadline as this event left it: what "overdue" at a moment within [at, next_at) compares with
    # (DESIGN §5: figures as of a moment). Not hashed, like next_at; empty on events written before
    # migration 0022, for which the reports fall back to the case's present deadline.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="cases_event_case_seq")]
        indexes = [
            models.Index(fields=[link], condition=Q(**{f"{link}__isnull": False}), name=f"cases_event_{link}")
            for link in ("from_unit", "to_unit")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"


class CasePause(models.Model):
    """A stretch of time during which the case's clock stood still (挂起: waiting for the citizen)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    reason = models.CharField(_("reason for the pause"), max_length=500)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.started_at:%Y-%m-%d}"


class CaseExtension(models.Model):
    """An approved extension of the case's time limit (延期), in the unit of the case's limit."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions")
    amount = models.PositiveIntegerField(_("extended by"))
    reason = models.CharField(_("reason for the extension"), max_length=500)
    approved_by = models.ForeignKey(User, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("approved at"))

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.amount}"


class DocumentSeries(models.Model):
    """The last number a unit gave its notices of one kind in a year (白帝镇决〔2026〕12号), advanced by one
    atomic upsert inside the issuing action's transaction: a series without gaps or repeats."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    mark = models.CharField(_("document mark"), max_length=10)
    last = models.PositiveIntegerField(_("last number issued"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year", "mark"], name="cases_document_series_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.mark}〔{self.year}〕{self.last}"


class DailySequence(models.Model):
    """The last case number issued on a day (Asia/Shanghai), advanced by one atomic upsert."""

    day = models.DateField(_("date"), primary_key=True)
    last = models.PositiveIntegerField(_("last number issued"))

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Notification(models.Model):
    """A message owed to a unit or to the case's citizen (a reminder, an overdue notice, a transfer, a
    supervision, a reply), kept until a channel has delivered it. `dedupe_key` makes every sweep and
    every retry produce the same message at most once."""

    kind = models.CharField(_("kind"), max_length=30)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notifications")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )  # indexed where set (Meta.indexes): a citizen's messages have none
    to_citizen = models.BooleanField(_("to the citizen"), default=False)
    dedupe_key = models.CharField(_("deduplication key"), max_length=150, unique=True)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="cases_notification_pending"),
            models.Index(fields=["unit"], condition=Q(unit__isnull=False), name="cases_notification_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"


class CaseAttachment(models.Model):
    """A file brought with a case (a photo of the collapsed road, a scanned letter), kept under the data
    dir and served only through the scoped download view."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256 digest"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["at"]

    def __str__(self) -> str:
        return self.name


class OpenCaseText(models.Model):
    """The words of an open case (its title and content), for the workbench's text search: a small table of
    the few tens of thousands of open cases, read in one pass, instead of case rows scattered over the
    pages of a million. Kept by database triggers on `cases_case` (migration 0016), whatever writes a case:
    a row while the case is open, none once it is closed."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("search text"))

    class Meta:
        verbose_name = _("open case text")
        verbose_name_plural = _("open case texts")

    def __str__(self) -> str:
        return str(self.case_id)


# The application workflow's own rows, so that Django finds them with this module.
from bianmin.cases.applications.models import Application as Application  # noqa: E402
from bianmin.cases.applications.models import CaseDocument as CaseDocument  # noqa: E402
