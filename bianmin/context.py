"""What every page's layout needs to know about the caller."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bianmin.org.citizens import is_citizen
from bianmin.org.models import User


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Whether the signed-in caller is a citizen (their own menu) rather than staff; asked only when a page
    renders its layout (a lazy value), one query."""
    user = getattr(request, "user", None)

    def citizen() -> bool:
        return isinstance(user, User) and is_citizen(user)

    return {"user_is_citizen": citizen}
