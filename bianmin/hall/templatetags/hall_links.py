"""Links from other apps' pages into the hall: the case page names the hall visit the case was opened at
(`{% load hall_links %}{% hall_visit case %}` in the case's template)."""

from __future__ import annotations

from typing import Any

from django import template

from bianmin.hall.models import Ticket

register = template.Library()


@register.inclusion_tag("hall/_visit.html")
def hall_visit(case: Any) -> dict[str, Any]:
    """The ticket (number, day, window, hall) whose visit opened `case`, or nothing. Whoever sees the case
    may see this: it names no visitor and no staff member."""
    pk = getattr(case, "pk", None)
    if pk is None:
        return {"ticket": None}
    ticket = Ticket.objects.filter(case_id=pk).select_related("hall", "window", "issued_for").order_by("-day").first()
    return {"ticket": ticket}
