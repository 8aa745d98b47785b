"""The audit trail's vocabulary: what each action code written by `bianmin.org.services.audit` means.

Codes are stable strings kept in the database ("duty.month.publish"); the admin shows their descriptions in the
reader's language. A test walks every `audit(...)` call in the source and requires its code to be described here."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

LABELS: dict[str, str | Promise] = {
    "unit.create": pgettext_lazy("audit", "Unit created"),
    "unit.update": pgettext_lazy("audit", "Unit changed"),
    "user.create": pgettext_lazy("audit", "User created"),
    "user.change": pgettext_lazy("audit", "User changed"),
    "user.set_password": pgettext_lazy("audit", "Password set"),
    "membership.add": pgettext_lazy("audit", "Role granted"),
    "membership.change": pgettext_lazy("audit", "Role changed"),
    "membership.remove": pgettext_lazy("audit", "Role withdrawn"),
    "calendar.override": pgettext_lazy("audit", "Calendar day set"),
    "calendar.override_remove": pgettext_lazy("audit", "Calendar day reset"),
    "calendar.declare_schedule": pgettext_lazy("audit", "Holiday schedule declared"),
    "catalog.item.version": pgettext_lazy("audit", "Service item version published"),
    "catalog.item.activate": pgettext_lazy("audit", "Service item put in service"),
    "catalog.item.deactivate": pgettext_lazy("audit", "Service item taken out of service"),
    "hall.pad.pair": pgettext_lazy("audit", "Rating pad paired"),
    "duty.place.create": pgettext_lazy("audit", "Duty place created"),
    "duty.place.setup": pgettext_lazy("audit", "Duty place set up"),
    "duty.place.head": pgettext_lazy("audit", "Duty place head set"),
    "duty.member.save": pgettext_lazy("audit", "Duty roster member saved"),
    "duty.member.remove": pgettext_lazy("audit", "Duty roster member removed"),
    "duty.layer.save": pgettext_lazy("audit", "Duty rotation saved"),
    "duty.layer.delete": pgettext_lazy("audit", "Duty rotation deleted"),
    "duty.plan.create": pgettext_lazy("audit", "Holiday duty plan created"),
    "duty.plan.delete": pgettext_lazy("audit", "Holiday duty plan deleted"),
    "duty.month.publish": pgettext_lazy("audit", "Duty month published"),
    "village.catalogue.retire": pgettext_lazy("audit", "Publicity catalogue item retired"),
    "village.catalogue.reinstate": pgettext_lazy("audit", "Publicity catalogue item reinstated"),
    "open311.key.issue": pgettext_lazy("audit", "Open311 API key issued"),
    "open311.key.revoke": pgettext_lazy("audit", "Open311 API key revoked"),
}


def label(action: str) -> str:
    """The description of `action`, or the code itself for one no longer described (an old row)."""
    return str(LABELS.get(action, action))
