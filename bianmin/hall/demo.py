"""The demo county's service halls (deterministic for a seed; running it again completes, never duplicates):
the county center's hall with 40 windows and 奉节县's queues, 夔门街道's hall with six, formal staff signed in,
two hired people whose sign-in was refused, and the last three working days of tickets with their events and
ratings (two 差评 run through the case core). The history is written in bulk, as a replay of what the
services would have written, so that it loads in well under a second; the 差评 go through `ratings.rate`."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bianmin.catalog.models import ServiceItem
from bianmin.hall import assessment, escalation, patrols, ranking, ratings
from bianmin.hall.choices import (
    Measure,
    ServiceKind,
    TicketAction,
    TicketChannel,
    TicketStatus,
    ViolationAction,
    WindowEventKind,
    WindowState,
)
from bianmin.hall.models import (
    Hall,
    PadRating,
    Patrol,
    QueueService,
    Ticket,
    TicketEvent,
    Violation,
    Window,
    WindowEvent,
    WindowService,
    WindowSession,
)
from bianmin.hall.patrols import Observation
from bianmin.hall.services import local_day
from bianmin.org.choices import EmploymentType, Role
from bianmin.org.models import Membership, Unit, User
from bianmin.workdays.services import current_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENTER = "500236-ZWZX"
STREET = "500236001000"  # 夔门街道
TOWNSHIP = "500236101000"  # 白帝镇: its leader reads the figures of a hall in their own scope

# prefix, queue, the department whose catalogue items it serves ("" = grievance intake), windows
CENTER_QUEUES = [
    ("A", "社保医保", "RSJ", range(1, 7)),
    ("B", "民政救助", "MZJ", range(7, 11)),
    ("C", "不动产登记", "ZRZYJ", range(11, 17)),
    ("D", "户籍证件", "GAJ", range(17, 21)),
    ("E", "企业开办", "SCJGJ", range(21, 27)),
    ("F", "卫生健康", "WJW", range(27, 30)),
    ("G", "残疾人服务", "CL", range(30, 32)),
    ("H", "咨询投诉", "", range(32, 35)),
]
STREET_QUEUES = [
    ("A", "社保医保", "RSJ", range(1, 3)),
    ("B", "民政救助", "MZJ", range(3, 5)),
    ("C", "综合咨询", "", range(5, 7)),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈"
GIVEN = "明华建国丽娟伟芳军红强敏静磊洋勇艳杰涛超秀兰霞平刚桂英"


def load_demo_hall(seed: int = 2026) -> None:
    units = {u.code: u for u in Unit.objects.filter(code__in=[CENTER, STREET, TOWNSHIP])}
    if len(units) < 3:
        return
    rng = random.Random(seed)
    big = _hall(units[CENTER], "奉节县政务服务大厅", "023-56551234", CENTER_QUEUES, 40)
    small = _hall(units[STREET], "夔门街道便民服务中心", "023-56552345", STREET_QUEUES, 6)
    town = _hall(units[TOWNSHIP], "白帝镇便民服务中心", "023-56553456", STREET_QUEUES, 6)
    big_staff = _staff(units[CENTER], "hall_c", 30, rng)
    small_staff = _staff(units[STREET], "hall_k", 4, rng)
    town_staff = _staff(units[TOWNSHIP], "hall_b", 4, rng)
    hired = _staff(units[CENTER], "hall_hired", 2, rng, EmploymentType.CONTRACT)
    now = timezone.now()
    for hall, staff in ((big, big_staff), (small, small_staff), (town, town_staff)):
        _sessions(hall, staff, now)
    if not WindowEvent.objects.filter(window__hall=big, kind=WindowEventKind.REFUSED).exists():
        first = Window.objects.get(hall=big, number=1)
        for index, person in enumerate(hired):
            WindowEvent.objects.create(
                window=first,
                user=person,
                kind=WindowEventKind.REFUSED,
                reason=f"employment_type={person.employment_type}",
                at=now - timedelta(days=1, hours=index + 2),
            )
    days = _past_workdays(now, 3)
    for hall, staff in ((big, big_staff), (small, small_staff), (town, town_staff)):
        if not Ticket.objects.filter(hall=hall).exists():
            _history(hall, staff, days, rng)
    if not Patrol.objects.filter(hall=big).exists():
        _patrols(big, days, now)


def _patrols(hall: Hall, days: list[date], now: datetime) -> None:
    """Two patrol rounds by the demo inspector with three violations, and the administrator's notice of them."""
    inspector, admin = User.objects.filter(username="inspector").first(), User.objects.filter(username="admin").first()
    if inspector is None or admin is None:
        return
    windows = {w.number: w for w in Window.objects.filter(hall=hall, number__in=[3, 8, 12, 21])}
    rounds = [
        (
            days[0],
            10,
            [Observation(windows[3], kind="late", note="8:40到岗"), Observation(windows[8], kind="phone_games")],
        ),
        (
            days[-1],
            15,
            [
                Observation(windows[12], present=False, kind="off_post", note="离岗约20分钟"),
                Observation(windows[21], note="在岗，正常"),
            ],
        ),
    ]
    for day, hour, seen in rounds:
        patrols.record_patrol(
            hall,
            actor=inspector,
            observations=seen,
            note="日常巡岗",
            at=datetime.combine(day, time(hour, 5), tzinfo=SHANGHAI),
        )
    patrols.publish_notice(
        hall,
        actor=admin,
        title=f"{days[0]:%m月%d日}至{days[-1]:%m月%d日}窗口工作纪律通报",
        start=days[0],
        end=days[-1],
        public=True,
        at=now,
    )
    # The manager's follow-up: a deadline to fix the post left, a talk for the phone games (责任追究); the duty
    # officer's marks of the month and a manual item of the half-year assessment.
    found = {v.kind.code: v for v in Violation.objects.filter(hall=hall).select_related("kind")}
    escalation.act(found["off_post"], ViolationAction.ORDER_FIX, actor=admin, note="限期整改到岗制度", now=now)
    escalation.act(
        found["phone_games"], ViolationAction.ACCOUNT, actor=admin, measure=Measure.TALK, note="值班长约谈", now=now
    )
    marked = Window.objects.filter(hall=hall, number__lte=34)
    ranking.set_marks(hall, actor=admin, month=local_day(now), scores={w.pk: 80 + w.number * 7 % 20 for w in marked})
    today = local_day(now)
    assessment.add_item(
        hall,
        actor=admin,
        year=today.year,
        half=1 if today.month <= 6 else 2,
        title="收到群众表扬信",
        points=Decimal(2),
        window=Window.objects.get(hall=hall, number=5),
        at=now,
    )


