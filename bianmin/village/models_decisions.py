"""四议两公开 decisions and their steps, village rules and charters with versions, projects and funds with their
ledger, declared relatives and conflict-of-interest flags (DESIGN §2.6, §4.5)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.cases.models import Case
from bianmin.org.models import Unit, User
from bianmin.village.choices import (
    CharterKind,
    ConflictRole,
    DecisionKind,
    DecisionStatus,
    FlagOutcome,
    FundSource,
    MeetingType,
    ProjectStatus,
    Step,
)
from bianmin.village.models import Publication, VillageQuerySet


class Decision(models.Model):
    """A major matter of the village decided by 四议两公开 (or a 一事一议), step by step."""

    village = models.ForeignKey(Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=DecisionKind.choices, default=DecisionKind.MAJOR)
    title = models.CharField(_("matter"), max_length=200)
    summary = models.TextField(_("content"), blank=True)
    amount_fen = models.BigIntegerField(_("amount (fen)"), default=0)
    # Only a 一事一议 raises money from the villagers, at most a capped amount per person a year (decisions.py).
    per_person_fen = models.BigIntegerField(
        _("raised per villager a year (fen)"),
        null=True,
        blank=True,
        help_text=_("One matter, one discussion only: what each villager pays."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.IN_PROGRESS
    )
    resolution = models.ForeignKey(
        Publication,
        verbose_name=_("resolution notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.ForeignKey(
        Publication, verbose_name=_("result notice"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects: ClassVar[VillageQuerySet[Decision]] = VillageQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = pgettext_lazy("village", "decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["village", "status"], name="village_decision_status")]

    def __str__(self) -> str:
        return self.title


class DecisionStep(models.Model):
    """One meeting of a decision's first four steps: its type, date, the counts (entitled from the register),
    minutes, the sign-in sheet, the township's observer, and the verdict the platform computed. A step
    found invalid may be held again (a new row); the next step needs a valid one."""

    decision = models.ForeignKey(
        Decision, verbose_name=pgettext_lazy("village", "decision"), on_delete=models.PROTECT, related_name="steps"
    )
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    meeting_type = models.CharField(_("meeting"), max_length=20, choices=MeetingType.choices)
    held_on = models.DateField(_("held on"))
    entitled = models.PositiveIntegerField(_("entitled to attend"))
    present = models.PositiveIntegerField(pgettext_lazy("meeting", "present"))
    votes_for = models.PositiveIntegerField(pgettext_lazy("meeting", "for"))
    votes_against = models.PositiveIntegerField(_("against"), default=0)
    abstaining = models.PositiveIntegerField(_("abstaining"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    households_present = models.PositiveIntegerField(_("households represented"), default=0)
    minutes = models.TextField(_("minutes"), blank=True)
    attachment = models.FileField(_("sign-in sheet"), upload_to="village/meetings/%Y/%m/", blank=True)
    observer = models.CharField(_("township observer"), max_length=50, blank=True)
    quorum = models.BooleanField(_("quorum reached"))
    approved = models.BooleanField(_("approved"))
    valid = models.BooleanField(_("valid"))
    reasons = models.JSONField(_("why not valid"), default=list)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("time recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision step")
        verbose_name_plural = _("decision steps")
        ordering = ["decision", "step", "id"]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.step}"


class Charter(models.Model):
    """Village rules (村规民约) or the self-government charter (村民自治章程) of a village."""

    village = models.ForeignKey(Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=CharterKind.choices)
    title = models.CharField(_("title"), max_length=200)

    objects: ClassVar[VillageQuerySet[Charter]] = VillageQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("village rules or charter")
        verbose_name_plural = _("village rules and charters")
        constraints = [models.UniqueConstraint(fields=["village", "kind"], name="village_charter_kind")]

    def __str__(self) -> str:
        return self.title


class CharterVersion(models.Model):
    """A version of rules or a charter, adopted by a recorded valid meeting and published."""

    charter = models.ForeignKey(
        Charter, verbose_name=_("village rules or charter"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    adopted_by = models.ForeignKey(DecisionStep, verbose_name=_("adopted by"), on_delete=models.PROTECT)
    adopted_on = models.DateField(_("adopted on"))
    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        constraints = [models.UniqueConstraint(fields=["charter", "number"], name="village_charter_version")]

    def __str__(self) -> str:
        return f"{self.charter_id} v{self.number}"


class Project(models.Model):
    """A village construction project or a use of funds, with the national publicity fields (项目名称、地点、
    建设内容、实施期限、实施单位及责任人、施工单位、资金来源及规模、采购或招标结果、绩效目标、带贫减贫机制、受益户),
    a prior notice displayed long enough before work starts, a ledger and a completion notice."""

    village = models.ForeignKey(Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(
        Decision,
        verbose_name=pgettext_lazy("village", "decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    name = models.CharField(_("project"), max_length=200)
    place = models.CharField(pgettext_lazy("project", "place"), max_length=200)
    content = models.TextField(_("content"))
    period_start = models.DateField(_("planned start"))
    period_end = models.DateField(_("planned end"))
    implementer = models.CharField(pgettext_lazy("project", "implementing unit"), max_length=100)
    responsible = models.CharField(_("person responsible"), max_length=50)
    contractor_name = models.CharField(_("contractor"), max_length=100, blank=True)
    contractor_code = models.CharField(_("contractor's identity number or credit code"), max_length=18, blank=True)
    fund_source = models.CharField(_("fund source"), max_length=12, choices=FundSource.choices)
    budget_fen = models.BigIntegerField(_("budget (fen)"))
    disbursed_fen = models.BigIntegerField(_("disbursed (fen)"), default=0, editable=False)
    procurement = models.CharField(_("procurement or tender result"), max_length=200, blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    poverty_mechanism = models.TextField(_("how it helps poor households"), blank=True)
    beneficiaries = models.PositiveIntegerField(_("beneficiary households"), default=0)
    supervision_phone = models.CharField(_("supervision phone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    prior_notice = models.ForeignKey(
        Publication, verbose_name=_("prior notice"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_notice = models.ForeignKey(
        Publication,
        verbose_name=_("completion notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_on = models.DateField(_("work started"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects: ClassVar[VillageQuerySet[Project]] = VillageQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-period_start", "-id"]
        constraints = [
            # The ledger can never pass the budget, whatever runs at once: the database refuses it too.
            models.CheckConstraint(
                condition=models.Q(disbursed_fen__lte=models.F("budget_fen")), name="village_project_within_budget"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Disbursement(models.Model):
    """One payment from a project's funds (支出台账): payee, amount, date, voucher."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="disbursements"
    )
    payee_name = models.CharField(_("payee"), max_length=100)
    payee_code = models.CharField(_("payee's identity number or credit code"), max_length=18, blank=True)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    paid_on = models.DateField(_("paid on"))
    voucher = models.CharField(_("voucher"), max_length=50)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("time recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.amount_fen}"


class Relative(models.Model):
    """A relative that a cadre or a supervision committee member declared (or a business of theirs), matched
    against contractors and payees."""

    village = models.ForeignKey(Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    of_person = models.ForeignKey(
        User, verbose_name=_("relative of"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    of_name = models.CharField(_("relative of (name)"), max_length=50)
    name = models.CharField(pgettext_lazy("relative", "name"), max_length=100)
    code = models.CharField(_("identity number or credit code"), max_length=18, blank=True)
    relation = models.CharField(_("relation"), max_length=20)

    objects: ClassVar[VillageQuerySet[Relative]] = VillageQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("declared relative")
        verbose_name_plural = _("declared relatives")

    def __str__(self) -> str:
        return self.name


class ConflictFlag(models.Model):
    """A contractor or payee who is a cadre, a supervision committee member or a declared relative of one:
    kept on the project's record, with the supervision case it opened for the township, until the township
    closes it with its finding and reason (and kept after that too)."""

    village = models.ForeignKey(Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="flags")
    disbursement = models.ForeignKey(
        Disbursement, verbose_name=_("disbursement"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party_name = models.CharField(_("contractor or payee"), max_length=100)
    role = models.CharField(_("matched as"), max_length=10, choices=ConflictRole.choices)
    matched_person = models.CharField(_("matched person"), max_length=100)
    detail = models.CharField(_("detail"), max_length=200)
    case = models.ForeignKey(
        Case, verbose_name=_("supervision case"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("flagged at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, verbose_name=_("closed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(pgettext_lazy("flag", "finding"), max_length=10, choices=FlagOutcome.choices, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)

    objects: ClassVar[VillageQuerySet[ConflictFlag]] = VillageQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("conflict-of-interest flag")
        verbose_name_plural = _("conflict-of-interest flags")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["village", "closed_at"], name="village_flag_open")]
        constraints = [
            # A closed flag always says what the township found and why.
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | (~models.Q(outcome="") & ~models.Q(close_reason="")),
                name="village_flag_closed_with_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.party_name}"
