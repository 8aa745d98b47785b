"""Figures of the hall's statistics as people read them."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def minutes(seconds: float | None) -> str:
    """Seconds as minutes with one decimal; "—" when there is no figure (never a misleading 0)."""
    return "—" if seconds is None else f"{seconds / 60:.1f}"


@register.filter
def share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
