"""Factories of the pension app's tests."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from bianmin.org.models import Unit
from bianmin.pension import services
from bianmin.pension.ids import resident_id
from bianmin.pension.models import Pensioner, Scheme

_serial = itertools.count(1)


def scheme(code: str = "170", **fields: Any) -> Scheme:
    found, _created = Scheme.objects.get_or_create(code=code, defaults={"name": f"险种{code}", **fields})
    return found


def new_id(birth: date = date(1950, 5, 17)) -> str:
    n = next(_serial)
    return resident_id("500236", birth.replace(year=birth.year - n // 900), n % 900 + 1)


def pensioner(village: Unit, *, last_certified_on: date | None = None, **fields: Any) -> Pensioner:
    fields.setdefault("name", "张大爷")
    fields.setdefault("id_number", new_id())
    fields.setdefault("scheme", scheme())
    return services.register_pensioner(actor=None, village=village, last_certified_on=last_certified_on, **fields)
