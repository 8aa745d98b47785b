"""The demo county's duty (deterministic for a seed; running it again completes, never duplicates).

Every village and community gets a village hall with four cadres (浣花村's with accounts, the others by name:
their changes are entered by a manager), every township and street a reception room and an on-call roster;
this month is resolved and published with a swap and a leave; today's people check in; duty logs; and visits
to 白帝镇's reception room, some of which became petition cases."""

from __future__ import annotations

import contextlib
import random
import secrets
from datetime import datetime, time, timedelta

from django.utils import timezone

from bianmin.duty import changes, presence, services
from bianmin.duty.choices import ChangeAction, ChangeKind, DayRule, PlaceKind
from bianmin.duty.models import DutyDay, DutyMember, DutyPlace, parse_hours
from bianmin.errors import DomainError
from bianmin.org import services as org_services
from bianmin.org.choices import PLACE_KINDS, Role, UnitKind
from bianmin.org.models import Unit, User
from bianmin.workdays.services import current_calendar

HOURS = "08:30-12:00 14:30-18:00"
REST_HOURS = "09:00-17:00"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "德明华建国平志强文军永红春秀英玉兰海波成林芳"
VILLAGE_POSTS = ["村党支部书记", "村委会主任", "村委会副主任", "村综治专干"]
TOWNSHIP_POSTS = ["党委书记", "镇长", "党委副书记", "副镇长"]
DEMO_VILLAGE = "浣花村"
DEMO_TOWNSHIP = "白帝镇"
VISITS = [
    ("宅基地界址纠纷", "两户因宅基地界址发生争执，要求镇里组织调解。", True),
    ("养老保险待遇咨询", "询问城乡居民养老保险缴费档次和待遇领取。", False),
    ("道路硬化施工扬尘", "村道硬化施工扬尘大，影响晾晒，要求洒水降尘。", True),
    ("低保评议结果异议", "对本村低保评议结果有异议，要求公开评议过程。", True),
    ("土地流转租金拖欠", "合作社拖欠土地流转租金半年。", False),
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _account(unit: Unit, username: str, display_name: str, role: str) -> User:
    """A demo cadre's account (no usable password: set one with `bianmin changepassword` to sign in)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = org_services.create_user(
            actor=None,
            username=username,
            password=secrets.token_urlsafe(24),
            display_name=display_name,
            memberships=[(unit, role)],
        )
    return user


def _roster(unit: Unit, kind: str, rng: random.Random) -> DutyPlace:
    """A place with four people and the source's layers, resolved."""
    township = unit.kind not in PLACE_KINDS
    head_name = {DEMO_VILLAGE: "village_cadre", DEMO_TOWNSHIP: "township_leader"}.get(unit.name)
    head = User.objects.filter(username=head_name).first() if head_name else None
    posts = TOWNSHIP_POSTS if township else VILLAGE_POSTS
    people = []
    for index, post in enumerate(posts):
        user = None
        if index == 0 and head is not None:
            user = head
        elif unit.name == DEMO_VILLAGE:
            user = _account(unit, f"duty_cadre{index}", f"{DEMO_VILLAGE} {_name(rng)}", Role.VILLAGE_CADRE)
        elif unit.name == DEMO_TOWNSHIP and kind == PlaceKind.RECEPTION_ROOM:
            user = _account(unit, f"duty_leader{index}", f"{DEMO_TOWNSHIP} {_name(rng)}", Role.TOWNSHIP_LEADER)
        # The board shows the person's name alone (demo accounts carry their unit's name in front of it).
        name = str(user).removeprefix(unit.name).strip() if user else _name(rng)
        people.append(services.PersonSpec(post=post, name=name, user=user, is_leader=township))
    if kind == PlaceKind.VILLAGE_HALL:
        layers = [
            services.LayerSpec("周一集中上班", DayRule.MONDAYS, True, len(posts), HOURS, 2),
            services.LayerSpec("工作日轮流值班", DayRule.WORKING_DAYS, False, 1, HOURS, 1),
            services.LayerSpec("双休日节假日轮流值班", DayRule.REST_DAYS, False, 1, REST_HOURS, 1),
        ]
    elif kind == PlaceKind.RECEPTION_ROOM:
        layers = [services.LayerSpec("党政领导轮流接访", DayRule.WORKING_DAYS, False, 1, "08:30-12:00", 1)]
    else:
        layers = [services.LayerSpec("双休日节假日带班", DayRule.REST_DAYS, False, 1, "", 1)]
    return services.setup_place(actor=None, unit=unit, kind=kind, people=people, layers=layers, head=head)


def _changes(place: DutyPlace) -> None:
    """A swap and a leave later this month, approved (the platform stands in for the people concerned)."""
    today = timezone.localdate()
    rows = list(DutyDay.objects.filter(place=place, date__gt=today, source="rotation", rest_day=False).order_by("date"))
    if len(rows) >= 4:
        first = next((r for r in rows if r.member_id != rows[0].member_id), None)
        if first is not None:
            try:
                swap = changes.request_change(
                    place,
                    actor=None,
                    kind=ChangeKind.SWAP,
                    member=DutyMember.objects.get(pk=rows[0].member_id),
                    colleague=DutyMember.objects.get(pk=first.member_id),
                    day=rows[0].date,
                    other_day=first.date,
                    reason="家中有事，与同事调班",
                )
                changes.act(swap, ChangeAction.ACCEPT, actor=None)
                changes.act(swap, ChangeAction.APPROVE, actor=None)
            except DomainError:
                pass  # a swap the rules refuse this month: the demo goes on without it
        last = rows[-1]
        if last.date.weekday() != 0:
            try:
                leave = changes.request_change(
                    place,
                    actor=None,
                    kind=ChangeKind.LEAVE,
                    member=DutyMember.objects.get(pk=last.member_id),
                    day=last.date,
                    end=last.date,
                    reason="参加县里培训",
                )
                changes.act(leave, ChangeAction.APPROVE, actor=None)
            except DomainError:
                pass


def load_demo_duty(seed: int = 2026) -> None:
    if DutyPlace.objects.exists():
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    units = Unit.objects.filter(
        kind__in=[UnitKind.TOWNSHIP, UnitKind.STREET, UnitKind.VILLAGE, UnitKind.COMMUNITY], code__startswith="500236"
    ).order_by("code")
    places: list[DutyPlace] = []
    for unit in units:
        if unit.kind in PLACE_KINDS:
            places.append(_roster(unit, PlaceKind.VILLAGE_HALL, rng))
        else:
            places.append(_roster(unit, PlaceKind.RECEPTION_ROOM, rng))
            places.append(_roster(unit, PlaceKind.ON_CALL, rng))
    if not current_calendar().has_schedule(today.year):
        return  # no official schedule for this year: the rosters stay unresolved, and the pages say why
    halls = [p for p in places if p.kind == PlaceKind.VILLAGE_HALL]
    # A swap and a leave in 浣花村 and every tenth other village: each is weighed and resolved (~0.1 s).
    for index, place in enumerate(halls):
        if place.unit.name == DEMO_VILLAGE or index % 10 == 0:
            _changes(place)
    for place in places:
        with contextlib.suppress(DomainError):  # a month the rules refuse stays a draft
            services.publish_month(place, actor=None, month=today, reason="演示数据")
    now = timezone.now()
    for row in DutyDay.objects.filter(date=today, user__isnull=False).select_related("place", "user"):
        if row.user is None:
            continue
        # In a few minutes before the duty's hours begin (or now, before then): not at whatever hour the demo loads.
        spans = parse_hours(row.hours)
        start = timezone.make_aware(datetime.combine(today, spans[0][0])) - timedelta(minutes=5) if spans else now
        presence.check_in(row.place, actor=row.user, at=min(now, start))
        presence.add_log(row.place, actor=row.user, text="接待来访群众2人次，协助办理社保认证1件。", day=today)
    room = next((p for p in places if p.kind == PlaceKind.RECEPTION_ROOM and p.unit.name == DEMO_TOWNSHIP), None)
    leader = User.objects.filter(username="township_leader").first()
    village = Unit.objects.filter(name=DEMO_VILLAGE).first()
    if room is None or leader is None:
        return
    # Every other working day before today, in the room's morning hours (08:30-12:00): it is shut on rest days.
    calendar = current_calendar()
    workdays = [d for d in (today - timedelta(days=n) for n in range(1, 60)) if calendar.is_workday(d)]
    for index, (matter, notes, to_case) in enumerate(VISITS):
        at = datetime.combine(workdays[2 * index], time(9, 0)) + timedelta(minutes=40 * index)
        visit = presence.record_visit(
            room,
            actor=leader,
            visitor_name=_name(rng),
            visitor_phone=f"13{rng.randrange(10**9):09d}",
            matter=matter,
            people_count=1 + index % 3,
            notes=notes,
            village=village,
            visited_at=timezone.make_aware(at),
        )
        if to_case:
            presence.visit_to_case(visit, actor=leader)
