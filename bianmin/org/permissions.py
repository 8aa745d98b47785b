"""Permissions as an enum (`app:resource:action`) and the roles that grant them.

A membership grants its role's permissions over the subtree of its unit (DESIGN §6.3).
"""

from __future__ import annotations

from enum import StrEnum

from bianmin.org.choices import Role


class Permission(StrEnum):
    UNIT_VIEW = "org:unit:view"
    UNIT_CHANGE = "org:unit:change"
    USER_VIEW = "org:user:view"
    USER_CHANGE = "org:user:change"
    CALENDAR_CHANGE = "workdays:calendar:change"
    CASE_VIEW = "cases:case:view"
    CASE_CREATE = "cases:case:create"
    CASE_HANDLE = "cases:case:handle"
    CASE_SUPERVISE = "cases:case:supervise"
    CASE_APPROVE = "cases:case:approve"  # extensions of a time limit
    CATALOG_CHANGE = "catalog:item:change"  # service items of the units in scope (administrators)
    HALL_VIEW = "hall:hall:view"  # a hall's overview, statistics, rankings, notices
    HALL_SERVE = "hall:window:serve"  # sign in at a window, call and serve tickets
    HALL_PATROL = "hall:patrol:record"  # patrol rounds, findings, violations
    HALL_MANAGE = "hall:hall:manage"  # windows, services, queue rules, notices, accountability, assessments
    DUTY_VIEW = "duty:roster:view"
    DUTY_CHANGE = "duty:roster:change"  # layers, holiday blocks, publishing, changes entered on someone's behalf
    DUTY_APPROVE = "duty:change:approve"  # leave, substitutes and swaps (the unit's head)
    RECEPTION_RECORD = "duty:reception:record"  # the petition reception room's visits
    PENSION_VIEW = "pension:pensioner:view"
    PENSION_CERTIFY = "pension:certification:record"
    PENSION_MANAGE = "pension:pensioner:change"  # the register, imports, suspension and stopping
    OPEN311_KEYS = "open311:key:manage"  # Open311 client keys (administrators)
    VILLAGE_VIEW = "village:record:view"  # a village's publicity, decisions, charters, projects (staff view)
    VILLAGE_CHANGE = "village:record:change"  # the village committee drafts, records meetings, keeps the ledger
    VILLAGE_SIGN = "village:publication:sign"  # the village supervision committee reviews and signs
    VILLAGE_SUPERVISE = "village:village:supervise"  # the township: overdue lists, conflict flags, reports


_HANDLER = frozenset({Permission.UNIT_VIEW, Permission.CASE_VIEW, Permission.CASE_CREATE, Permission.CASE_HANDLE})
_LEADER = _HANDLER | {Permission.USER_VIEW, Permission.CASE_APPROVE}
_SUPERVISOR = frozenset(
    {
        Permission.UNIT_VIEW,
        Permission.USER_VIEW,
        Permission.CASE_VIEW,
        Permission.CASE_SUPERVISE,
        Permission.CASE_APPROVE,
    }
)

P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CITIZEN: frozenset(),
    Role.VILLAGE_CADRE: _HANDLER
    | {P.DUTY_VIEW, P.DUTY_CHANGE, P.DUTY_APPROVE, P.PENSION_VIEW, P.PENSION_CERTIFY, P.VILLAGE_VIEW, P.VILLAGE_CHANGE},
    Role.VILLAGE_MONITOR: frozenset({P.UNIT_VIEW, P.VILLAGE_VIEW, P.VILLAGE_SIGN}),
    Role.WORK_TEAM: _HANDLER | {P.DUTY_VIEW},
    Role.TOWNSHIP_STAFF: _HANDLER
    | {P.HALL_VIEW, P.HALL_SERVE, P.DUTY_VIEW, P.PENSION_VIEW, P.PENSION_CERTIFY, P.PENSION_MANAGE, P.VILLAGE_VIEW},
    Role.TOWNSHIP_LEADER: _LEADER
    | {P.HALL_VIEW, P.HALL_MANAGE, P.DUTY_VIEW, P.DUTY_CHANGE, P.DUTY_APPROVE, P.RECEPTION_RECORD, P.PENSION_VIEW}
    | {P.VILLAGE_VIEW, P.VILLAGE_SUPERVISE},
    Role.WINDOW_STAFF: _HANDLER | {P.HALL_VIEW, P.HALL_SERVE, P.PENSION_VIEW, P.PENSION_CERTIFY},
    Role.DEPARTMENT_HANDLER: _HANDLER,
    Role.SUPERVISOR: _SUPERVISOR
    | {P.HALL_VIEW, P.HALL_PATROL, P.DUTY_VIEW, P.PENSION_VIEW, P.VILLAGE_VIEW, P.VILLAGE_SUPERVISE},
    Role.INSPECTOR: frozenset(
        {P.UNIT_VIEW, P.USER_VIEW, P.CASE_VIEW, P.HALL_VIEW, P.HALL_PATROL, P.DUTY_VIEW, P.VILLAGE_VIEW}
    ),
    Role.ADMIN: frozenset(Permission),
}


def roles_granting(permission: Permission) -> list[Role]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if permission in perms]
