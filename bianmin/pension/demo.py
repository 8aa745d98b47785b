"""The demo county's pension certification: a few thousand pensioners over its villages and communities, with
a year of certifications by every method; some due, some overdue, some suspended, some resumed with back-pay
and a few stopped. Deterministic for a seed (and the day it runs); running it again completes villages that
have no pensioners yet and never duplicates. Written in bulk: well under a second."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bianmin.org.choices import PLACE_KINDS, UnitKind
from bianmin.org.models import Unit, User
from bianmin.pension import cycle, services
from bianmin.pension.choices import ASSISTED_METHODS, EventKind, Method, PensionerStatus, Result, StopReason
from bianmin.pension.ids import resident_id
from bianmin.pension.models import Certification, Pensioner, PensionerEvent, Scheme, SchemeRule

COUNTY_CODE = "500236000000"
AREA = "500236"
GRACE_DAYS = 60  # the demo county gives 城乡居保 two months' grace (a regional rule, to show one)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "德明国华建平秀英玉兰桂芳淑珍光荣永福春梅志强文明开元正清世昌秀兰翠花金凤守成大山"
METHODS = [
    (Method.DATA_COMPARISON, 40),
    (Method.FACE_SELF_SERVICE, 24),
    (Method.FINGERPRINT_ON_SITE, 16),
    (Method.IN_PERSON_HALL, 10),
    (Method.HOME_VISIT, 7),
    (Method.ABROAD_CERTIFICATE, 3),
]
FAILURES = ["指纹磨损无法识别", "人脸比对未通过", "本人未到场", "证件过期"]


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(8 + rng.randrange(9), rng.randrange(60))))


def load_demo_pension(seed: int = 2026) -> None:
    county = Unit.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return
    schemes = services.default_schemes()
    SchemeRule.objects.get_or_create(
        scheme=schemes["170"], region=county, defaults={"cycle_months": 12, "grace_days": GRACE_DAYS}
    )
    done = set(
        Pensioner.objects.filter(village__path__startswith=county.path).values_list("village_id", flat=True).distinct()
    )
    villages = [
        v
        for v in Unit.objects.subtree(county).filter(kind__in=PLACE_KINDS).select_related("parent").order_by("path")
        if v.pk not in done
    ]
    if not villages:
        return
    cadres = {
        m_unit: user
        for user, m_unit in User.objects.filter(
            memberships__unit__in=villages, memberships__role="village_cadre"
        ).values_list("pk", "memberships__unit_id")
    }
    cadre_users = {u.pk: u for u in User.objects.filter(pk__in=cadres.values())}
    today = timezone.localdate()
    taken = set(Pensioner.objects.values_list("id_number", flat=True))
    rows: list[tuple[Pensioner, list[Certification], list[PensionerEvent]]] = []
    for village in villages:
        rng = random.Random(f"{seed}-pension-{village.code}")
        many = 40 + rng.randrange(50) if village.kind == UnitKind.VILLAGE else 20 + rng.randrange(20)
        assistant = cadre_users.get(cadres.get(village.pk, 0))
        # A few of each village fall due within the month, so every due list has people on it (浣花村, the
        # demo cadre's village, enough for the browser test's ten certifications).
        due_soon = 15 if village.name == "浣花村" else 4
        for index in range(many):
            rows.append(_person(village, index, rng, today, schemes, assistant, taken, due_soon))
    Pensioner.objects.bulk_create([p for p, _c, _e in rows], batch_size=1000)
    for p, certs, events in rows:
        for cert in certs:
            cert.pensioner = p
        for event in events:
            event.pensioner = p
    Certification.objects.bulk_create([c for _p, certs, _e in rows for c in certs], batch_size=1000)
    PensionerEvent.objects.bulk_create([e for _p, _c, events in rows for e in events], batch_size=1000)


def _person(
    village: Unit,
    index: int,
    rng: random.Random,
    today: date,
    schemes: dict[str, Scheme],
    assistant: User | None,
    taken: set[str],
    due_soon: int,
) -> tuple[Pensioner, list[Certification], list[PensionerEvent]]:
    birth = date(1936 + rng.randrange(29), 1 + rng.randrange(12), 1 + rng.randrange(28))
    serial = rng.randrange(1000)
    number = resident_id(AREA, birth, serial)
    while number in taken:
        serial = (serial + 1) % 1000
        number = resident_id(AREA, birth, serial)
    taken.add(number)
    code = rng.choices(["170", "110", "120"], [80, 15, 5])[0]
    scheme = schemes[code]
    rule = services.Rule(12, GRACE_DAYS if code == "170" else 0)
    if index < due_soon:
        last = cycle.add_months(today, -12) + timedelta(days=1 + rng.randrange(29))
    else:
        last = today - timedelta(days=rng.randrange(470))
    p = Pensioner(
        village=village,
        name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
        id_number=number,
        birth_date=birth,
        scheme=scheme,
        phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        address=f"{village.name}{1 + rng.randrange(12)}组{1 + rng.randrange(80)}号",
        assistant=assistant,
        needs_home_visit=rng.random() < 0.05,
    )
    certs: list[Certification] = []
    events = [PensionerEvent(kind=EventKind.REGISTERED, to_status=PensionerStatus.ACTIVE)]

    def record(day: date, result: Result = Result.PASSED) -> None:
        method = (
            Method.HOME_VISIT
            if p.needs_home_visit
            else rng.choices([m for m, _w in METHODS], [w for _m, w in METHODS])[0]
        )
        assisted = method in ASSISTED_METHODS
        certs.append(
            Certification(
                village=village,
                method=method,
                result=result,
                failure_reason=rng.choice(FAILURES) if result == Result.FAILED else "",
                operator=assistant if assisted else None,
                # Where it was done, as `services.certify` records it: remote methods have no place (a data
                # comparison "at the village" counted as done without leaving it in the figures).
                unit=village.parent if method == Method.IN_PERSON_HALL else village if assisted else None,
                device_ref=f"ZW-{village.code[-6:]}-{rng.randrange(1, 4)}"
                if method == Method.FINGERPRINT_ON_SITE
                else "",
                certified_at=_moment(day, rng),
                certified_on=day,
            )
        )

    # A year of history: the certification before the last one, when it falls within the past year too.
    earlier = cycle.add_months(last, -12) + timedelta(days=rng.randrange(-20, 20))
    if earlier > today - timedelta(days=400):
        record(earlier)
    services.derive(p, rule, last)
    resumed = index >= due_soon and rng.random() < 0.04 and last > today - timedelta(days=200)
    if resumed:
        # Suspended for missing the previous deadline, resumed by the last certification, back-paid.
        overdue_due = last - timedelta(days=rule.grace_days + 40 + rng.randrange(60))
        start = cycle.suspended_from(overdue_due, rule.grace_days)
        events.append(
            PensionerEvent(
                kind=EventKind.SUSPENDED,
                from_status=PensionerStatus.ACTIVE,
                to_status=PensionerStatus.SUSPENDED,
                effective_month=start,
            )
        )
        events.append(
            PensionerEvent(
                kind=EventKind.RESUMED,
                from_status=PensionerStatus.SUSPENDED,
                to_status=PensionerStatus.ACTIVE,
                effective_month=cycle.month_start(last),
                months=cycle.back_pay_months(start, last),
            )
        )
    if rng.random() < 0.05:
        record(last - timedelta(days=1 + rng.randrange(5)), Result.FAILED)
    record(last)
    if p.suspend_after < today:
        p.status, p.suspended_from = PensionerStatus.SUSPENDED, cycle.next_month(p.suspend_after)
        events.append(
            PensionerEvent(
                kind=EventKind.SUSPENDED,
                from_status=PensionerStatus.ACTIVE,
                to_status=PensionerStatus.SUSPENDED,
                effective_month=p.suspended_from,
            )
        )
    elif index >= due_soon and rng.random() < 0.01:
        ended = today - timedelta(days=rng.randrange(90))
        p.status, p.stop_reason, p.needs_home_visit = PensionerStatus.STOPPED, StopReason.DEATH, False
        events.append(
            PensionerEvent(
                kind=EventKind.STOPPED,
                from_status=PensionerStatus.ACTIVE,
                to_status=PensionerStatus.STOPPED,
                reason=StopReason.DEATH,
                effective_month=cycle.next_month(ended),
                months=cycle.overpayment_months(ended, today),
            )
        )
    return p, certs, events
