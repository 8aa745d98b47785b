"""The demo county: 奉节县 with the townships and streets of the source document and a few more.

Deterministic for a seed and safe to run again (rows are matched by code and username). Every account
it creates is for demonstration only; `bianmin up` prints them and marks them so.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from bianmin.catalog.demo import load_demo_catalog
from bianmin.demo.applications import application_share, load_demo_applications
from bianmin.demo.bulk import BULK_THRESHOLD, load_bulk_cases
from bianmin.demo.cases import load_demo_cases
from bianmin.duty.demo import load_demo_duty
from bianmin.hall.demo import load_demo_hall
from bianmin.open311.demo import load_demo_open311
from bianmin.org import services
from bianmin.org.choices import EmploymentType, Role, UnitKind
from bianmin.org.models import Unit, User
from bianmin.pension.demo import load_demo_pension
from bianmin.village.demo import load_demo_village

COUNTY = ("500236000000", "奉节县")
PROVINCE = ("500000000000", "重庆市")

# (division number, name, kind, villages or communities named in the source first)
TOWNSHIPS: list[tuple[int, str, str, list[str]]] = [
    (1, "夔门街道", UnitKind.STREET, ["宝塔坪社区"]),
    (2, "永安街道", UnitKind.STREET, []),
    (3, "鱼复街道", UnitKind.STREET, []),
    (101, "白帝镇", UnitKind.TOWNSHIP, ["浣花村"]),
    (102, "草堂镇", UnitKind.TOWNSHIP, []),
    (103, "汾河镇", UnitKind.TOWNSHIP, []),
    (104, "康乐镇", UnitKind.TOWNSHIP, []),
    (105, "朱衣镇", UnitKind.TOWNSHIP, []),
]

VILLAGE_NAMES = [
    "八阵村",
    "紫阳村",
    "石马村",
    "永乐村",
    "黄金村",
    "桃园村",
    "龙门村",
    "长凼村",
    "新坪村",
    "柑子村",
    "莲花村",
    "石板村",
    "双河村",
    "青龙村",
    "白果村",
    "和平村",
    "兴隆村",
    "马岭村",
    "茶园村",
    "梨子坪村",
    "大坪村",
    "三沱村",
    "金凤村",
    "堡坪村",
    "竹林村",
    "观音村",
    "水井村",
    "桂花村",
    "高峰村",
    "红岩村",
]
COMMUNITY_NAMES = [
    "诗城社区",
    "滨江社区",
    "三峡社区",
    "南门社区",
    "北门社区",
    "朝阳社区",
    "人民社区",
    "依斗门社区",
    "瞿塘社区",
    "永安社区",
    "鱼复社区",
    "府前社区",
    "新城社区",
    "江南社区",
    "白帝城社区",
    "桂园社区",
    "草堂社区",
    "状元社区",
    "安坪社区",
    "迎宾社区",
    "朱衣社区",
    "白马社区",
]
DEPARTMENTS = [
    ("RSJ", "县人力社保局"),
    ("MZJ", "县民政局"),
    ("ZJW", "县住建委"),
    ("NYNCW", "县农业农村委"),
    ("ZRZYJ", "县自然资源局"),
    ("GAJ", "县公安局"),
    ("WJW", "县卫生健康委"),
    ("JW", "县教委"),
    ("SCJGJ", "县市场监管局"),
    ("YBJ", "县医保局"),
    ("CL", "县残联"),
    ("XFB", "县信访办"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    unit_code: str
    display_name: str
    password: str


def accounts_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-accounts.txt"


def _unit(
    code: str, name: str, kind: str, parent: Unit | None, *, phone: str = "", covers: list[Unit] | None = None
) -> Unit:
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return services.create_unit(
        actor=None, code=code, name=name, kind=kind, parent=parent, phone=phone, covers=covers or []
    )


def _password(rng: random.Random) -> str:
    letters = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(4))
    return f"Demo-{letters}-{rng.randrange(1000, 10000)}"


def load_demo(
    seed: int = 2026,
    cases: int = 300,
    *,
    days: int = 540,
    bulk_threshold: int = BULK_THRESHOLD,
    report: Callable[[str], Any] | None = None,
) -> list[DemoAccount]:
    """Create (or complete) the demo county and its demo accounts; returns the accounts with passwords.

    Up to `bulk_threshold` cases are played through the workflow with the county, in its transaction, one
    in five of them an application (办件); more are written in bulk (grievances only) over the last `days`
    days, batch by batch after the county is committed."""
    bulk = cases > bulk_threshold
    with transaction.atomic():
        accounts = _load_county(seed)
        load_demo_catalog()
        if not bulk:
            applications = application_share(cases)
            load_demo_cases(seed, cases - applications)
            load_demo_applications(seed, applications)
    if bulk:
        load_bulk_cases(seed, cases, days=days, report=report)
    return accounts


def load_demo_modules(seed: int = 2026) -> None:
    """Each module's own demo data on top of the county and its stories (windows and tickets, rosters,
    pensioners, an Open311 client with a few requests): `bianmin demo` and `bianmin up` load them after
    `load_demo`. Some add matters of their own (a request filed through Open311), so `--cases` counts the
    stories only. Each completes, never duplicates."""
    with transaction.atomic():
        load_demo_hall(seed)
        load_demo_duty(seed)
        load_demo_pension(seed)
        load_demo_open311(seed)
        load_demo_village(seed)


def _load_county(seed: int) -> list[DemoAccount]:
    rng = random.Random(seed)
    province = _unit(PROVINCE[0], PROVINCE[1], UnitKind.PROVINCE, None)
    county = _unit(COUNTY[0], COUNTY[1], UnitKind.COUNTY, province, phone="023-56556789")
    center = _unit("500236-ZWZX", "奉节县行政服务中心", UnitKind.SERVICE_CENTER, county, phone="12345")
    departments = {abbr: _unit(f"500236-{abbr}", name, UnitKind.DEPARTMENT, county) for abbr, name in DEPARTMENTS}

    villages_pool, communities_pool = VILLAGE_NAMES[:], COMMUNITY_NAMES[:]
    rng.shuffle(villages_pool)
    rng.shuffle(communities_pool)
    places: dict[str, Unit] = {}
    teams: dict[str, Unit] = {}
    for number, name, kind, named in TOWNSHIPS:
        township = _unit(f"500236{number:03d}000", name, kind, county)
        places[name] = township
        street = kind == UnitKind.STREET
        count = rng.randint(4, 6)
        names = named + [(communities_pool if street else villages_pool).pop() for _ in range(count - len(named))]
        children = []
        for index, child_name in enumerate(names, start=1):
            # Division codes: 0xx for communities (居委会), 2xx for villages (村委会).
            child_kind = UnitKind.COMMUNITY if child_name.endswith("社区") else UnitKind.VILLAGE
            serial = index if child_kind == UnitKind.COMMUNITY else 200 + index
            child = _unit(f"500236{number:03d}{serial:03d}", child_name, child_kind, township)
            places[child_name] = child
            children.append(child)
        if not street:
            covered = children[:2]
            team_name = f"{name}驻{covered[0].name}工作组"
            teams[name] = _unit(f"500236{number:03d}-ZCGZZ", team_name, UnitKind.WORK_TEAM, township, covers=covered)

    cast = [
        ("admin", Role.ADMIN, county, "县平台管理员"),
        ("supervisor", Role.SUPERVISOR, county, "县督查室 刘督查"),
        ("inspector", Role.INSPECTOR, center, "中心巡岗 陈巡查"),
        ("window_staff", Role.WINDOW_STAFF, center, "综合窗口 王窗口"),
        ("department_handler", Role.DEPARTMENT_HANDLER, departments["RSJ"], "县人力社保局 赵经办"),
        ("civil_affairs", Role.DEPARTMENT_HANDLER, departments["MZJ"], "县民政局 钱经办"),
        ("township_leader", Role.TOWNSHIP_LEADER, places["白帝镇"], "白帝镇 李镇长"),
        ("township_staff", Role.TOWNSHIP_STAFF, places["夔门街道"], "夔门街道 周干事"),
        ("work_team", Role.WORK_TEAM, teams["白帝镇"], "白帝镇驻村工作组 吴组长"),
        ("village_cadre", Role.VILLAGE_CADRE, places["浣花村"], "浣花村 孙主任"),
        ("citizen", Role.CITIZEN, places["浣花村"], "浣花村村民 张大山"),
        ("village_monitor", Role.VILLAGE_MONITOR, places["浣花村"], "浣花村监委会 郑监督"),
    ]
    accounts = []
    for username, role, unit, display_name in cast:
        password = _password(rng)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"  # drawn every run: same seed, same output
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.create_user(
                actor=None,
                username=username,
                password=password,
                display_name=display_name,
                phone=phone,
                employment_type=EmploymentType.FORMAL,
                memberships=[(unit, role)],
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
        else:
            services.set_password(user, actor=None, password=password)
            services.add_membership(user, actor=None, unit=unit, role=role)
        accounts.append(DemoAccount(username, role, unit.code, display_name, password))
    _write_accounts(accounts)
    return accounts


def _write_accounts(accounts: list[DemoAccount]) -> None:
    path = accounts_file()
    path.write_text(format_accounts(accounts), encoding="utf-8")
    path.chmod(0o600)


def format_accounts(accounts: list[DemoAccount]) -> str:
    lines = ["DEMO ACCOUNTS — for demonstration only; never use them on a real installation (仅供演示)."]
    lines += [
        f"  {a.username:<20} {a.password:<28} {a.role.label} @ {a.unit_code} ({a.display_name})" for a in accounts
    ]
    return "\n".join(lines) + "\n"
