"""The demo county's Open311 (deterministic for a seed; running it again completes, never duplicates): a demo
client key for the county (its secret is drawn at random and kept nowhere: issue a real one on /open311/keys/),
the attributes of two services, and a few requests filed through the adapter, one of them handled to the end by
the village through `perform` so that GeoReport v2 shows an open and a closed request with its reply."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from bianmin.cases.choices import LimitUnit
from bianmin.cases.models import Category
from bianmin.cases.services import perform
from bianmin.cases.workflow import Action
from bianmin.demo.cases import CATEGORIES
from bianmin.open311.choices import Datatype
from bianmin.open311.models import ClientKey, ServiceAttribute
from bianmin.open311.params import Submission
from bianmin.open311.services import file_request, issue_key
from bianmin.org.models import Unit, User

DEMO_CLIENT = "演示客户端（FixMyStreet）"
ATTRIBUTES = [
    (
        "road",
        "damage",
        Datatype.SINGLEVALUELIST,
        True,
        "损坏类型",
        [("collapse", "塌方"), ("pothole", "坑洼"), ("light", "路灯损坏"), ("other", "其他")],
    ),
    ("road", "blocked", Datatype.SINGLEVALUELIST, False, "是否已无法通行", [("yes", "是"), ("no", "否")]),
    ("environment", "smell", Datatype.STRING, False, "异味或污染的情况", []),
]
# (service, days ago, village, description, address, answers, handled by the village to the end)
REQUESTS = [
    ("road", 6, "浣花村", "村道三组路段雨后塌方，农用车无法通行。", "浣花村三组村道", {"damage": "collapse"}, True),
    ("road", 2, "浣花村", "村口路灯已坏十多天，夜间出行不便。", "浣花村村口", {"damage": "light"}, False),
    ("environment", 1, None, "河边有人倾倒建筑垃圾。", "", {}, False),
]


def _attributes() -> None:
    for code, attribute, datatype, required, question, values in ATTRIBUTES:
        category = Category.objects.filter(code=code).first()
        if category is None:
            continue
        ServiceAttribute.objects.get_or_create(
            category=category,
            code=attribute,
            defaults={
                "datatype": datatype,
                "required": required,
                "description": question,
                "order": ATTRIBUTES.index((code, attribute, datatype, required, question, values)) + 1,
                "values": [{"key": key, "name": name} for key, name in values],
            },
        )


def load_demo_open311(seed: int = 2026) -> None:
    county = Unit.objects.filter(code="500236000000").first()
    center = Unit.objects.filter(code="500236-ZWZX").first()
    admin = User.objects.filter(username="admin").first()
    if county is None or center is None or admin is None:
        return
    # The categories as the demo cases make them (the bulk demo makes them after this runs).
    for code, name, limit, _kind, _templates in CATEGORIES:
        Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "limit_value": limit, "limit_unit": LimitUnit.WORKING_DAYS if limit else ""},
        )
    _attributes()
    client = ClientKey.objects.filter(name=DEMO_CLIENT, jurisdiction=county).first()
    if client is None:
        client, _secret = issue_key(actor=admin, name=DEMO_CLIENT, jurisdiction=county, intake_unit=center)
    rng = random.Random(f"{seed}-open311")
    cadre = User.objects.filter(username="village_cadre").first()
    now = timezone.now()
    for index, (service, days, village, description, address, answers, handled) in enumerate(REQUESTS, start=1):
        phone = f"13{rng.randrange(10**9):09d}"
        place = Unit.objects.filter(name=village).first() if village else None
        request, created = file_request(
            Submission(
                service_code=service,
                jurisdiction_id=county.code,
                lat=Decimal("31.018500") + index / Decimal(1000),
                long=Decimal("109.463200") + index / Decimal(1000),
                address_string=address,
                address_id=place.code if place else "",
                attributes=dict(answers),
                email="",
                device_id=f"demo-device-{index}",
                account_id="",
                first_name="",
                last_name="村民",
                phone=phone,
                description=description,
                media_url="",
            ),
            client=client,
            idempotency_key=f"demo-{seed}-{index}",
            now=now - timedelta(days=days),
        )
        if created and handled and cadre is not None and request.case.unit_id == getattr(place, "pk", None):
            at = now - timedelta(days=days) + timedelta(hours=2)
            case = perform(request.case, Action.ACCEPT, actor=cadre, at=at)
            case = perform(case, Action.REPLY, actor=cadre, at=at + timedelta(days=2), reply=_REPLY)
            perform(case, Action.COMPLETE, actor=cadre, at=at + timedelta(days=2, hours=1))


_REPLY = "已组织村民清理塌方并临时加固，现已恢复通行；永久修复已报镇里列入计划。"
