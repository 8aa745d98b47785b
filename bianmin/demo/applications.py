"""Demo applications (办件): about sixty filings against the demo catalogue, spread over the last two
months, in every status of the application workflow. Filed online by the demo citizen, at the county
service center's windows, at the townships' windows, and by village cadres on villagers' behalf (代办),
then carried step by step through the real services (`create_application` with a past `received_at`,
then `perform(..., at=...)`) on working days of the official calendar, never later than `now`.

Each filing follows a story: the steps it went through and how many working days each took; a decision
"in time", "late" (after the promised limit) or "past the legal limit" is placed from the item's own
limits. Deterministic for a seed and a `now`; adds nothing when the demo already has applications."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from stdnum.cn import ric

from bianmin.cases import sla
from bianmin.cases.applications.intake import create_application
from bianmin.cases.choices import Channel, DeliveryMethod, Workflow
from bianmin.cases.models import Case
from bianmin.cases.services import perform
from bianmin.catalog.choices import Level
from bianmin.catalog.models import ServiceItem
from bianmin.demo.application_texts import PROXY_COMMENTS, RATING_COMMENTS, TEXTS, ItemText
from bianmin.demo.cases import SURNAMES, _handler
from bianmin.org import services as org_services
from bianmin.org.choices import Role, UnitKind
from bianmin.org.models import Unit, User
from bianmin.workdays.services import current_calendar

# How an application came in.
PROXY = "proxy"  # a village cadre files on the villager's behalf (代办, 群众办事不出村)
TOWN = "town"  # the window of the applicant's township
HALL = "hall"  # a window of the county service center
ONLINE = "online"  # the demo citizen, for themselves

# Who applies: an age group, or the demo citizen account.
OLDEST, ELDER, ADULT, YOUNG, CITIZEN = "oldest", "elder", "adult", "young", "citizen"
AGES = {OLDEST: (80, 92), ELDER: (60, 79), ADULT: (28, 58), YOUNG: (20, 30)}
GIVEN = {
    OLDEST: [("德明", 1), ("永福", 1), ("光荣", 1), ("秀英", 2), ("桂兰", 2), ("淑珍", 2), ("玉兰", 2)],
    ELDER: [("开明", 1), ("世友", 1), ("国华", 1), ("德福", 1), ("秀珍", 2), ("翠花", 2), ("素芳", 2)],
    ADULT: [("建国", 1), ("志强", 1), ("长青", 1), ("家明", 1), ("春梅", 2), ("明芳", 2), ("红梅", 2)],
    YOUNG: [("浩然", 1), ("俊杰", 1), ("宇航", 1), ("欣怡", 2), ("思雨", 2), ("雨桐", 2), ("小红", 2)],
}

# A step's duration in working days after the step before: a range, or a decision placed against the
# item's limits counted from acceptance (pauses and an extension given back).
IN_TIME, LATE, PAST_LEGAL, EXTENDED = "in_time", "late", "past_legal", "extended"
Gap = tuple[int, int] | str
Steps = tuple[tuple[str, Gap], ...]

ACCEPT: Steps = (("accept", (0, 2)), ("review", (0, 1)))
DELIVER: Steps = (("deliver", (1, 4)),)
RATE: Steps = (("rate", (0, 3)),)
FORWARD: Steps = (("forward", (1, 3)), ("review", (0, 2)))
PAUSE: Steps = (("special_procedure", (1, 3)), ("resume", (3, 7)))

# story → (steps, working days from the last step to the last working day before today)
STORIES: dict[str, tuple[Steps, tuple[int, int]]] = {
    "new": ((), (0, 3)),  # the one-time notice still due
    "notice_overdue": ((), (7, 11)),  # past the 5 working days: accepted on receipt by law (the sweep does it)
    "supplement": ((("request_supplement", (0, 3)),), (0, 8)),
    "supplemented": ((("request_supplement", (1, 3)), ("supplement", (2, 6))), (0, 2)),
    "accepted": ((("accept", (0, 2)),), (0, 2)),
    "deemed": ((("accept", (6, 7)), ("review", (0, 1))), (0, 3)),
    "forwarded": ((*ACCEPT, ("forward", (1, 3))), (0, 2)),
    "forwarded_review": ((*ACCEPT, *FORWARD), (0, 3)),
    "review": (ACCEPT, (1, 5)),
    "extended": ((*ACCEPT, ("extend", (8, 12))), (0, 4)),
    "supervised": ((*ACCEPT, ("supervise", LATE)), (0, 2)),
    "special": ((*ACCEPT, ("special_procedure", (1, 4))), (0, 8)),
    "approved": ((*ACCEPT, ("approve", IN_TIME)), (0, 3)),
    "approved_forwarded": ((*ACCEPT, *FORWARD, ("approve", IN_TIME)), (0, 3)),
    "delivered": ((*ACCEPT, ("approve", IN_TIME), *DELIVER), (0, 6)),
    "denied": ((*ACCEPT, ("deny", IN_TIME), *DELIVER), (0, 6)),
    "late": ((*ACCEPT, ("approve", LATE), *DELIVER), (0, 5)),
    "instant": (
        (("accept", (0, 0)), ("review", (0, 0)), ("approve", IN_TIME), ("deliver", (0, 0)), ("rate", (0, 1))),
        (0, 30),
    ),
    "closed": ((*ACCEPT, ("approve", IN_TIME), *DELIVER, *RATE), (0, 25)),
    "closed_denied": ((*ACCEPT, ("deny", IN_TIME), *DELIVER, *RATE), (0, 20)),
    "closed_late": ((*ACCEPT, ("approve", LATE), *DELIVER, *RATE), (0, 10)),
    "closed_past_legal": ((*ACCEPT, ("approve", PAST_LEGAL), *DELIVER, *RATE), (0, 2)),
    "closed_forwarded": ((*ACCEPT, *FORWARD, ("approve", IN_TIME), *DELIVER, *RATE), (0, 15)),
    "closed_paused": ((*ACCEPT, *PAUSE, ("approve", IN_TIME), *DELIVER, *RATE), (0, 10)),
    "closed_extended": ((*ACCEPT, ("extend", (8, 12)), ("approve", EXTENDED), *DELIVER, *RATE), (0, 4)),
    "closed_supplemented": (
        (
            ("request_supplement", (1, 3)),
            ("supplement", (2, 5)),
            *ACCEPT,
            *PAUSE,
            ("approve", IN_TIME),
            *DELIVER,
            *RATE,
        ),
        (0, 6),
    ),
    "refused": ((("refuse", (0, 2)),), (0, 30)),
    "withdrawn_new": ((("withdraw", (1, 2)),), (0, 10)),
    "withdrawn_supplement": ((("request_supplement", (0, 2)), ("withdraw", (5, 10))), (0, 20)),
    "withdrawn_review": ((*ACCEPT, ("withdraw", (2, 6))), (0, 15)),
}
EXTENSION = 10  # working days (行政许可法 第42条), approved by the unit's leader


@dataclass(frozen=True)
class Filing:
    item: str  # the catalogue item's name (农村宅基地建房审批: the applicant's township's own)
    story: str
    channel: str = PROXY
    where: str = ""  # a village, or a township (one of its villages); "" any village, "社区" any community
    who: str = ADULT
    rating: int = 5


# In order of priority: a small demo (`bianmin demo --cases 60`) takes the first ones and still shows every
# status, and the demo citizen's own applications.
PLAN: list[Filing] = [
    Filing("耕地地力保护补贴发放", "delivered", who=CITIZEN),
    Filing("农村危房改造补助申请", "special", who=CITIZEN),
    Filing("城乡居民基本医疗保险参保登记", "instant", ONLINE, who=CITIZEN),
    Filing("高龄津贴申领", "forwarded", who=OLDEST),
    Filing("最低生活保障申请", "extended", where="白帝镇"),
    Filing("特困人员救助供养申请", "supplement", who=ELDER),
    Filing("高龄津贴申领", "new", who=OLDEST),
    Filing("最低生活保障申请", "notice_overdue", where="草堂镇"),
    Filing("临时救助", "refused"),
    Filing("户口迁移", "withdrawn_new", TOWN, who=YOUNG),
    Filing("残疾人证办理", "approved", HALL),
    Filing("残疾人证办理", "closed_past_legal", HALL, rating=2),
    Filing("农机购置补贴", "new", ONLINE, who=CITIZEN),
    Filing("城乡居民养老保险参保人员丧葬补助金申领", "forwarded_review"),
    Filing("高龄津贴申领", "closed_forwarded", who=OLDEST),
    Filing("临时救助", "closed_late", rating=3),
    Filing("最低生活保障申请", "denied"),
    Filing("农村宅基地建房审批", "closed_supplemented"),
    Filing("城乡居民医保费用零星报销", "supervised", HALL, who=ELDER),
    Filing("动物防疫条件合格证核发", "special", HALL),
    Filing("个体工商户设立登记", "new", HALL, who=YOUNG),
    Filing("农村宅基地建房审批", "supplemented", where="康乐镇"),
    Filing("食品经营许可（小餐饮）", "supplement", HALL),
    Filing("农村宅基地建房审批", "supplement", TOWN),
    Filing("城乡居民养老保险参保人员丧葬补助金申领", "supplement"),
    Filing("临时救助", "accepted", where="宝塔坪社区"),
    Filing("创业担保贷款申请", "accepted", HALL),
    Filing("困难残疾人生活补贴和重度残疾人护理补贴申请", "deemed", where="社区"),
    Filing("城乡居民基本养老保险待遇领取", "deemed", who=ELDER),
    Filing("农机购置补贴", "review", HALL),
    Filing("职业技能培训补贴申领", "review", HALL, who=YOUNG),
    Filing("耕地地力保护补贴发放", "review"),
    Filing("最低生活保障申请", "special", where="朱衣镇"),
    Filing("乡村建设规划许可证核发", "special", TOWN),
    Filing("高龄津贴申领", "approved_forwarded", who=OLDEST, where="白帝镇"),
    Filing("农村宅基地建房审批", "approved", where="汾河镇"),
    Filing("失业保险金申领", "delivered", HALL),
    Filing("食品经营许可（小餐饮）", "late", HALL),
    Filing("创业担保贷款申请", "denied", HALL),
    Filing("结婚登记", "instant", HALL, who=YOUNG),
    Filing("出生医学证明首次签发", "instant", HALL, who=YOUNG),
    Filing("异地就医备案", "instant", HALL, rating=4),
    Filing("城乡居民基本养老保险参保登记", "instant", who=ADULT),
    Filing("最低生活保障申请", "closed_paused", where="社区", rating=4),
    Filing("农村危房改造补助申请", "closed_extended", where="白帝镇"),
    Filing("特困人员救助供养申请", "closed_denied", who=ELDER, rating=3),
    Filing("城乡居民基本养老保险待遇领取", "closed", who=ELDER),
    Filing("个体工商户设立登记", "closed", HALL, who=YOUNG),
    Filing("家庭经济困难学生资助申请", "closed"),
    Filing("城乡居民养老保险参保人员丧葬补助金申领", "closed_forwarded", rating=4),
    Filing("困难残疾人生活补贴和重度残疾人护理补贴申请", "closed"),
    Filing("乡村建设规划许可证核发", "refused", TOWN),
    Filing("失业保险金申领", "refused", HALL),
    Filing("农机购置补贴", "withdrawn_supplement", HALL),
    Filing("最低生活保障申请", "withdrawn_review"),
    Filing("临时救助", "approved", where="永安街道"),
    Filing("耕地地力保护补贴发放", "closed", TOWN),
    Filing("高龄津贴申领", "closed_forwarded", who=OLDEST, where="白帝镇", rating=4),
]
SHARE = 5  # one demo case in five is an application


def application_share(cases: int) -> int:
    """How many of `cases` played demo cases are applications: one in five, at most the whole plan."""
    return min(cases // SHARE, len(PLAN))


@dataclass
class Person:
    name: str
    phone: str
    id_number: str
    age: int
    account: User | None = None


class Days:
    """The working days before today, newest first: `ago(0)` is the last one. Every step of the demo lands
    on one of them, in office hours, so nothing is dated in the future or on a day off."""

    def __init__(self, now: datetime) -> None:
        calendar = current_calendar()
        today = sla.local_date(now)
        span = [today - timedelta(days=n) for n in range(1, 120)]
        self.days = [day for day in span if calendar.is_workday(day)]

    def ago(self, n: int) -> date:
        return self.days[min(n, len(self.days) - 1)]


class People:
    """The accounts that act in the demo: the demo's own where one serves the unit, else the demo handler
    of the unit (`bianmin.demo.cases`)."""

    def __init__(self) -> None:
        self.cache: dict[int, User] = {}
        self.supervisor = User.objects.filter(memberships__role=Role.SUPERVISOR).order_by("pk").first()
        windows = User.objects.filter(
            memberships__role=Role.WINDOW_STAFF, memberships__unit__kind=UnitKind.SERVICE_CENTER
        )
        self.window = windows.order_by("pk").first()
        self.citizen = User.objects.filter(memberships__role=Role.CITIZEN).order_by("pk").first()
        self.citizen_as_applicant: tuple[Unit, Person] | None = None

    def staff(self, unit: Unit) -> User:
        if unit.pk not in self.cache:
            roles = (Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.DEPARTMENT_HANDLER)
            own = User.objects.filter(memberships__unit=unit, memberships__role__in=roles, is_active=True)
            found = own.exclude(username__startswith="staff-").order_by("pk").first()
            self.cache[unit.pk] = found or _handler(unit, self.cache)
        return self.cache[unit.pk]

    def decider(self, unit: Unit) -> User:
        """Who decides an item that keeps acceptance and decision apart (受理与决定分离, DECIDE_APART_KINDS): the
        unit's leader, else a second handler of the unit (an actor in the history only, no usable password)."""
        accepting = self.staff(unit)
        leader = (
            User.objects.filter(memberships__unit=unit, memberships__role=Role.TOWNSHIP_LEADER).order_by("pk").first()
        )
        if leader is not None and leader != accepting:
            return leader
        username = f"decider-{unit.code.lower()}"
        found = User.objects.filter(username=username).first()
        if found is None:
            role = (
                accepting.memberships.filter(unit=unit).values_list("role", flat=True).first()
                or Role.DEPARTMENT_HANDLER
            )
            found = org_services.create_user(
                actor=None,
                username=username,
                password=secrets.token_urlsafe(24),
                display_name=f"{unit.name}审批人",
                memberships=[(unit, role)],
            )
        return found

    def approver(self, unit: Unit) -> User:
        """Who approves an extension: the unit's leader, else the county's supervisor."""
        leaders = User.objects.filter(memberships__unit=unit, memberships__role=Role.TOWNSHIP_LEADER)
        leader = leaders.order_by("pk").first()
        found = leader or self.supervisor
        if found is None:
            raise LookupError("the demo county has no one to approve an extension")
        return found


