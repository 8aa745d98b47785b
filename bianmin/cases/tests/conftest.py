"""Fixtures of the case tests: service items of the test county to file applications against."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bianmin.catalog.models import ServiceItem
from bianmin.catalog.tests.factories import new_item
from bianmin.org.choices import Role, UnitKind
from bianmin.org.models import Unit, User
from bianmin.org.tests.factories import UnitFactory, member


@dataclass
class Items:
    allowance: ServiceItem  # 高龄津贴申领: the township checks, the county civil affairs bureau decides
    subsistence: ServiceItem  # 最低生活保障申请: delegated down, the township decides
    pension: ServiceItem  # 城乡居民基本养老保险参保登记: online, window or proxy
    disability: ServiceItem  # 残疾人证办理: county, at a window only
    mzj: Unit
    mzj_staff: User


@pytest.fixture
def items(county) -> Items:
    mzj = UnitFactory(code="500236-MZJ", name="县民政局", kind=UnitKind.DEPARTMENT, parent=county["county"])
    cl = UnitFactory(code="500236-CL", name="县残联", kind=UnitKind.DEPARTMENT, parent=county["county"])
    villager = county.people["villager"]
    villager.phone = "13900001111"  # the applicant's phone: the cadre's filing shows among her own cases
    villager.save()
    return Items(
        allowance=new_item(mzj, "高龄津贴申领"),
        subsistence=new_item(mzj, "最低生活保障申请"),
        pension=new_item(county["rsj"], "城乡居民基本养老保险参保登记"),
        disability=new_item(cl, "残疾人证办理"),
        mzj=mzj,
        mzj_staff=member(mzj, Role.DEPARTMENT_HANDLER, username="mzj_staff"),
    )
