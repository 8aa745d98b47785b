from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.org.choices import PLACE_KINDS, EmploymentType, Role, UnitKind
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths, subtree_q
from bianmin.org.validators import validate_person_phone, validate_unit_phone

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class UnitQuerySet(models.QuerySet["Unit"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> UnitQuerySet:
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, "path")) if paths else self.none()

    def subtree(self, unit: Unit) -> UnitQuerySet:
        return self.filter(subtree_q([unit.path], "path"))

    def places(self) -> UnitQuerySet:
        """Active villages and communities: where citizens live and where matters are about.
        Public knowledge (the org structure), so not scoped."""
        return self.filter(kind__in=PLACE_KINDS, is_active=True)


class Unit(models.Model):
    """A unit of the org tree: a region (province … village), a department, a resident work team or a
    service center. `path` (ancestors' ids, fixed width) makes every subtree one index range."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    covers = models.ManyToManyField(
        "self",
        verbose_name=_("villages covered"),
        symmetrical=False,
        blank=True,
        related_name="covered_by",
        help_text=_("For a resident work team: the villages of its township it is stationed in."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_unit_phone])
    # The organ's name as documents give it (白帝镇人民政府); derived from the name and kind when empty.
    official_name = models.CharField(_("official name"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[UnitQuerySet] = UnitQuerySet.as_manager()  # type: ignore[assignment]

    if TYPE_CHECKING:
        children: RelatedManager[Unit]
        covered_by: RelatedManager[Unit]
        memberships: RelatedManager[Membership]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"], name="org_unit_kind_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def organ_name(self) -> str:
        """The organ's full name, as a notice is issued by it: 白帝镇人民政府, 夔门街道办事处, 浣花村村民委员会, and
        a county department with its county's name (县民政局 of 奉节县: 奉节县民政局), unless `official_name` says."""
        if self.official_name:
            return self.official_name
        if self.kind == UnitKind.DEPARTMENT and self.name.startswith("县") and self.parent is not None:
            return self.parent.name + self.name[1:]
        return self.name + ORGAN_SUFFIX.get(self.kind, "")

    def county(self) -> Unit | None:
        """The county this unit is in (itself if it is one)."""
        unit: Unit | None = self
        while unit is not None and unit.kind != UnitKind.COUNTY:
            unit = unit.parent
        return unit


# What a unit's name takes to become its organ's name on a document.
ORGAN_SUFFIX: dict[str, str] = {
    UnitKind.COUNTY: "人民政府",
    UnitKind.TOWNSHIP: "人民政府",
    UnitKind.STREET: "办事处",
    UnitKind.VILLAGE: "村民委员会",
    UnitKind.COMMUNITY: "居民委员会",
}


class UserQuerySet(models.QuerySet["User"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> UserQuerySet:
        """Users with a membership in the caller's scope; to change one, all of its memberships must be."""
        paths = scope_paths(user, action)
        if paths is None:
            return self
        if action == Permission.USER_CHANGE:
            if not paths:
                return self.none()
            inside = Membership.objects.filter(subtree_q(paths, "unit__path")).values("user_id")
            outside = Membership.objects.exclude(subtree_q(paths, "unit__path")).values("user_id")
            return self.filter(pk__in=inside, is_superuser=False).exclude(pk__in=outside)
        visible = Q(pk=user.pk) if user.is_authenticated else Q(pk__in=[])
        if paths:
            visible |= Q(pk__in=Membership.objects.filter(subtree_q(paths, "unit__path")).values("user_id"))
        return self.filter(visible)


class ScopedUserManager(UserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def restrict(self, user: User | AnonymousUser, action: Permission) -> UserQuerySet:
        return self.get_queryset().restrict(user, action)


class User(AbstractUser):
    """A person who signs in: a citizen, a cadre, a member of staff or an administrator."""

    display_name = models.CharField(_("display name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_person_phone])
    # A citizen's real-name details, optional (the resident identity number, validated on entry).
    id_number = models.CharField(_("identity number"), max_length=18, blank=True)
    employment_type = models.CharField(
        _("employment type"),
        max_length=10,
        choices=EmploymentType.choices,
        default=EmploymentType.FORMAL,
        help_text=_("Only formal staff may serve at a window of the service center."),
    )

    objects: ClassVar[ScopedUserManager] = ScopedUserManager()

    if TYPE_CHECKING:
        memberships: RelatedManager[Membership]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class MembershipQuerySet(models.QuerySet["Membership"]):
    def restrict(self, user: User | AnonymousUser, action: Permission) -> MembershipQuerySet:
        """Memberships held in units inside the caller's scope for `action` (USER_VIEW / USER_CHANGE)."""
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(subtree_q(paths, "unit__path")) if paths else self.none()


class Membership(models.Model):
    """A person holding a role in a unit; it grants the role's permissions over the unit's subtree."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="org_membership_unique")]
        indexes = [models.Index(fields=["unit", "role"], name="org_membership_unit_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored; the token is shown once, at creation."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class AuditEntry(models.Model):
    """One staff write outside a case's own history: who changed what, and when. Never personal data."""

    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=50)
    object_type = models.CharField(_("object type"), max_length=50)
    object_id = models.CharField(_("object"), max_length=64)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="org_audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class OrgVersion(models.Model):
    """One row whose `token` changes, by database triggers (migration 0003), whenever a unit, a membership or
    a work team's coverage changes, however it is written. A worker keeps what it derived from them (a
    user's grants, a scope's units, unit rows) under the token it read, and derives it again once the token
    differs: every API request reads the token with its API token, in the same statement."""

    token = models.BigIntegerField(_("version number"))

    class Meta:
        verbose_name = _("organisation version")
        verbose_name_plural = _("organisation version")

    def __str__(self) -> str:
        return str(self.token)


class SignInCode(models.Model):
    """A one-time code sent to a mobile number for a citizen to sign in (or up) with it.

    Neither the number nor the code is stored in clear: both are keyed digests (HMAC with the site's secret),
    so the table cannot be read back into phone numbers or replayed. A code expires, allows a few wrong tries,
    and is used once."""

    phone_digest = models.CharField(_("phone number digest"), max_length=64)
    code_digest = models.CharField(_("code digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone_digest", "-created_at"], name="signin_code_phone")]

    def __str__(self) -> str:
        return f"{self.phone_digest[:8]} {self.created_at:%Y-%m-%d %H:%M}"
