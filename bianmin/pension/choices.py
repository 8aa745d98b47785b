"""The pension app's fixed vocabularies: a pensioner's status, why one is stopped, how a certification was
made and what its events record (DESIGN §4.6, ANCHORS §4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PensionerStatus(models.TextChoices):
    ACTIVE = "active", _("Receiving")
    SUSPENDED = "suspended", _("Suspended")
    STOPPED = "stopped", _("Stopped")


class StopReason(models.TextChoices):
    """Grounds on which entitlement ends for good (广东 城乡居保 资格确认办法; 唐山 notice)."""

    DEATH = "death", _("Death")
    MOVED_AWAY = "moved_away", _("Moved away")
    IMPRISONMENT = "imprisonment", _("Imprisonment")
    DUPLICATE_PENSION = "duplicate_pension", _("Duplicate pension")


class Method(models.TextChoices):
    """How a certification was made. The matching itself (face, fingerprint) happens on the social-insurance
    office's own devices: only the result and a device reference are kept here."""

    DATA_COMPARISON = "data_comparison", _("Data comparison")
    FACE_SELF_SERVICE = "face_self_service", _("Face recognition, self-service")
    FINGERPRINT_ON_SITE = "fingerprint_on_site", _("Fingerprint on site")
    IN_PERSON_HALL = "in_person_hall", _("In person at a hall")
    HOME_VISIT = "home_visit", _("Home visit")
    ABROAD_CERTIFICATE = "abroad_certificate", _("Certificate from abroad")


# Methods whose operator is a person at a counter or the door (they record the operator and the unit).
ASSISTED_METHODS = frozenset({Method.FINGERPRINT_ON_SITE, Method.IN_PERSON_HALL, Method.HOME_VISIT})


class Result(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Resumed")
    STOPPED = "stopped", _("Stopped")


class PensionList(models.TextChoices):
    """The village's and the township's working lists."""

    DUE = "due", _("Due in 30 days")
    OVERDUE = "overdue", _("Overdue")
    SUSPENDED = "suspended", _("Suspended")
    HOME_VISIT = "home_visit", _("Needs a home visit")
    ALL = "all", _("Everyone")
