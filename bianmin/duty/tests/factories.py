"""Duty rosters for the test county: 浣花村's village hall (cadre_a, the head, and three more cadres) with the
source's layers, and 白帝镇's reception room (township_leader and two more leaders)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bianmin.conftest import County
from bianmin.duty import services
from bianmin.duty.choices import DayRule, PlaceKind
from bianmin.duty.models import DutyMember, DutyPlace
from bianmin.org.choices import Role
from bianmin.org.tests.factories import member
from bianmin.workdays.services import invalidate_calendar

HOURS = "08:30-12:00 14:30-18:00"


@dataclass
class Rosters:
    hall: DutyPlace
    cadres: list[DutyMember]  # cadre_a first: the head
    room: DutyPlace
    leaders: list[DutyMember]


def village_hall(
    county: County, *, extra: int = 3, months: list[date] | None = None
) -> tuple[DutyPlace, list[DutyMember]]:
    """浣花村's hall: everyone on working Mondays (all required), one a day on other working days and on rest days."""
    unit = county["huanhua"]
    head = county.people["cadre_a"]
    hall = services.create_place(actor=None, unit=unit, kind=PlaceKind.VILLAGE_HALL, head=head)
    users = [head] + [
        member(unit, Role.VILLAGE_CADRE, username=f"hh_cadre{i}", display_name=f"浣花村委员{i}")
        for i in range(1, extra + 1)
    ]
    posts = ["村党支部书记", "村委会主任", "村委会副主任", "村综治专干", "村文书"]
    cadres = [services.add_member(hall, actor=None, user=u, post=posts[i % len(posts)]) for i, u in enumerate(users)]
    services.save_layer(
        hall,
        actor=None,
        name="周一集中上班",
        days=DayRule.MONDAYS,
        everyone=True,
        people_per_day=len(users),
        hours=HOURS,
        priority=2,
    )
    services.save_layer(hall, actor=None, name="工作日轮流值班", days=DayRule.WORKING_DAYS, hours=HOURS)
    services.save_layer(hall, actor=None, name="双休日节假日轮流值班", days=DayRule.REST_DAYS, hours="09:00-17:00")
    if months:
        services.resolve_months(hall, months)
    return hall, cadres


def reception_room(county: County, *, months: list[date] | None = None) -> tuple[DutyPlace, list[DutyMember]]:
    unit = county["baidi"]
    room = services.create_place(
        actor=None, unit=unit, kind=PlaceKind.RECEPTION_ROOM, head=county.people["township_leader"]
    )
    users = [county.people["township_leader"]] + [
        member(unit, Role.TOWNSHIP_LEADER, username=f"bd_leader{i}", display_name=f"白帝镇副镇长{i}") for i in (1, 2)
    ]
    leaders = [
        services.add_member(room, actor=None, user=u, post="镇长" if i == 0 else "副镇长", is_leader=True)
        for i, u in enumerate(users)
    ]
    services.save_layer(room, actor=None, name="党政领导轮流接访", days=DayRule.WORKING_DAYS, hours="08:30-12:00")
    if months:
        services.resolve_months(room, months)
    return room, leaders


def rosters(county: County, months: list[date] | None = None) -> Rosters:
    invalidate_calendar()
    hall, cadres = village_hall(county, months=months)
    room, leaders = reception_room(county, months=months)
    return Rosters(hall, cadres, room, leaders)
