"""Village affairs (DESIGN §2.6, §4.5): the register that meetings count from, the publicity catalogue, the
publications with their frozen versions, their events, channel records and questions. Decisions, charters and
projects are in `models_decisions.py` (one file would pass 600 lines)."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.cases.models import Case
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_units
from bianmin.village.choices import (
    Cadence,
    ChannelKind,
    PublicationAction,
    PublicationStatus,
    PublicityCategory,
    Source,
)

_M = TypeVar("_M", bound=models.Model)


class VillageQuerySet(models.QuerySet[_M, _M]):
    """Rows of the villages in the caller's subtrees for `action` (a cadre: their village; a township: its
    villages; a supervisor: the county)."""

    def restrict(self, user: User | AnonymousUser, action: Permission) -> VillageQuerySet[_M]:
        units = scope_units(user, action)
        if units is None:
            return self
        return self.filter(village_id__in=units) if units else self.none()


class Register(models.Model):
    """The village's counts as of a date (村民登记): Party members, adult villagers, households and villagers'
    representatives. A meeting is counted against the latest register on or before its date."""

    village = models.ForeignKey(Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("as of"))
    party_members = models.PositiveIntegerField(_("Party members"))
    adults = models.PositiveIntegerField(_("adult villagers"))
    households = models.PositiveIntegerField(_("households"))
    representatives = models.PositiveIntegerField(_("villagers' representatives"))
    committee_members = models.PositiveIntegerField(_("members of the two committees"), default=7)
    branch_members = models.PositiveIntegerField(_("members of the Party branch committee"), default=5)

    objects: ClassVar[VillageQuerySet[Register]] = VillageQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("village register")
        verbose_name_plural = _("village registers")
        constraints = [models.UniqueConstraint(fields=["village", "as_of"], name="village_register_day")]
        ordering = ["village", "-as_of"]

    def __str__(self) -> str:
        return f"{self.village_id} {self.as_of}"


class CatalogueItem(models.Model):
    """One item of a village's publicity catalogue (村务公开目录): what is published, on which legal basis,
    how often, by whom and through which channels."""

    village = models.ForeignKey(Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=10, choices=PublicityCategory.choices)
    name = models.CharField(_("item"), max_length=100)
    legal_basis = models.CharField(pgettext_lazy("publicity", "legal basis"), max_length=200, blank=True)
    cadence = models.CharField(_("cadence"), max_length=12, choices=Cadence.choices)
    due_day = models.PositiveSmallIntegerField(
        _("due day of the month"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Published by this day of the month after the period ends."),
    )
    responsible = models.CharField(_("responsible person"), max_length=50, blank=True)
    channels = models.JSONField(_("channels"), default=list)
    starts_on = models.DateField(_("scheduled from"))
    is_active = models.BooleanField(_("active"), default=True)

    objects: ClassVar[VillageQuerySet[CatalogueItem]] = VillageQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("publicity catalogue item")
        verbose_name_plural = _("publicity catalogue items")
        ordering = ["village", "category", "name"]
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="village_item_name")]

    def __str__(self) -> str:
        return self.name


class Publication(models.Model):
    """A notice of village affairs (村务公开): drafted by the village committee, reviewed and signed by the
    supervision committee, published, corrected by new versions or withdrawn. Its life goes only through
    `bianmin.village.services`; the published text lives in `PublicationVersion`, frozen."""

    village = models.ForeignKey(Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        CatalogueItem, verbose_name=_("catalogue item"), null=True, blank=True, on_delete=models.PROTECT
    )
    category = models.CharField(_("category"), max_length=10, choices=PublicityCategory.choices)
    source = models.CharField(_("made from"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)  # the working text (a draft or a correction being prepared)
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    period_start = models.DateField(pgettext_lazy("village", "period from"), null=True, blank=True)
    period_end = models.DateField(pgettext_lazy("village", "period to"), null=True, blank=True)
    due_on = models.DateField(pgettext_lazy("village", "due"), null=True, blank=True)
    first_published_on = models.DateField(_("first published"), null=True, blank=True)
    current = models.ForeignKey(
        "PublicationVersion",
        verbose_name=_("published version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        User, verbose_name=_("signed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    remarks = models.TextField(_("remarks of the supervision committee"), blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[VillageQuerySet[Publication]] = VillageQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-first_published_on", "-id"]
        constraints = [
            # The schedule makes one publication per item and period, however often it runs.
            models.UniqueConstraint(fields=["item", "period_start"], name="village_publication_period"),
        ]
        indexes = [
            # The overdue list and timeliness report of a township: due dates within its villages.
            models.Index(fields=["village", "due_on"], name="village_pub_village_due"),
            models.Index(
                fields=["due_on"], condition=models.Q(first_published_on__isnull=True), name="village_pub_open"
            ),
            # The public board: a village's published records, newest first.
            models.Index(fields=["village", "status", "-first_published_on"], name="village_pub_board"),
        ]

    def __str__(self) -> str:
        return self.title


def digest(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


class PublicationVersion(models.Model):
    """A published text, never changed: its number, title, body and SHA-256, who signed it with what remarks,
    and (from version 2) why it was corrected and what changed."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    sha256 = models.CharField(_("SHA-256 digest"), max_length=64, editable=False)
    signed_by = models.ForeignKey(
        User, verbose_name=_("signed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    remarks = models.TextField(_("remarks of the supervision committee"), blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    diff = models.TextField(_("what changed"), blank=True)
    published_by = models.ForeignKey(
        User, verbose_name=_("published by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(pgettext_lazy("village", "published at"))

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["publication", "number"]
        constraints = [models.UniqueConstraint(fields=["publication", "number"], name="village_version_number")]

    def __str__(self) -> str:
        return f"{self.publication_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A published text is frozen: a version is written once; a correction is a new version.
        if self.pk is not None:
            raise ValueError("a published version cannot change")
        self.sha256 = digest(self.title, self.body)
        super().save(*args, **kwargs)

    def intact(self) -> bool:
        return self.sha256 == digest(self.title, self.body)


class PublicationEvent(models.Model):
    """One step of a publication's life, never changed or deleted."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=10, choices=PublicationAction.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=PublicationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=PublicationStatus.choices)
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.action}"


class ChannelRecord(models.Model):
    """That a version went out through a channel, when and by whom, with a photo of the posted board if taken."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.PROTECT, related_name="channel_records"
    )
    version = models.ForeignKey(
        PublicationVersion, verbose_name=_("published version"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices)
    at = models.DateTimeField(_("time"))
    place = models.CharField(pgettext_lazy("channel", "place"), max_length=100, blank=True)
    photo = models.FileField(_("photo"), upload_to="village/boards/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("channel record")
        verbose_name_plural = _("channel records")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.channel}"


class Question(models.Model):
    """A villager's question on a publication (质询): a case of the grievance workflow, channel "notice
    question", to be answered within 10 days."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.PROTECT, related_name="questions"
    )
    version = models.ForeignKey(
        PublicationVersion, verbose_name=_("published version"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked at"))

    class Meta:
        verbose_name = _("question on a publication")
        verbose_name_plural = _("questions on publications")
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.case_id}"


# The rest of the app's models, so that Django finds them with this module.
from bianmin.village.models_decisions import (  # noqa: E402
    Charter,
    CharterVersion,
    ConflictFlag,
    Decision,
    DecisionStep,
    Disbursement,
    Project,
    Relative,
)

__all__ = [
    "CatalogueItem",
    "ChannelRecord",
    "Charter",
    "CharterVersion",
    "ConflictFlag",
    "Decision",
    "DecisionStep",
    "Disbursement",
    "Project",
    "Publication",
    "PublicationEvent",
    "PublicationVersion",
    "Question",
    "Register",
    "Relative",
]
