"""Demo cases: categories with their time limits and a few hundred realistic cases in every state,
received over the last three months and carried through the real workflow (services.perform)."""

from __future__ import annotations

import contextlib
import random
import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from bianmin.cases.choices import CaseKind, CaseStatus, Channel, LimitUnit
from bianmin.cases.models import Case, Category
from bianmin.cases.services import create_case, perform
from bianmin.errors import DomainError
from bianmin.org import services as org_services
from bianmin.org.choices import Role, UnitKind
from bianmin.org.models import Unit, User

# (code, name, limit in working days or None for the kind's default, kind, [(title, content)])
CATEGORIES: list[tuple[str, str, int | None, str, list[tuple[str, str]]]] = [
    (
        "road",
        "道路交通",
        10,
        CaseKind.HELP,
        [
            ("村道塌方影响通行", "{place}{group}到{group2}的村道雨后塌方，摩托车和农用车无法通行，请尽快修复。"),
            ("路灯损坏夜间出行不便", "{place}{group}路口的路灯坏了半个多月，晚上出行很不安全。"),
        ],
    ),
    (
        "water",
        "供水供电",
        5,
        CaseKind.HELP,
        [
            ("自来水停水多日", "{place}{group}自来水已经停了{days}天，老人取水困难，请协调恢复供水。"),
            ("电压不稳家电烧坏", "{place}{group}最近电压忽高忽低，已有两户家电烧坏，请供电所来检查。"),
        ],
    ),
    (
        "environment",
        "环境卫生",
        10,
        CaseKind.COMPLAINT,
        [
            ("垃圾清运不及时", "{place}{group}垃圾池已经满了一周没人清运，气味很大，蚊蝇多。"),
            ("养殖场污水直排", "{place}附近养殖场把污水直接排进小河，河水发黑发臭。"),
        ],
    ),
    (
        "noise",
        "噪音扰民",
        10,
        CaseKind.COMPLAINT,
        [
            ("夜间施工噪音扰民", "{place}旁的工地每晚十一点后仍在施工，噪音很大，影响休息。"),
        ],
    ),
    (
        "social",
        "社会保障",
        10,
        CaseKind.CONSULTATION,
        [
            ("咨询城乡居民养老保险缴费", "想了解今年城乡居民养老保险的缴费档次和截止时间，{place}村民。"),
            ("低保申请进度", "{place}村民去年十一月申请了低保，想问问现在审核到哪一步了。"),
            ("高龄津贴没有到账", "家里老人今年满八十岁，高龄津贴一直没有到账，{place}。"),
        ],
    ),
    (
        "medical",
        "医疗卫生",
        10,
        CaseKind.CONSULTATION,
        [
            ("医保异地就医备案", "在外地务工，想咨询异地就医备案怎么办理，{place}户籍。"),
        ],
    ),
    (
        "land",
        "土地林权",
        15,
        CaseKind.PETITION,
        [
            ("承包地边界纠纷", "与邻居因承包地边界发生争执，{place}{group}，请村里和镇上协调。"),
            ("林权证信息有误", "{place}林权证上的面积和实际不符，申请更正。"),
        ],
    ),
    (
        "dispute",
        "邻里纠纷",
        10,
        CaseKind.HELP,
        [
            ("邻里排水纠纷", "{place}{group}邻居修房子把排水沟堵了，雨天水流进我家院坝。"),
        ],
    ),
    (
        "housing",
        "住房建设",
        15,
        CaseKind.SUGGESTION,
        [
            ("建议修建村文化广场", "{place}村民希望在{group}空地修一个文化广场，方便老人活动。"),
            ("危房改造补助咨询", "{place}{group}有户人家的土坯房开裂，想了解危房改造补助政策。"),
        ],
    ),
    (
        "agriculture",
        "农业生产",
        10,
        CaseKind.CONSULTATION,
        [
            ("农机购置补贴怎么申请", "今年买了一台微耕机，想问农机购置补贴怎么申请，{place}。"),
            ("柑橘病虫害求助", "{place}{group}的脐橙出现大面积黄叶，请农技人员来看看。"),
        ],
    ),
    (
        "conduct",
        "作风纪律",
        15,
        CaseKind.REPORT,
        [
            ("反映窗口人员态度差", "在便民服务中心办事时，窗口工作人员态度生硬，{place}村民。"),
        ],
    ),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = [
    "秀英",
    "桂兰",
    "建国",
    "国华",
    "德明",
    "玉兰",
    "志强",
    "春梅",
    "大山",
    "永福",
    "家明",
    "小红",
    "光荣",
    "明芳",
    "长青",
    "淑珍",
]
REPLIES = [
    "已安排人员现场核实并处理完毕，感谢您的反映。",
    "经协调，相关单位已于近日完成整改。",
    "已向您电话解释相关政策，并告知办理流程和所需材料。",
    "已转交责任单位处理，现已解决。",
]
# Target states and their weights: most cases are done, some still moving, a few refused or merged.
PLAN = [
    ("submitted", 6),
    ("accepted", 8),
    ("in_progress", 14),
    ("paused", 4),
    ("replied", 5),
    ("completed", 10),
    ("closed", 38),
    ("reopened", 3),
    ("refused", 3),
    ("withdrawn", 3),
    ("merged", 3),
    ("transferred", 3),
]

# How old a matter in an open state can be, in days (the others spread over the three months).
OPEN_DAYS = {"submitted": 3, "accepted": 12, "replied": 10, "transferred": 20, "in_progress": 25, "paused": 30}
OPEN_DAYS["reopened"] = 25


def _handler(unit: Unit, cache: dict[int, User]) -> User:
    """A demo handler for each unit (no usable password: these accounts are only actors in the history)."""
    if unit.pk not in cache:
        role = {
            UnitKind.VILLAGE: Role.VILLAGE_CADRE,
            UnitKind.COMMUNITY: Role.VILLAGE_CADRE,
            UnitKind.WORK_TEAM: Role.WORK_TEAM,
            UnitKind.TOWNSHIP: Role.TOWNSHIP_STAFF,
            UnitKind.STREET: Role.TOWNSHIP_STAFF,
        }.get(UnitKind(unit.kind), Role.DEPARTMENT_HANDLER)
        username = f"staff-{unit.code.lower()}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = org_services.create_user(
                actor=None,
                username=username,
                password=secrets.token_urlsafe(24),
                display_name=f"{unit.name}经办人",
                memberships=[(unit, role)],
            )
        cache[unit.pk] = user
    return cache[unit.pk]