def _hall(unit: Unit, name: str, phone: str, queues: list[tuple[str, str, str, range]], windows: int) -> Hall:
    hall, _created = Hall.objects.get_or_create(unit=unit, name=name, defaults={"phone": phone})
    numbered = {w.number: w for w in Window.objects.filter(hall=hall)}
    missing = [n for n in range(1, windows + 1) if n not in numbered]
    Window.objects.bulk_create(Window(hall=hall, number=n, name=_window_name(n, queues)) for n in missing)
    numbered = {w.number: w for w in Window.objects.filter(hall=hall)}
    services = []
    for position, (prefix, title, department, _numbers) in enumerate(queues):
        items = (
            list(ServiceItem.objects.filter(unit__code=f"500236-{department}", active=True).order_by("code"))
            if department
            else []
        )
        service, _ = QueueService.objects.get_or_create(
            hall=hall,
            prefix=prefix,
            defaults={
                "name": title,
                "kind": ServiceKind.ITEM if items else ServiceKind.GRIEVANCE,
                "position": position,
                # The demo's kiosks issue at any hour, so that anyone trying the demo (or its browser test)
                # can take a ticket; a real hall sets its issuing hours on these rows.
                "opens_at": time(0, 0),
                "closes_at": time(23, 59, 59),
                "appointments": prefix in "AC",
                "warning_waiting": 20,
            },
        )
        service.items.add(*items)
        services.append(service)
    pairs = set(WindowService.objects.filter(window__hall=hall).values_list("window_id", "service_id"))
    rows = []
    for service, (_p, _t, _d, numbers) in zip(services, queues, strict=True):
        rows += [(numbered[n], service, 1) for n in numbers]
    # The remaining windows are combined (综合窗口): every queue, A and B first.
    for n in range(max(max(q[3]) for q in queues) + 1, windows + 1):
        rows += [(numbered[n], s, 1 if s.prefix in "AB" else 2) for s in services]
    WindowService.objects.bulk_create(
        WindowService(window=w, service=s, priority=p) for w, s, p in rows if (w.pk, s.pk) not in pairs
    )
    return hall


