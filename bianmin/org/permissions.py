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

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CITIZEN: frozenset(),
    Role.VILLAGE_CADRE: _HANDLER,
    Role.WORK_TEAM: _HANDLER,
    Role.TOWNSHIP_STAFF: _HANDLER,
    Role.TOWNSHIP_LEADER: _LEADER,
    Role.WINDOW_STAFF: _HANDLER,
    Role.DEPARTMENT_HANDLER: _HANDLER,
    Role.SUPERVISOR: _SUPERVISOR,
    Role.INSPECTOR: frozenset({Permission.UNIT_VIEW, Permission.USER_VIEW, Permission.CASE_VIEW}),
    Role.ADMIN: frozenset(Permission),
}


def roles_granting(permission: Permission) -> list[Role]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if permission in perms]
