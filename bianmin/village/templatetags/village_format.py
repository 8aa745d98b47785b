"""How amounts and channels read on the village pages: fen (stored) shown as yuan, channel codes as names; and
whether the reader supervises village affairs (the menu offers the report only to those it opens for)."""

from __future__ import annotations

from django import template

from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.village.choices import ChannelKind
from bianmin.village.decisions import yuan as yuan_text

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """12345660 → "123,456.60"; empty for no amount."""
    return "" if fen is None else yuan_text(int(fen))


@register.filter
def channel_names(channels: list[str] | None) -> str:
    """["board", "web"] → "村务公开栏、网上公开栏" (in the reader's language); "—" for none."""
    labels = dict(ChannelKind.choices)
    return "、".join(str(labels.get(c, c)) for c in channels or []) or "—"


@register.simple_tag
def supervises(user: object) -> bool:
    return isinstance(user, User) and Unit.objects.restrict(user, Permission.VILLAGE_SUPERVISE).exists()