def _window_name(number: int, queues: list[tuple[str, str, str, range]]) -> str:
    for _prefix, title, _department, numbers in queues:
        if number in numbers:
            return f"{title}窗口"
    return "综合窗口"


def _staff(unit: Unit, prefix: str, count: int, rng: random.Random, kind: str = EmploymentType.FORMAL) -> list[User]:
    """Window staff without a login of their own (the demo's accounts file lists the ones who log in)."""
    names = [f"{prefix}{i:02d}" for i in range(1, count + 1)]
    drawn = {name: rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) for name in names}
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    label = "聘用" if kind != EmploymentType.FORMAL else "窗口"
    User.objects.bulk_create(
        User(username=n, display_name=f"{label} {drawn[n]}", employment_type=kind, password=make_password(None))
        for n in names
        if n not in existing
    )
    people = list(User.objects.filter(username__in=names).order_by("username"))
    have = set(Membership.objects.filter(user__in=people, unit=unit).values_list("user_id", flat=True))
    Membership.objects.bulk_create(
        Membership(user=p, unit=unit, role=Role.WINDOW_STAFF) for p in people if p.pk not in have
    )
    return people


def _sessions(hall: Hall, staff: list[User], now: datetime) -> None:
    """Today's staff signed in at the first windows, one person each (the demo's own accounts stay free)."""
    if WindowSession.objects.filter(window__hall=hall).exists():
        return
    windows = list(Window.objects.filter(hall=hall).order_by("number")[: len(staff)])
    start = now.astimezone(SHANGHAI).replace(hour=8, minute=25, second=0, microsecond=0)
    start = min(start, now)
    WindowSession.objects.bulk_create(
        WindowSession(window=w, user=p, started_at=start) for w, p in zip(windows, staff, strict=False)
    )
    WindowEvent.objects.bulk_create(
        WindowEvent(window=w, user=p, kind=WindowEventKind.SIGN_IN, state=WindowState.OPEN, at=start)
        for w, p in zip(windows, staff, strict=False)
    )
    Window.objects.filter(pk__in=[w.pk for w in windows]).update(state=WindowState.OPEN)


def _past_workdays(now: datetime, count: int) -> list[date]:
    calendar, day = current_calendar(), now.astimezone(SHANGHAI).date()
    found: list[date] = []
    while len(found) < count:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            found.append(day)
    return sorted(found)


