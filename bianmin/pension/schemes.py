"""The schemes' certification cycles and their regional rules, and what a change of them does: the due dates
of the pensioners they govern move at once, in as few statements as there are rules and last-certified days
(the admin saves schemes and rules through these, see admin.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.org.models import Unit
from bianmin.org.permissions import Permission
from bianmin.pension import cycle
from bianmin.pension.models import Pensioner, Scheme, SchemeRule
from bianmin.pension.services import Actor, Rule, ancestor_ids, check_unit


def set_rule(*, actor: Actor, scheme: Scheme, region: Unit, cycle_months: int, grace_days: int = 0) -> int:
    """Set a region's cycle for a scheme and move the due dates of its pensioners; returns how many
    pensioners' dates were recomputed."""
    if not 1 <= cycle_months <= 24:
        raise InvalidInput({"cycle_months": _("Between 1 and 24 months.")})
    if not 0 <= grace_days <= 366:
        raise InvalidInput({"grace_days": _("Between 0 and 366 days.")})
    check_unit(actor, Permission.PENSION_MANAGE, region)
    with transaction.atomic():
        SchemeRule.objects.update_or_create(
            scheme=scheme, region=region, defaults={"cycle_months": cycle_months, "grace_days": grace_days}
        )
        return recompute_due_dates(scheme, region)


def remove_rule(rule: SchemeRule, *, actor: Actor) -> int:
    """Drop a region's own cycle: its pensioners follow the next rule above, or the scheme's defaults."""
    check_unit(actor, Permission.PENSION_MANAGE, rule.region)
    with transaction.atomic():
        SchemeRule.objects.filter(pk=rule.pk).delete()
        return recompute_due_dates(rule.scheme, rule.region)


def save_scheme(scheme: Scheme, *, actor: Actor) -> int:
    """Save a scheme as the admin's form set it (its name, its default cycle and grace) and move the due dates
    of its pensioners who follow the defaults; returns how many were recomputed. A scheme holds for every
    region, so only one who keeps a register (an administrator at the top) changes it."""
    if not 1 <= scheme.cycle_months <= 24:
        raise InvalidInput({"cycle_months": _("Between 1 and 24 months.")})
    if not 0 <= scheme.grace_days <= 366:
        raise InvalidInput({"grace_days": _("Between 0 and 366 days.")})
    if actor is not None and not Unit.objects.restrict(actor, Permission.PENSION_MANAGE).exists():
        raise PermissionDenied(_("You may only manage the register of your own villages."))
    with transaction.atomic():
        scheme.save()
        return recompute_due_dates(scheme)


def recompute_due_dates(scheme: Scheme, region: Unit | None = None) -> int:
    """Move the derived dates of `scheme`'s pensioners (in `region`, else everywhere) to the rule now in force
    for each village. The villages are grouped by their rule, then one update per rule and distinct
    last-certified date: a county's hundreds of villages under one rule cost as many statements as one."""
    holding = Pensioner.objects.filter(scheme=scheme)
    if region is not None:
        holding = holding.filter(village__in=Unit.objects.subtree(region).values("id"))
    rules = {r.region_id: Rule(r.cycle_months, r.grace_days) for r in SchemeRule.objects.filter(scheme=scheme)}
    default = Rule(scheme.cycle_months, scheme.grace_days)
    villages: dict[Rule, list[int]] = {}
    for village in Unit.objects.filter(pk__in=holding.values("village_id")).only("id", "path"):
        ancestors = reversed(ancestor_ids(village.path))
        rule = next((rules[pk] for pk in ancestors if pk in rules), default)
        villages.setdefault(rule, []).append(village.pk)
    changed = 0
    for rule, ids in villages.items():
        mine = holding.filter(village_id__in=ids).exclude(cycle_months=rule.cycle_months, grace_days=rule.grace_days)
        days = mine.values_list("last_certified_on", flat=True).distinct().order_by()
        for last in [day for day in days if day is not None]:
            due = cycle.due_on(last, rule.cycle_months)
            changed += mine.filter(last_certified_on=last).update(
                cycle_months=rule.cycle_months,
                grace_days=rule.grace_days,
                due_on=due,
                suspend_after=cycle.suspension_deadline(due, rule.grace_days),
                updated_at=timezone.now(),
            )
    return changed
