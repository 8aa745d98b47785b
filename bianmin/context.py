"""What every page's layout needs to know about the caller."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bianmin.org.citizens import is_citizen
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths

# The menu's links to the modules, each for those who hold its permission somewhere.
MODULES: tuple[tuple[Permission, str | Promise, str], ...] = (
    (Permission.HALL_VIEW, _("Service hall"), "hall:overview"),
    (Permission.DUTY_VIEW, _("My duty"), "duty:home"),
    (Permission.PENSION_VIEW, _("Pension certification"), "pension:lists"),
    (Permission.VILLAGE_VIEW, _("Village affairs"), "village:home"),
    (Permission.OPEN311_KEYS, _("Open311 keys"), "open311:keys"),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Whether the signed-in caller is a citizen (their own menu) rather than staff, and the module links
    they may follow; lazy values, computed only when a page renders its layout."""
    user = getattr(request, "user", None)

    def citizen() -> bool:
        return isinstance(user, User) and is_citizen(user)

    def modules() -> list[tuple[str, str]]:
        if not isinstance(user, User):
            return []
        return [
            (str(label), reverse(name)) for permission, label, name in MODULES if scope_paths(user, permission) != []
        ]

    return {"user_is_citizen": citizen, "nav_modules": modules}
