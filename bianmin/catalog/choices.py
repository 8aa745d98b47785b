from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.org.permissions import Permission


class ItemKind(models.TextChoices):
    """事项类型 of the national item exchange format (DESIGN §4.1)."""

    LICENSE = "license", _("Administrative license")
    BENEFIT = "benefit", _("Administrative benefit")
    CONFIRMATION = "confirmation", _("Administrative confirmation")
    PUBLIC_SERVICE = "public_service", _("Public service")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    """行使层级: where the item is handled."""

    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")
    VILLAGE = "village", _("Village level")


class ServiceObject(models.TextChoices):
    PERSON = "person", _("Natural person")
    ORGANISATION = "organisation", _("Legal person")


class HandlingForm(models.TextChoices):
    """办理形式. `proxy` (代办) means a village cadre may file it on a villager's behalf (群众办事不出村)."""

    WINDOW = "window", _("At a window")
    ONLINE = "online", _("Online")
    PROXY = "proxy", _("By village proxy")


class LimitUnit(models.TextChoices):
    # The same values as bianmin.cases.choices.LimitUnit, so an application can copy an item's limit as is.
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")
    ELECTRONIC = "electronic", _("Electronic")


class LifeEvent(models.TextChoices):
    """人生事件: how citizens browse the guide."""

    BIRTH = "birth", _("Having a child")
    EDUCATION = "education", _("Schooling")
    EMPLOYMENT = "employment", _("Work and jobs")
    MARRIAGE = "marriage", _("Marriage and family")
    HOUSEHOLD = "household", _("Household registration and ID")
    HOUSING = "housing", _("Housing and building a house")
    MEDICAL = "medical", _("Medical care and insurance")
    ELDERLY = "elderly", _("Old age and pensions")
    DISABILITY = "disability", _("Disability")
    ASSISTANCE = "assistance", _("Social assistance")
    AGRICULTURE = "agriculture", _("Farming")
    BUSINESS = "business", _("Running a business")
    VETERANS = "veterans", _("Veterans")
    DEATH = "death", _("Bereavement and funerals")


class MaterialFile(models.TextChoices):
    BLANK_FORM = "blank_form", _("Blank form")
    SAMPLE = "sample", _("Filled-in sample")


# Changing the service items of the units in one's scope (the implementing unit's subtree); administrators
# hold it (bianmin.org.permissions).
CATALOG_CHANGE = Permission.CATALOG_CHANGE