def _history(hall: Hall, staff: list[User], days: list[date], rng: random.Random) -> None:
    """Each day: tickets taken through the morning, called at the windows handling them, served (a few
    missed), rated, and the day closed; two bad ratings filed as cases through the ratings service."""
    services = list(QueueService.objects.filter(hall=hall).order_by("position"))
    signed = dict(
        WindowSession.objects.filter(window__hall=hall, ended_at__isnull=True).values_list("window_id", "user_id")
    )
    by_service: dict[int, list[int]] = {}
    for window_id, service_id in WindowService.objects.filter(window__hall=hall, window_id__in=signed).values_list(
        "window_id", "service_id"
    ):
        by_service.setdefault(service_id, []).append(window_id)
    per_day = 60 if len(staff) > 10 else 20
    bad: list[Ticket] = []
    for day in days:
        free_at: dict[int, datetime] = {}
        seq: dict[int, int] = {}
        start = datetime.combine(day, time(8, 30), tzinfo=SHANGHAI)
        planned = []
        for index in range(per_day):
            service = rng.choice([s for s in services if s.pk in by_service])
            seq[service.pk] = seq.get(service.pk, 0) + 1
            issued = start + timedelta(seconds=index * rng.randint(150, 330))
            ticket = Ticket(
                hall=hall,
                service=service,
                issued_for=service,
                day=day,
                seq=seq[service.pk],
                number=f"{service.prefix}{seq[service.pk]:03d}",
                channel=rng.choice([TicketChannel.KIOSK, TicketChannel.KIOSK, TicketChannel.PHONE]),
                green="elderly" if rng.random() < 0.05 else "",
                issued_at=issued,
                queued_at=issued,
                status=TicketStatus.WAITING,
            )
            planned.append(ticket)
        Ticket.objects.bulk_create(planned)
        events: list[TicketEvent] = []
        rates: list[PadRating] = []
        for ticket in planned:
            window_id = min(by_service[ticket.service_id], key=lambda w: free_at.get(w, start))
            person = signed[window_id]
            called = max(ticket.issued_at + timedelta(seconds=rng.randint(30, 240)), free_at.get(window_id, start))

            def event(
                action: str,
                before: str,
                after: str,
                at: datetime,
                t: Ticket = ticket,
                w: int = window_id,
                by: int = person,
                into: list[TicketEvent] = events,
            ) -> None:
                issue = action == TicketAction.ISSUE
                into.append(
                    TicketEvent(
                        ticket=t,
                        hall=hall,
                        service_id=t.service_id,
                        action=action,
                        from_status=before,
                        to_status=after,
                        window_id=None if issue else w,
                        actor_id=None if issue else by,
                        at=at,
                    )
                )

            event(TicketAction.ISSUE, "", TicketStatus.WAITING, ticket.issued_at)
            event(TicketAction.CALL, TicketStatus.WAITING, TicketStatus.CALLED, called)
            ticket.window_id, ticket.served_by_id = window_id, person
            if rng.random() < 0.08:
                event(TicketAction.NO_SHOW, TicketStatus.CALLED, TicketStatus.NO_SHOW, called + timedelta(minutes=2))
                event(
                    TicketAction.EXPIRE,
                    TicketStatus.NO_SHOW,
                    TicketStatus.EXPIRED,
                    datetime.combine(day, time(23, 59), tzinfo=SHANGHAI),
                )
                ticket.status = TicketStatus.EXPIRED
                free_at[window_id] = called + timedelta(minutes=2)
                continue
            begun = called + timedelta(seconds=rng.randint(20, 90))
            finished = begun + timedelta(seconds=rng.randint(180, 1200))
            event(TicketAction.START, TicketStatus.CALLED, TicketStatus.SERVING, begun)
            event(TicketAction.FINISH, TicketStatus.SERVING, TicketStatus.FINISHED, finished)
            ticket.status = TicketStatus.FINISHED
            free_at[window_id] = finished
            roll = rng.random()
            if roll < 0.03 and len(bad) < 2:
                bad.append(ticket)
            elif roll < 0.75:
                level = rng.choice([5, 5, 5, 4, 4, 3])
                rates.append(
                    PadRating(
                        ticket=ticket,
                        service_id=ticket.service_id,
                        window_id=window_id,
                        staff_id=person,
                        level=level,
                        at=finished + timedelta(seconds=30),
                    )
                )
        Ticket.objects.bulk_update(planned, ["status", "window", "served_by"])
        TicketEvent.objects.bulk_create(events)
        PadRating.objects.bulk_create(rates)
    for ticket in bad:
        finished_at = (
            TicketEvent.objects.filter(ticket=ticket, action=TicketAction.FINISH).values_list("at", flat=True).get()
        )
        ratings.rate(ticket, level=1, comment="等候时间太长，工作人员解释不清", now=finished_at + timedelta(minutes=1))
