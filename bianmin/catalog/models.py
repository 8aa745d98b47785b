from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.catalog.choices import ItemKind, LimitUnit, MaterialForm
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths, subtree_q

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class ServiceItemQuerySet(models.QuerySet["ServiceItem"]):
    def restrict(self, user: User | AnonymousUser, action: Permission | None = None) -> ServiceItemQuerySet:
        """Without an action, what anyone may read, signed in or not: the active items (the catalogue is
        public). With CATALOG_CHANGE: the items whose implementing unit lies in a subtree the user
        administers, active or not."""
        if action is None:
            return self.filter(active=True, current__isnull=False)
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, "unit__path")) if paths else self.none()


class ServiceItem(models.Model):
    """A service item of the catalogue as one implementing unit offers it (实施清单的一项): a stable identity
    whose content lives in immutable `ItemVersion` snapshots. Changes go through `bianmin.catalog.services`,
    which writes a new version and moves `current`; the columns below `current` mirror the current version
    for browsing and search."""

    basic_code = models.CharField(
        _("basic code"), max_length=12, db_index=True, help_text=_("基本编码: the national 12-character code.")
    )
    code = models.CharField(
        _("implementation code"),
        max_length=40,
        unique=True,
        help_text=_("实施编码: the item as this implementing unit carries it out."),
    )
    unit = models.ForeignKey(Unit, verbose_name=_("implementing unit"), on_delete=models.PROTECT, related_name="+")
    current = models.ForeignKey(
        "ItemVersion", verbose_name=_("current version"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)

    # Mirrors of the current version, kept by the services.
    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(_("name for search"), max_length=200, editable=False)
    search_text = models.TextField(_("search text"), editable=False)
    # "|level:county|event:birth|form:proxy|": one column for every facet the guide filters by, the same
    # LIKE on SQLite and PostgreSQL. The catalogue is bounded (thousands of rows), so no index is needed.
    facets = models.CharField(_("facets"), max_length=500, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[ServiceItemQuerySet] = ServiceItemQuerySet.as_manager()  # type: ignore[assignment]

    if TYPE_CHECKING:
        versions: RelatedManager[ItemVersion]

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["basic_code", "code"]
        indexes = [models.Index(fields=["active", "basic_code", "code"], name="catalog_item_active_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ItemVersion(models.Model):
    """One version of a service item's content (the elements of GB/T 39554.1, DESIGN §4.1). Never
    changed once written: an application filed against it keeps the rules it was filed under."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    unit = models.ForeignKey(Unit, verbose_name=_("implementing unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=ItemKind.choices)
    legal_basis = models.TextField(_("legal basis"))
    levels = models.JSONField(_("levels"), default=list)
    entrusted = models.CharField(_("entrusted to"), max_length=200, blank=True)
    service_objects = models.JSONField(_("service object"), default=list)
    conditions = models.TextField(_("conditions"))
    process = models.TextField(_("process"))
    handling_forms = models.JSONField(_("forms of handling"), default=list)
    legal_limit = models.PositiveIntegerField(_("legal time limit"))
    legal_limit_unit = models.CharField(_("unit of the legal limit"), max_length=20, choices=LimitUnit.choices)
    promised_limit = models.PositiveIntegerField(_("promised time limit"))
    promised_limit_unit = models.CharField(_("unit of the promised limit"), max_length=20, choices=LimitUnit.choices)
    trips = models.PositiveSmallIntegerField(_("trips required"))
    charges = models.BooleanField(_("charges a fee"), default=False)
    fee_basis = models.TextField(_("basis of the fee"), blank=True)
    place = models.CharField(_("place"), max_length=300)
    hours = models.CharField(_("hours"), max_length=300)
    consult_phone = models.CharField(_("phone for questions"), max_length=30)
    complaint_phone = models.CharField(_("phone for complaints"), max_length=30)
    delegated_down = models.BooleanField(_("delegated down"), default=False)
    joint_handling = models.BooleanField(
        _("handled jointly"),
        default=False,
        help_text=_(
            "联合办理: several departments decide the application together (行政许可法 第26条), within the "
            "longer legal limit of 第42条."
        ),
    )
    life_events = models.JSONField(_("life events"), default=list)
    aliases = models.JSONField(_("colloquial names"), default=list)
    keywords = models.JSONField(_("keywords"), default=list)
    created_by = models.ForeignKey(
        User, verbose_name=_("written by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    if TYPE_CHECKING:
        materials: RelatedManager[ItemMaterial]

    class Meta:
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="catalog_version_item_number")]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class ItemMaterial(models.Model):
    """A material the applicant brings (申请材料), as one item version asks for it."""

    version = models.ForeignKey(
        ItemVersion, verbose_name=_("item version"), on_delete=models.PROTECT, related_name="materials"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    form = models.CharField(_("form"), max_length=20, choices=MaterialForm.choices)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    source = models.CharField(_("source"), max_length=200, blank=True)
    # Files are shared by the versions that keep the material: a new version never rewrites one.
    blank_form = models.FileField(_("blank form"), upload_to="catalog/%Y/%m/", blank=True, max_length=200)
    sample = models.FileField(_("filled-in sample"), upload_to="catalog/%Y/%m/", blank=True, max_length=200)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="catalog_material_position")]

    def __str__(self) -> str:
        return self.name


class SearchSynonym(models.Model):
    """A colloquial phrase citizens type and the catalogue's word for it (低保 → 最低生活保障), applied to
    the query only, so an edit takes effect at once without re-indexing."""

    phrase = models.CharField(_("phrase"), max_length=50, unique=True)
    canonical = models.CharField(_("catalogue term"), max_length=100)

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.canonical}"
