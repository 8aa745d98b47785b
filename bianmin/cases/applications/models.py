"""What an application (办件) keeps beyond the case core: the `Application` row and the notices issued on it
(`CaseDocument`). Part of the cases app (`bianmin.cases.models` imports them, so Django finds them there)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.cases.choices import Decision, DeliveryMethod, LimitUnit
from bianmin.cases.models import Case
from bianmin.org.models import User


class Application(models.Model):
    """What a case of the application workflow (办件) carries beyond the case core: the catalogue item
    version it was filed under (a later edit of the item leaves it alone), the legal limit beside the
    promised one (the case's own `limit_*`/`due_at`), the one-time notice, the decision, the delivery and
    the applicant's trips. Changed only by the effects of `bianmin.cases.applications`."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), primary_key=True, on_delete=models.CASCADE, related_name="application"
    )
    item_version = models.ForeignKey(
        "catalog.ItemVersion", verbose_name=_("service item version"), on_delete=models.PROTECT, related_name="+"
    )
    proxy = models.ForeignKey(
        User,
        verbose_name=_("filed on the applicant's behalf by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_limit_value = models.PositiveIntegerField(_("legal time limit"))
    legal_limit_unit = models.CharField(_("unit of the legal limit"), max_length=20, choices=LimitUnit.choices)
    legal_due_base_at = models.DateTimeField(_("legal deadline before pauses and extensions"), null=True, blank=True)
    legal_due_at = models.DateTimeField(_("legal deadline"), null=True, blank=True)
    within_legal_limit = models.BooleanField(_("decided within the legal limit"), null=True, blank=True)
    # 一次性告知 (行政许可法 第32条): by this moment, else the application counts as accepted on receipt.
    notice_due_at = models.DateTimeField(_("one-time notice due by"))
    notice_sent_at = models.DateTimeField(_("one-time notice sent at"), null=True, blank=True)
    missing = models.JSONField(_("missing materials"), default=list, blank=True)
    supplemented_at = models.DateTimeField(_("supplement received at"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("accepted on receipt by law"), default=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    delivery_due_at = models.DateTimeField(_("delivery due by"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_method = models.CharField(_("delivery method"), max_length=20, choices=DeliveryMethod.choices, blank=True)
    trips = models.PositiveSmallIntegerField(_("trips made by the applicant"), default=0)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.case_id} {self.item_version_id}"


class CaseDocument(models.Model):
    """A notice issued on a case (受理通知书, 补正材料一次性告知书, …) as the PDF the applicant received. Kept in
    the database, written in the issuing action's transaction: never a file without its row or a row
    without its file. Notices are small (tens of kB) and few per case."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    doc_number = models.CharField(_("document number"), max_length=200)
    pdf = models.BinaryField(_("PDF file"))
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256 digest"), max_length=64)
    issued_by = models.ForeignKey(
        User, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["case", "issued_at", "pk"]

    def __str__(self) -> str:
        return self.title
