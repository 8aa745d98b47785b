"""What the village's pages and API share: who may open a staff page, the villages of a user's scope, a list
narrowed to a unit's subtree, amounts and counts typed into a form (days: `bianmin.inputs`), and a service's
refusal as messages on a form's fields."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianmin.errors import DomainError
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission

# The villages a form offers: more than any township has, few enough for one <select>.
MAX_VILLAGES = 500


def staff(request: HttpRequest, permission: Permission) -> User | None:
    """The signed-in user if they hold `permission` on any unit, else None (the page answers 403)."""
    user = request.user
    if isinstance(user, User) and Unit.objects.restrict(user, permission).exists():
        return user
    return None


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "village/forbidden.html", status=403)


def villages(user: User, permission: Permission) -> list[Unit]:
    """The villages and communities on which `user` holds `permission`, in the tree's order."""
    return list(Unit.objects.restrict(user, permission).filter(kind__in=PLACE_KINDS).order_by("path")[:MAX_VILLAGES])


def within(rows: QuerySet[Any], unit: Unit | None) -> QuerySet[Any]:
    """`rows` of the villages in `unit`'s subtree (all of them when no unit was chosen)."""
    return rows.filter(village__in=Unit.objects.subtree(unit).values("id")) if unit is not None else rows


def fen(text: str) -> int | None:
    """An amount typed in yuan as fen (an integer), or None when it is not a plain non-negative amount."""
    if not text:
        return 0
    try:
        amount = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    # Bounds first: quantizing a huge amount ("1e30") raises InvalidOperation.
    if not amount.is_finite() or amount < 0 or amount > 10**10 or amount != amount.quantize(Decimal("0.01")):
        return None
    return int(amount * 100)


def count(text: str, empty: int | None = 0) -> int | None:
    """A number of people or households typed in digits (`empty` when nothing was typed), or None."""
    if not text:
        return empty
    return int(text) if text.isdecimal() and int(text) <= 10**7 else None  # full-width digits too (IMEs)


def field_errors(exc: DomainError, first: str, names: dict[str, str] | None = None) -> dict[str, str]:
    """A refusal as messages on the form's fields: the service's field names renamed to the form's by `names`
    (budget_fen → budget), a refusal without fields on `first`."""
    renamed = names or {}
    return {renamed.get(k, k): str(v) for k, v in exc.fields.items()} or {first: str(exc.message)}