def load_demo_cases(seed: int, count: int = 300) -> int:
    if Case.objects.exists():
        return 0
    rng = random.Random(seed)
    categories = []
    for code, name, limit, kind, templates in CATEGORIES:
        category, _created = Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "limit_value": limit, "limit_unit": LimitUnit.WORKING_DAYS if limit else ""},
        )
        categories.append((category, kind, templates))
    villages = list(Unit.objects.places().order_by("code"))
    departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("code"))
    supervisor = User.objects.filter(username="supervisor").first()
    handlers: dict[int, User] = {}
    now = timezone.now()
    states = [state for state, weight in PLAN for _ in range(weight)]
    made: list[Case] = []
    for _ in range(count):
        category, kind, templates = rng.choice(categories)
        title, content = rng.choice(templates)
        village = rng.choice(villages)
        age = rng.uniform(0.2, 90)
        hour, minute = rng.randint(8, 17), rng.randint(0, 59)
        text = content.format(
            place=village.name, group=f"{rng.randint(1, 8)}组", group2=f"{rng.randint(1, 8)}组", days=rng.randint(2, 6)
        )
        state = rng.choice(states)
        # A matter still open was received lately: nothing lies untouched for months (a few run late).
        age = 0.2 + (age - 0.2) * OPEN_DAYS.get(state, 90) / 90
        received = (now - timedelta(days=age)).replace(hour=hour, minute=minute)
        if received > now:
            received = now - timedelta(hours=1)
        channel = (
            Channel.WEB
            if state == "submitted"
            else rng.choice(
                [
                    Channel.HOTLINE,
                    Channel.VILLAGE_HALL,
                    Channel.VILLAGE_HALL,
                    Channel.WINDOW,
                    Channel.MOBILE,
                    Channel.RECEPTION,
                ]
            )
        )
        cadre = _handler(village, handlers)
        case, _created = create_case(
            actor=None if state == "submitted" else cadre,
            channel=channel,
            kind=kind,
            title=title,
            content=text,
            citizen_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            citizen_phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            village=village,
            unit=village,
            category=category,
            submitted=state in ("submitted", "refused"),
            received_at=received,
        )
        # A step the calendar makes impossible (past the reopen window, say) leaves the case where it got.
        with contextlib.suppress(DomainError):
            case = _play(case, state, rng, received, now, cadre, handlers, departments, supervisor, made)
        made.append(case)
    return len(made)


