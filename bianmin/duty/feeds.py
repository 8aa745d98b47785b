"""iCalendar feeds of duty days at secret URLs (GoAlert's calsub): one per person on a roster and one per
place, each event with a reminder the evening before (18:00 Asia/Shanghai)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneStandard

from bianmin.duty.models import DutyDay, parse_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
REMINDER_AT = time(18, 0)  # the evening before


def ical(title: str, rows: Iterable[DutyDay], host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Bianmin//duty//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    cal.add_component(_shanghai())
    for row in rows:
        spans = parse_hours(row.hours) or [(time(0, 0), time(23, 59))]
        start = datetime.combine(row.date, spans[0][0], tzinfo=SHANGHAI)
        end = datetime.combine(row.date, spans[-1][1], tzinfo=SHANGHAI)
        event = Event()
        # Stable UIDs: a re-resolved day updates the same event in the subscriber's calendar.
        event.add("uid", f"duty-{row.place_id}-{row.date:%Y%m%d}-{row.member_id}@{host}")
        event.add("summary", f"{row.name} · {row.place.name}")
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("dtstamp", start)
        event.add("description", f"{row.post} {row.hours}".strip())
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{row.place.name} {row.hours}".strip())
        alarm.add("trigger", datetime.combine(row.date - timedelta(days=1), REMINDER_AT, tzinfo=SHANGHAI) - start)
        event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())


def _shanghai() -> Timezone:
    """The VTIMEZONE every TZID needs (RFC 5545 §3.2.19), for clients without the IANA names (Outlook): China
    Standard Time, UTC+8 without daylight saving since 1991, so one rule covers every roster's days
    (icalendar's `add_missing_timezones` writes the 1986–1991 rules too, at ~40 ms a feed)."""
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))  # noqa: DTZ001 (a VTIMEZONE rule starts in local time)
    standard.add("tzoffsetfrom", timedelta(hours=8))
    standard.add("tzoffsetto", timedelta(hours=8))
    standard.add("tzname", "CST")
    zone = Timezone()
    zone.add("tzid", "Asia/Shanghai")
    zone.add_component(standard)
    return zone
