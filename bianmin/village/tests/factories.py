"""Factories and helpers of the village app's tests."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from stdnum.cn import uscc

from bianmin.org.models import Unit, User
from bianmin.pension.ids import resident_id
from bianmin.village import projects, services
from bianmin.village.choices import FundSource, PublicationAction, PublicityCategory
from bianmin.village.models import Publication, Register

_serial = itertools.count(1)


def new_id(birth: date = date(1970, 3, 9)) -> str:
    return resident_id("500236", birth, next(_serial) % 999 + 1)


def credit_code(serial: int) -> str:
    """A well-formed unified social credit code of a business registered in the county (not a real one)."""
    body = f"92500236MA{serial:07d}"
    return body + uscc.calc_check_digit(body + "0")


def register(village: Unit, **counts: Any) -> Register:
    values = {
        "as_of": date(2026, 1, 1),
        "party_members": 30,
        "adults": 900,
        "households": 300,
        "representatives": 45,
        "committee_members": 7,
        "branch_members": 5,
    }
    values.update(counts)
    return Register.objects.create(village=village, **values)


def published(
    village: Unit, cadre: User, monitor: User, *, title: str = "2026年第1季度村务公开", body: str = ""
) -> Publication:
    pub = services.draft_publication(
        actor=cadre,
        village=village,
        category=PublicityCategory.FINANCE,
        title=title,
        body=body or "本季度村集体收入12,345.60元，支出8,000元。",
    )
    services.act(pub, PublicationAction.SIGN, actor=monitor, note="已核对")
    return services.act(pub, PublicationAction.PUBLISH, actor=cadre)


def project(village: Unit, cadre: User, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "name": "三组便民路硬化",
        "place": "浣花村三组",
        "content": "硬化道路1.2公里",
        "period_start": date(2026, 3, 1),
        "period_end": date(2026, 6, 30),
        "implementer": "浣花村村民委员会",
        "responsible": "孙主任",
        "fund_source": FundSource.POVERTY,
        "budget_fen": 10_000_000,
    }
    values.update(fields)
    return projects.create_project(actor=cadre, village=village, **values)
