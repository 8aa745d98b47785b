"""Test data for the hall: the test county's service center with a hall, three windows and three queues."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bianmin.hall.choices import ServiceKind, TicketChannel
from bianmin.hall.models import Hall, QueueService, Ticket, Window, WindowService
from bianmin.hall.services import take_ticket
from bianmin.org.models import Unit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, second: int = 0, day: int = 9, month: int = 12) -> datetime:
    """A moment of a working day (by default Wednesday 2026-12-09), Shanghai time."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


@dataclass
class HallData:
    hall: Hall
    windows: dict[int, Window] = field(default_factory=dict)
    services: dict[str, QueueService] = field(default_factory=dict)

    def take(self, prefix: str, moment: datetime, **kw: Any) -> Ticket:
        kw.setdefault("actor", None)
        kw.setdefault("channel", TicketChannel.KIOSK)
        return take_ticket(self.services[prefix], now=moment, **kw)


def make_hall(unit: Unit, name: str = "县政务服务大厅", windows: int = 3) -> HallData:
    """Windows 1..n; queue A (social security) at windows 1 and 2, B (civil affairs, green channel and
    appointments) at window 2 (second priority) and 3, C (grievance intake) at window 3."""
    hall = Hall.objects.create(unit=unit, name=name, phone="023-56550000")
    data = HallData(hall)
    for prefix, title, kind in (
        ("A", "社保业务", ServiceKind.GRIEVANCE),
        ("B", "民政业务", ServiceKind.GRIEVANCE),
        ("C", "咨询投诉", ServiceKind.GRIEVANCE),
    ):
        data.services[prefix] = QueueService.objects.create(
            hall=hall,
            name=title,
            kind=kind,
            prefix=prefix,
            opens_at=time(8, 0),
            closes_at=time(18, 0),
            appointments=prefix == "B",
            daily_cap=50,
        )
    for number in range(1, windows + 1):
        data.windows[number] = Window.objects.create(hall=hall, number=number, name=f"{number}号综合窗口")
    pairs = [(1, "A", 1), (2, "A", 1), (2, "B", 2), (3, "B", 1), (3, "C", 2)]
    for number, prefix, priority in pairs:
        if number in data.windows:
            WindowService.objects.create(window=data.windows[number], service=data.services[prefix], priority=priority)
    return data
