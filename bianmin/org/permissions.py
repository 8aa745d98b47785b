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


_STAFF_VIEW = frozenset({Permission.UNIT_VIEW})
_LEAD_VIEW = frozenset({Permission.UNIT_VIEW, Permission.USER_VIEW})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CITIZEN: frozenset(),
    Role.VILLAGE_CADRE: _STAFF_VIEW,
    Role.WORK_TEAM: _STAFF_VIEW,
    Role.TOWNSHIP_STAFF: _STAFF_VIEW,
    Role.TOWNSHIP_LEADER: _LEAD_VIEW,
    Role.WINDOW_STAFF: _STAFF_VIEW,
    Role.DEPARTMENT_HANDLER: _STAFF_VIEW,
    Role.SUPERVISOR: _LEAD_VIEW,
    Role.INSPECTOR: _LEAD_VIEW,
    Role.ADMIN: frozenset(Permission),
}


def roles_granting(permission: Permission) -> list[Role]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if permission in perms]
