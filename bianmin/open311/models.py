"""What Open311 needs beyond the case core: client keys, attribute definitions of the services (the grievance
categories) and, per request filed through GeoReport v2, what the case itself does not carry."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.cases.models import Case, Category
from bianmin.open311.choices import LIST_DATATYPES, Datatype
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths, subtree_q


class ClientKeyQuerySet(models.QuerySet["ClientKey"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> ClientKeyQuerySet:
        """Administrators see and revoke the keys of the jurisdictions inside their scope."""
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, "jurisdiction__path")) if paths else self.none()


class ClientKey(models.Model):
    """The API key of one Open311 client application (a FixMyStreet site, a mobile app), issued by an
    administrator. Only the SHA-256 digest of the key is kept; the key is shown once, when issued.

    Requests filed with it belong to its `jurisdiction` (their place must lie inside it); a request whose
    place is not known lands at its `intake_unit` (e.g. the county's 12345 service center) to be routed on."""

    name = models.CharField(_("client application"), max_length=100)
    jurisdiction = models.ForeignKey(
        Unit, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    intake_unit = models.ForeignKey(
        Unit, verbose_name=_("intake unit"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    per_hour = models.PositiveIntegerField(
        _("requests filed per hour"), default=600, help_text=_("Beyond this, new requests are refused for an hour.")
    )
    issued_by = models.ForeignKey(
        User, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(pgettext_lazy("client key", "issued at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects: ClassVar[ClientKeyQuerySet] = ClientKeyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("Open311 client key")
        verbose_name_plural = _("Open311 client keys")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["jurisdiction"], name="open311_key_jurisdiction")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ServiceAttribute(models.Model):
    """One question a service asks beyond the description (GeoReport v2 service definition): e.g. for 道路交通
    "which kind of damage" as a list of choices. A category with attributes is listed with metadata=true."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="open311_attributes"
    )
    code = models.SlugField(_("code"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    variable = models.BooleanField(
        _("asks for a value"), default=True, help_text=_("Off: an explanation shown to the citizen, no input.")
    )
    datatype = models.CharField(_("datatype"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=500)
    datatype_description = models.CharField(_("hint"), max_length=200, blank=True)
    # [{"key": "pothole", "name": "坑洼"}, …] for the list datatypes.
    values = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["category", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code")]

    def __str__(self) -> str:
        return f"{self.category.code}:{self.code}"

    def clean(self) -> None:
        """A list question needs its choices, each a {"key", "name"} pair with a distinct key."""
        values = self.values if isinstance(self.values, list) else None
        pairs = values is not None and all(
            isinstance(v, dict) and str(v.get("key", "")).strip() and str(v.get("name", "")).strip() for v in values
        )
        if values is None or not pairs or len({str(v["key"]) for v in values}) != len(values):
            raise ValidationError({"values": _('A list of {"key": …, "name": …} with distinct keys.')})
        if self.datatype in LIST_DATATYPES and not values:
            raise ValidationError({"values": _("A list question needs its choices.")})

    def keys(self) -> list[str]:
        return [str(value["key"]) for value in self.values if isinstance(value, dict) and "key" in value]


class ServiceRequest(models.Model):
    """A grievance filed through Open311: what GeoReport v2 carries beyond the case (the client, the token, the
    location, the answers to the service's attributes, the photo's address) and the contact details the
    client sent. Contact details are never returned by any Open311 method.

    `jurisdiction`, `category` and `requested_at` are copied from the key and the case when filed (they never
    change) so that the GET requests list reads one index range of this table."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), primary_key=True, on_delete=models.PROTECT, related_name="open311"
    )
    client = models.ForeignKey(
        ClientKey,
        verbose_name=_("client application"),
        on_delete=models.PROTECT,
        related_name="requests",
        db_index=False,
    )
    jurisdiction = models.ForeignKey(
        Unit, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    requested_at = models.DateTimeField(_("requested at"))
    token = models.CharField(_("token"), max_length=40, unique=True)
    # What makes a retried POST the same request: the client's Idempotency-Key, else a digest of the form.
    retry_key = models.CharField(_("idempotency key"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField(_("address"), max_length=200, blank=True)
    address_id = models.CharField(_("address id"), max_length=32, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    media_url = models.URLField(_("photo address"), max_length=500, blank=True)
    # Personal data, kept for the handling unit; never returned through Open311.
    email = models.EmailField(_("email"), blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        constraints = [models.UniqueConstraint(fields=["client", "retry_key"], name="open311_request_retry")]
        indexes = [
            # GET requests: a time window, in a jurisdiction or everywhere, optionally of one service.
            models.Index(fields=["requested_at"], name="open311_request_time"),
            models.Index(fields=["jurisdiction", "requested_at"], name="open311_request_jur_time"),
            models.Index(fields=["category", "requested_at"], name="open311_request_cat_time"),
        ]

    def __str__(self) -> str:
        return str(self.case_id)