def load_demo_applications(seed: int, count: int | None = None, now: datetime | None = None) -> int:
    """File the first `count` applications of the plan (all by default); returns how many were filed."""
    if Case.objects.filter(workflow=Workflow.APPLICATION).exists():
        return 0
    rng = random.Random(f"applications-{seed}")
    now = now or timezone.now()
    days, people = Days(now), People()
    places = list(Unit.objects.places().select_related("parent").order_by("code"))
    items = {(i.name, i.unit_id): i for i in ServiceItem.objects.filter(active=True).select_related("current")}
    by_name = {name: item for (name, _unit), item in items.items()}
    filed = 0
    for filing in PLAN[:count]:
        village, person = _applicant(filing, places, people, rng, now.year)
        township = village.parent
        item = by_name.get(filing.item)
        if filing.item == "农村宅基地建房审批" and township is not None:
            item = items.get((filing.item, township.pk))
        if item is None or township is None or (filing.channel == ONLINE and person.account is None):
            continue  # a county without this item, place or citizen account
        _file(filing, item, village, township, person, days, people, rng)
        filed += 1
    return filed


def _applicant(
    filing: Filing, places: list[Unit], people: People, rng: random.Random, year: int
) -> tuple[Unit, Person]:
    citizen = people.citizen
    if filing.who == CITIZEN and citizen is not None:
        if people.citizen_as_applicant is None:
            home = citizen.memberships.select_related("unit__parent").order_by("pk").first()
            assert home is not None  # noqa: S101 (a citizen account is a member of their village)
            age = rng.randint(48, 58)
            name = citizen.display_name.split()[-1]  # "浣花村村民 张大山"
            person = Person(name, citizen.phone, _id_number(rng, year - age, 1), age, citizen)
            people.citizen_as_applicant = home.unit, person
        return people.citizen_as_applicant
    if filing.where == "社区":
        candidates = [p for p in places if p.kind == UnitKind.COMMUNITY]
    elif filing.where:
        candidates = [p for p in places if filing.where in (p.name, p.parent.name if p.parent else "")]
    else:
        candidates = [p for p in places if p.kind == UnitKind.VILLAGE]
    village = rng.choice(candidates or places)
    group = ADULT if filing.who == CITIZEN else filing.who
    age = rng.randint(*AGES[group])
    given, sex = rng.choice(GIVEN[group])
    phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
    if citizen is not None and phone == citizen.phone:
        phone = phone[:-1] + str((int(phone[-1]) + 1) % 10)  # never filed as the demo citizen's
    return village, Person(rng.choice(SURNAMES) + given, phone, _id_number(rng, year - age, sex), age)