def _play(
    case: Case,
    state: str,
    rng: random.Random,
    received: datetime,
    now: datetime,
    cadre: User,
    handlers: dict[int, User],
    departments: list[Unit],
    supervisor: User | None,
    made: list[Case],
) -> Case:
    def step(hours: float) -> datetime:
        nonlocal received
        received = min(received + timedelta(hours=hours), now - timedelta(minutes=1))
        return received

    if state in ("submitted",):
        return case
    if state == "refused":
        return perform(
            case, "refuse", actor=cadre, at=step(2), reason="该事项已进入诉讼程序", proper_channel="人民法院"
        )
    if state == "merged":
        open_here = (m for m in reversed(made) if m.status in ("accepted", "in_progress") and m.unit_id == case.unit_id)
        master = next(open_here, None)
        if master is not None:
            return perform(case, "merge", actor=cadre, at=step(1), master=master.number)
    if state == "withdrawn":
        return perform(case, "withdraw", actor=cadre, at=step(20), reason="群众表示已自行解决")
    if state == "accepted":
        return case
    if rng.random() < 0.25:
        case = perform(
            case,
            "classify",
            actor=cadre,
            at=step(1),
            classification=rng.choice(["reasonable", "policy", "dispute", "unreasonable"]),
        )
    if rng.random() < 0.3 or state == "transferred":
        # Escalated to the work team or township, sometimes on to a county department.
        case = perform(case, "escalate", actor=cadre, at=step(rng.uniform(10, 60)), note="村级无法解决，上报")
        cadre = _handler(case.unit, handlers)
        if rng.random() < 0.4 or state == "transferred":
            department = rng.choice(departments)
            case = perform(case, "transfer", actor=cadre, at=step(rng.uniform(4, 30)), to_unit=department.code)
            cadre = _handler(department, handlers)
            if state == "transferred":
                return case
    if supervisor is not None and rng.random() < 0.12:
        case = perform(
            case,
            "supervise",
            actor=supervisor,
            at=step(24),
            due_at=min(now, received) + timedelta(days=3),
            note="请加快办理",
        )
    case = perform(case, "assign", actor=cadre, at=step(rng.uniform(1, 8)), handler=cadre.username)
    if state == "in_progress":
        return case
    if state == "paused":
        return perform(case, "pause", actor=cadre, at=step(rng.uniform(4, 48)), reason="等待群众补充现场照片")
    case = perform(case, "reply", actor=cadre, at=step(rng.uniform(8, 160)), reply=rng.choice(REPLIES))
    if state == "replied":
        return case
    case = perform(case, "complete", actor=cadre, at=step(rng.uniform(1, 24)))
    if state == "completed":
        return case
    rating = rng.choices([5, 4, 3, 2, 1], weights=[70, 20, 7, 2, 1])[0] if state != "reopened" else 2
    case = perform(case, "rate", actor=cadre, at=step(rng.uniform(2, 48)), rating=rating, comment="")
    if state == "reopened" and case.status == CaseStatus.CLOSED:
        case = perform(case, "reopen", actor=cadre, at=step(2), reason="群众回访表示问题没有解决")
    elif case.rectify_due_at is not None and rng.random() < 0.6:  # a 差评 that stands: rectified, called back
        case = perform(
            case, "rectify", actor=cadre, at=step(rng.uniform(8, 96)), note="已重新上门核实处理，群众现场确认"
        )
        case = perform(case, "call_back", actor=cadre, at=step(rng.uniform(2, 24)), note="电话回访，群众认可整改结果")
    return case
