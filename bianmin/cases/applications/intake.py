"""Filing an application (办件) against a catalogue item (DESIGN §2.2, §4.2): online by the citizen, at a
window, or by a village cadre on a villager's behalf (代办, 群众办事不出村). Every application lands with
the unit that checks its materials, awaiting the check; the application workflow's rows (`bianmin.cases.workflow`) do the rest."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from bianmin.cases import sla
from bianmin.cases.choices import CaseKind, CaseStatus, Channel, LimitUnit, Urgency, Workflow
from bianmin.cases.models import Application, Case
from bianmin.cases.services import intake_errors, save_new_case
from bianmin.catalog.choices import HandlingForm, Level
from bianmin.catalog.models import ItemVersion, ServiceItem
from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.org.choices import PLACE_KINDS, Role, UnitKind
from bianmin.org.citizens import account_of
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission, roles_granting
from bianmin.org.scope import in_scope
from bianmin.workdays.services import current_calendar

ONLINE = frozenset({Channel.WEB, Channel.MOBILE})
# channel → the form of handling the item must offer for it
FORMS = {Channel.WEB: HandlingForm.ONLINE, Channel.MOBILE: HandlingForm.ONLINE, Channel.WINDOW: HandlingForm.WINDOW}
FORMS[Channel.VILLAGE_HALL] = HandlingForm.PROXY
TOWNSHIPS = frozenset({UnitKind.TOWNSHIP, UnitKind.STREET})


def landing_unit(version: ItemVersion, village: Unit | None) -> Unit:
    """Who checks the materials: a township's own item stays there; an item handled at the township level
    goes to the applicant's township (乡镇受理), which decides it when the item is delegated down and
    otherwise forwards it to the implementing unit; any other item goes to the implementing unit."""
    if version.unit.kind in TOWNSHIPS or village is None or Level.TOWNSHIP not in version.levels:
        return version.unit
    township = village.parent
    return township if township is not None and township.kind in TOWNSHIPS else version.unit


def _hall_serves(actor: User, unit: Unit) -> bool:
    """A window of a service center takes in applications for every unit of the level the center serves."""
    centers = Unit.objects.filter(kind=UnitKind.SERVICE_CENTER, is_active=True).select_related("parent")
    return any(
        center.parent is not None
        and unit.path.startswith(center.parent.path)
        and in_scope(actor, Permission.CASE_CREATE, center.path)
        for center in centers
    )


def channels_for(user: User, version: ItemVersion) -> list[Channel]:
    """How `user` may file this item: staff who take in cases through the village hall (代办, for the villages
    they serve) or at a window; anyone else online, for themselves. In the order a page offers them."""
    forms = set(version.handling_forms)
    takers = roles_granting(Permission.CASE_CREATE)
    kinds = set(user.memberships.filter(role__in=takers, unit__is_active=True).values_list("unit__kind", flat=True))
    if kinds:
        at_village = bool(kinds & PLACE_KINDS) and HandlingForm.PROXY in forms
        at_window = bool(kinds - PLACE_KINDS) and HandlingForm.WINDOW in forms
        return [c for c, offered in ((Channel.VILLAGE_HALL, at_village), (Channel.WINDOW, at_window)) if offered]
    return [Channel.WEB] if HandlingForm.ONLINE in forms else []


def citizen_account(phone: str) -> User | None:
    """The applicant's own account: the one they opened by signing in with this mobile number, or else the
    one citizen account that carries it; so an application a cadre filed for them shows among their own cases."""
    opened = account_of(phone)
    if opened is not None:
        return opened
    found = list(User.objects.filter(phone=phone, is_active=True, memberships__role=Role.CITIZEN).distinct()[:2])
    return found[0] if len(found) == 1 else None


def _check(
    actor: User, version: ItemVersion, channel: str, village: Unit | None, unit: Unit, errors: dict[str, Any]
) -> None:
    form = FORMS.get(Channel(channel)) if channel in Channel.values else None
    if form is None:
        errors["channel"] = _("Applications are filed online, at a window or through the village hall.")
    elif form not in version.handling_forms:
        errors["channel"] = _("This item cannot be handled this way: %(forms)s.") % {
            "forms": "、".join(str(HandlingForm(f).label) for f in version.handling_forms)
        }
    if village is not None and village.kind not in PLACE_KINDS:
        errors["village"] = _("Choose a village or community.")
    if version.unit.kind in TOWNSHIPS and village is not None and not village.path.startswith(version.unit.path):
        errors["item"] = _("This item is handled by %(unit)s for its own villages; choose your township's item.") % {
            "unit": version.unit.name
        }
    if channel == Channel.VILLAGE_HALL and village is None:
        errors["village"] = _("Choose the village of the applicant.")
    if errors:
        raise InvalidInput(errors)
    if channel in ONLINE:
        return  # the citizen files for themselves
    if channel == Channel.VILLAGE_HALL:
        assert village is not None  # noqa: S101 (checked above)
        allowed = in_scope(actor, Permission.CASE_CREATE, village.path)
    else:
        allowed = in_scope(actor, Permission.CASE_CREATE, unit.path) or _hall_serves(actor, unit)
    if not allowed:
        raise PermissionDenied(_("You may only take in applications for the units and villages you serve."))


def create_application(
    *,
    actor: User,
    item: ServiceItem | None,
    channel: str,
    citizen_name: str,
    citizen_phone: str,
    citizen_id_number: str = "",
    village: Unit | None = None,
    content: str = "",
    address: str = "",
    idempotency_key: str = "",
    received_at: Any = None,
) -> tuple[Case, bool]:
    """File an application against the item's current version. Online the actor is the applicant; at a
    window or through the village hall (代办) the actor is the cadre taking it in. Returns (case, created)."""
    if idempotency_key:
        existing = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    if item is None or not item.active or item.current is None:
        raise InvalidInput({"item": _("No active service item with this code.")})
    version = item.current
    citizen_id_number = ric.compact(citizen_id_number) if citizen_id_number else ""
    phone = citizen_phone.strip()
    errors = intake_errors(
        title=version.name,
        content=content or version.name,
        citizen_name=citizen_name,
        citizen_phone=phone,
        citizen_id_number=citizen_id_number,
        kind=CaseKind.APPLICATION,
        channel=channel,
        urgency=Urgency.NORMAL,
    )
    unit = landing_unit(version, village)
    _check(actor, version, channel, village, unit, errors)
    now = received_at or timezone.now()
    calendar = current_calendar()
    notice_due = sla.add_limit(now, settings.APPLICATION_NOTICE_DAYS, LimitUnit.WORKING_DAYS, calendar)
    case = Case(
        workflow=Workflow.APPLICATION,
        kind=CaseKind.APPLICATION,
        channel=channel,
        title=version.name,
        content=(content or version.name).strip(),
        address=address.strip(),
        citizen_name=citizen_name.strip(),
        citizen_phone=phone,
        citizen_id_number=citizen_id_number,
        citizen=actor if channel in ONLINE else citizen_account(phone),
        village=village,
        unit=unit,
        origin_unit=village or unit,
        status=CaseStatus.SUBMITTED,
        received_at=now,
        # The promised limit is the case's clock; until acceptance the clock is the one-time notice's.
        limit_value=version.promised_limit,
        limit_unit=version.promised_limit_unit,
        due_base_at=notice_due,
        due_base_set_at=now,
        due_at=notice_due,
        created_by=actor,
        idempotency_key=idempotency_key,
    )
    proxy = actor if channel == Channel.VILLAGE_HALL else None

    application = Application(
        item_version=version,
        proxy=proxy,
        legal_limit_value=version.legal_limit,
        legal_limit_unit=version.legal_limit_unit,
        notice_due_at=notice_due,
        trips=1 if channel == Channel.WINDOW else 0,
    )
    data = {"channel": channel, "kind": CaseKind.APPLICATION, "item": item.code, "version": version.number}
    if proxy is not None:
        data["proxy"] = proxy.username
    return save_new_case(case, data, [application])
