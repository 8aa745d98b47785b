from __future__ import annotations

from typing import Any

from bianmin.cases.applications.intake import create_application
from bianmin.cases.choices import CaseKind, Channel
from bianmin.cases.models import Case
from bianmin.cases.services import create_case
from bianmin.catalog.models import ServiceItem
from bianmin.org.models import User


def new_case(actor: User, **overrides: Any) -> Case:
    """A help request about a village, taken in by `actor` (it lands at the village if they serve it)."""
    values: dict[str, Any] = {
        "channel": Channel.VILLAGE_HALL,
        "kind": CaseKind.HELP,
        "title": "村道塌方需要修复",
        "content": "浣花村三组到四组的村道雨后塌方，摩托车无法通行，请尽快修复。",
        "citizen_name": "张大山",
        "citizen_phone": "13800001234",
    }
    values.update(overrides)
    case, _created = create_case(actor=actor, **values)
    return case


def new_application(actor: User, item: ServiceItem, **overrides: Any) -> Case:
    """An application for `item` filed by village cadre `actor` on a villager's behalf (代办), unless the
    overrides say otherwise."""
    values: dict[str, Any] = {
        "channel": Channel.VILLAGE_HALL,
        "citizen_name": "王秀英",
        "citizen_phone": "13900001111",
    }
    values.update(overrides)
    case, _created = create_application(actor=actor, item=item, **values)
    return case
