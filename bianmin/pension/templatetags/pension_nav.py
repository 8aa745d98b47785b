"""The pension pages' navigation (`{% load pension_nav %}{% pension_nav "lists" %}`): only the pages the
caller may open. A township leader was offered the hall and the import, both a 403, and had no way to the
register's (masked) export that their role may download."""

from __future__ import annotations

from typing import Any

from django import template

from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths

register = template.Library()


def holds(user: Any, permission: Permission) -> bool:
    """Whether `user` holds `permission` anywhere: from the grants the request has read already (no query)."""
    paths = scope_paths(user, permission)
    return paths is None or bool(paths)


@register.inclusion_tag("pension/_nav.html", takes_context=True)
def pension_nav(context: template.Context, here: str) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "here": here,
        "can_certify": user is not None and holds(user, Permission.PENSION_CERTIFY),
        "can_manage": user is not None and holds(user, Permission.PENSION_MANAGE),
    }
