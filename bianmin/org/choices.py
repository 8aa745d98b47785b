from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    STREET = "street", _("Street")
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    DEPARTMENT = "department", _("Department")
    WORK_TEAM = "work_team", _("Resident work team")
    SERVICE_CENTER = "service_center", _("Service center")


# Administrative regions carry an administrative-division code (行政区划代码) as their unit code.
REGION_KINDS = frozenset(
    {
        UnitKind.PROVINCE,
        UnitKind.CITY,
        UnitKind.COUNTY,
        UnitKind.TOWNSHIP,
        UnitKind.STREET,
        UnitKind.VILLAGE,
        UnitKind.COMMUNITY,
    }
)

# Where citizens live and matters are about: villages (村) and communities (社区).
PLACE_KINDS = frozenset({UnitKind.VILLAGE, UnitKind.COMMUNITY})

# Which kinds of unit may sit directly under which; None is the top of the tree.
PARENT_KINDS: dict[str, frozenset[str | None]] = {
    UnitKind.PROVINCE: frozenset({None}),
    UnitKind.CITY: frozenset({UnitKind.PROVINCE}),
    UnitKind.COUNTY: frozenset({UnitKind.PROVINCE, UnitKind.CITY}),
    UnitKind.TOWNSHIP: frozenset({UnitKind.COUNTY}),
    UnitKind.STREET: frozenset({UnitKind.COUNTY}),
    UnitKind.VILLAGE: frozenset({UnitKind.TOWNSHIP, UnitKind.STREET}),
    UnitKind.COMMUNITY: frozenset({UnitKind.TOWNSHIP, UnitKind.STREET}),
    UnitKind.DEPARTMENT: frozenset({UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.DEPARTMENT}),
    UnitKind.WORK_TEAM: frozenset({UnitKind.TOWNSHIP, UnitKind.STREET}),
    UnitKind.SERVICE_CENTER: frozenset({UnitKind.COUNTY, UnitKind.TOWNSHIP, UnitKind.STREET}),
}


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    VILLAGE_CADRE = "village_cadre", _("Village cadre")
    VILLAGE_MONITOR = "village_monitor", _("Village supervision committee member")
    WORK_TEAM = "work_team", _("Work team member")
    TOWNSHIP_STAFF = "township_staff", _("Township staff")
    TOWNSHIP_LEADER = "township_leader", _("Township leader")
    WINDOW_STAFF = "window_staff", _("Window staff")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    SUPERVISOR = "supervisor", _("Supervisor")
    INSPECTOR = "inspector", _("Inspector")
    ADMIN = "admin", _("Administrator")


class EmploymentType(models.TextChoices):
    FORMAL = "formal", _("Formal staff")
    CONTRACT = "contract", _("Contract staff")
    TEMPORARY = "temporary", _("Temporary staff")