def _id_number(rng: random.Random, year: int, sex: int) -> str:
    """A made-up resident identity number of the county with a valid check digit (odd sequence: male).
    Its area code is the county's at the birth year, as the validator checks: 奉节县 was 512226 (万县地区)
    until 1992, 511225 (万县市) until Chongqing became a municipality in 1997, and 500236 since."""
    area = "512226" if year < 1992 else "511225" if year < 1997 else "500236"
    born = date(year, rng.randint(1, 12), rng.randint(1, 28))
    sequence = rng.randrange(0, 500) * 2 + (1 if sex == 1 else 0)
    base = f"{area}{born:%Y%m%d}{sequence:03d}"
    return base + ric.calc_check_digit(base + "0")  # the check digit's place, ignored


def _schedule(steps: Steps, promised: int, legal: int, rng: random.Random) -> list[int]:
    """Working days from receipt to each step. Acceptance late for the notice dates from receipt; a
    pause gives its working days back to the limits, as does the extension."""
    offsets: list[int] = []
    day = accepted = paused = extended = 0
    for action, gap in steps:
        used = day - accepted - paused
        if gap == IN_TIME:
            room = max(0, promised + extended - used)
            step = rng.randint(1, max(1, room * 3 // 4)) if room else 0
        elif gap == LATE:
            step = promised + extended - used + rng.randint(1, min(3, max(1, legal - promised - 1)))
        elif gap == PAST_LEGAL:
            step = legal + extended - used + rng.randint(1, 3)
        elif gap == EXTENDED:
            step = promised - used + rng.randint(2, EXTENSION - 2)
        else:
            assert isinstance(gap, tuple)  # noqa: S101 (the stories are written above)
            step = rng.randint(*gap)
        day += step
        if action == "accept":
            accepted = 0 if step > 5 and not offsets else day  # past the notice's 5 days: from receipt
        elif action == "resume":
            paused += step
        elif action == "extend":
            extended = EXTENSION
        offsets.append(day)
    return offsets


def _moments(days: Days, start: int, offsets: list[int], online: bool, rng: random.Random) -> list[datetime]:
    """The receipt and each step as moments: office hours on working days, later steps of a day after
    earlier ones; an online filing may come in the evening, and is looked at from the next working day."""
    if online:
        offsets = [n + 1 for n in offsets]
    moments: list[datetime] = []
    previous: datetime | None = None
    for n in [0, *offsets]:
        day = days.ago(start - n)
        if previous is not None and sla.local_date(previous) == day:
            moment = previous + timedelta(minutes=rng.randint(10, 40))
        elif previous is None and online:
            moment = _at(day, rng.randint(19 * 60, 22 * 60 + 30))
        elif previous is None:
            moment = _at(day, rng.randint(8 * 60 + 40, 11 * 60 + 30))
        else:
            moment = _at(day, rng.randint(8 * 60 + 40, 14 * 60 + 30))
        moments.append(moment)
        previous = moment
    return moments


def _at(day: date, minutes: int) -> datetime:
    # In UTC, as the database gives it back: the event's hash covers the time as written.
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=sla.SHANGHAI).astimezone(UTC)


def _file(
    filing: Filing,
    item: ServiceItem,
    village: Unit,
    township: Unit,
    person: Person,
    days: Days,
    people: People,
    rng: random.Random,
) -> None:
    version = item.current
    assert version is not None  # noqa: S101 (checked by the caller)
    steps, (low, high) = STORIES[filing.story]
    offsets = _schedule(steps, version.promised_limit, version.legal_limit, rng)
    start = (offsets[-1] if offsets else 0) + rng.randint(low, high) + (1 if filing.channel == ONLINE else 0)
    received, *moments = _moments(days, start, offsets, filing.channel == ONLINE, rng)
    text = TEXTS.get(filing.item, ItemText(content=filing.item))
    values = {
        "village": village.name,
        "township": township.name,
        "group": f"{rng.randint(1, 9)}组",
        "age": person.age,
        "n": rng.randint(3, 6),
        "area": rng.choice(["3.2", "4.5", "5.8", "6.1", "7.4"]),
        "month": sla.local_date(received).month,
        "surname": person.name[0],
        "father": person.name[0] + rng.choice(["德明", "永福", "光荣", "开明", "世友"]),
    }
    # The county's windows take in for the county's departments; the township's for the township.
    serves_county = filing.channel == HALL and Level.TOWNSHIP in version.levels
    if filing.channel == PROXY:
        filer = people.staff(village)
    elif filing.channel == TOWN:
        filer = people.staff(township)
    elif filing.channel == HALL:
        filer = people.window or people.staff(version.unit)
    else:
        assert person.account is not None  # noqa: S101 (online filings are the demo citizen's)
        filer = person.account
    channel = {PROXY: Channel.VILLAGE_HALL, TOWN: Channel.WINDOW, HALL: Channel.WINDOW, ONLINE: Channel.WEB}
    case, _created = create_application(
        actor=filer,
        item=item,
        channel=channel[filing.channel],
        citizen_name=person.name,
        citizen_phone=person.phone,
        citizen_id_number=person.id_number,
        village=None if serves_county else village,
        content=text.content.format(**values),
        address=f"{township.name}{village.name}{values['group']}",
        received_at=received,
    )
    for (action, _gap), moment in zip(steps, moments, strict=True):
        fields = _fields(action, case, filing, text, values, moment, people, rng)
        actor = people.staff(case.unit)
        if action == "extend":
            actor = people.approver(case.unit)
        elif action in ("approve", "deny") and version.kind in settings.DECIDE_APART_KINDS:
            actor = people.decider(case.unit)
        elif action == "supervise" and people.supervisor is not None:
            actor = people.supervisor
        elif action in ("rate", "withdraw") and case.citizen is not None and filing.channel == ONLINE:
            actor = case.citizen  # the applicant's own account
        case = perform(case, action, actor=actor, at=moment, **fields)


def _fields(
    action: str,
    case: Case,
    filing: Filing,
    text: ItemText,
    values: dict[str, Any],
    moment: datetime,
    people: People,
    rng: random.Random,
) -> dict[str, Any]:
    staff = people.staff(case.unit)
    if action == "request_supplement":
        materials = case.application.item_version.materials.order_by("position")
        positions = list(materials.values_list("position", flat=True))
        missing = sorted(rng.sample(positions, k=min(len(positions), rng.randint(1, 2))))
        return {"missing": missing, "note": text.missing_note}
    if action == "supplement":
        return {"in_person": filing.channel in (TOWN, HALL)}
    if action == "refuse":
        return {"reason": text.refuse[0], "proper_channel": text.refuse[1]}
    if action == "review":
        return {"handler": staff.username}
    if action == "forward":
        unit = case.application.item_version.unit.name
        return {"note": text.forward.format(unit=unit)}
    if action == "special_procedure":
        return {"procedure": text.special[0], "reason": text.special[1]}
    if action == "extend":
        return {"amount": EXTENSION, "reason": text.extension}
    if action == "supervise":
        due = sla.end_of(current_calendar().add_workdays(sla.local_date(moment), 5))
        return {"due_at": due, "note": "已超过承诺办结时限，请于5个工作日内办结并反馈办理情况。"}
    if action == "approve":
        return {"note": text.approve.format(**values)}
    if action == "deny":
        return {"reason": text.deny.format(**values)}
    if action == "deliver":
        return {"delivery_method": _delivery(filing.channel, rng)}
    if action == "rate":
        comments = RATING_COMMENTS[filing.rating] + (PROXY_COMMENTS if filing.channel == PROXY else [])
        return {"rating": filing.rating, "comment": rng.choice(comments) if filing.rating >= 4 else comments[0]}
    if action == "withdraw":
        return {"reason": text.withdraw}
    return {}


def _delivery(channel: str, rng: random.Random) -> str:
    if channel == PROXY:
        return DeliveryMethod.VILLAGE_PROXY
    if channel == ONLINE:
        return DeliveryMethod.ELECTRONIC
    return rng.choice([DeliveryMethod.WINDOW, DeliveryMethod.WINDOW, DeliveryMethod.POST])
