"""Permission matrix over every duty route and page (how the tables read: bianmin/tests/route_matrix.py):
each persona of the test county and an anonymous caller, against 浣花村's village hall and 白帝镇's reception
room (in the scope of some, outside that of others)."""

from __future__ import annotations

from datetime import date

import pytest

from bianmin.duty import changes, presence, services
from bianmin.duty.choices import ChangeKind
from bianmin.duty.models import DutyDay
from bianmin.duty.tests.factories import rosters
from bianmin.tests.route_matrix import ANONYMOUS, EVERYONE, Callers, differences, others, page

pytestmark = pytest.mark.django_db


def _visit(room, county):
    """A visit recorded by the township's leader, for each caller to try to make a case of."""
    return presence.record_visit(
        room, actor=county.people["township_leader"], visitor_name="张三", visitor_phone="13800003333", matter="咨询"
    )


OCTOBER = date(2026, 10, 1)

# Who sees 浣花村's roster (DUTY_VIEW over its subtree) and who changes it (DUTY_CHANGE).
VIEW_HALL = {
    "cadre_a",
    "work_team",
    "township_staff",
    "township_leader",
    "township_admin",
    "supervisor",
    "county_admin",
}
CHANGE_HALL = {"cadre_a", "township_leader", "township_admin", "county_admin"}
VIEW_ROOM = {"township_staff", "township_leader", "township_admin", "supervisor", "county_admin"}
RECORD_ROOM = {"township_leader", "township_admin", "county_admin"}
SIGNED_IN = others()
# Those who see no roster anywhere (a villager, window staff, a department's handler): "my duty" and the overview
# send them to the public "who is on duty today" page.
NO_ROSTERS = {"villager", "window", "dept"}

EXPECTED = {
    "GET days": {200: VIEW_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "GET layers": {200: VIEW_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "GET check": {200: VIEW_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "POST layers": {201: CHANGE_HALL, 403: VIEW_HALL - CHANGE_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "POST publish": {200: CHANGE_HALL, 403: VIEW_HALL - CHANGE_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "POST change for someone": {
        201: CHANGE_HALL,
        403: VIEW_HALL - CHANGE_HALL,
        404: others(VIEW_HALL),
        401: {ANONYMOUS},
    },
    # Only the designated head (cadre_a) approves; other viewers are refused; the rest do not see the change.
    "POST approve": {200: {"cadre_a"}, 403: VIEW_HALL - {"cadre_a"}, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "GET changes": {200: SIGNED_IN, 401: {ANONYMOUS}},
    # The list of places answers every signed-in caller, with 浣花村's hall in it for those who see it.
    "GET places lists the hall": {True: VIEW_HALL, False: SIGNED_IN - VIEW_HALL, 401: {ANONYMOUS}},
    "POST visit to case": {201: RECORD_ROOM, 403: VIEW_ROOM - RECORD_ROOM, 404: others(VIEW_ROOM), 401: {ANONYMOUS}},
    "GET visits": {200: VIEW_ROOM, 404: others(VIEW_ROOM), 401: {ANONYMOUS}},
    "POST visits": {201: RECORD_ROOM, 403: VIEW_ROOM - RECORD_ROOM, 404: others(VIEW_ROOM), 401: {ANONYMOUS}},
    "GET public": {200: set(EVERYONE)},
    "page today": {200: set(EVERYONE)},
    "page home": {200: SIGNED_IN - NO_ROSTERS, 302: NO_ROSTERS, "login": {ANONYMOUS}},
    "page month": {200: VIEW_HALL, 404: others(VIEW_HALL), "login": {ANONYMOUS}},
    "page layers": {200: VIEW_HALL, 404: others(VIEW_HALL), "login": {ANONYMOUS}},
    "page add layer": {302: CHANGE_HALL, 200: VIEW_HALL - CHANGE_HALL, 404: others(VIEW_HALL), "login": {ANONYMOUS}},
    "page visits": {200: VIEW_ROOM, 404: others(VIEW_ROOM), "login": {ANONYMOUS}},
    "page record visit": {302: RECORD_ROOM, 200: VIEW_ROOM - RECORD_ROOM, 404: others(VIEW_ROOM), "login": {ANONYMOUS}},
    # The roster's people, head and holiday plans (API and pages).
    "GET members": {200: VIEW_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "POST members": {201: CHANGE_HALL, 403: VIEW_HALL - CHANGE_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "PATCH member": {200: CHANGE_HALL, 403: VIEW_HALL - CHANGE_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "POST deactivate member": {
        200: CHANGE_HALL,
        403: VIEW_HALL - CHANGE_HALL,
        404: others(VIEW_HALL),
        401: {ANONYMOUS},
    },
    "POST head": {200: CHANGE_HALL, 403: VIEW_HALL - CHANGE_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "GET plans": {200: VIEW_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "POST plans": {201: CHANGE_HALL, 403: VIEW_HALL - CHANGE_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "DELETE plan": {204: CHANGE_HALL, 403: VIEW_HALL - CHANGE_HALL, 404: others(VIEW_HALL), 401: {ANONYMOUS}},
    "page people": {200: VIEW_HALL, 404: others(VIEW_HALL), "login": {ANONYMOUS}},
    "page add person": {302: CHANGE_HALL, 200: VIEW_HALL - CHANGE_HALL, 404: others(VIEW_HALL), "login": {ANONYMOUS}},
    "page plans": {200: VIEW_HALL, 404: others(VIEW_HALL), "login": {ANONYMOUS}},
    "page add plan": {302: CHANGE_HALL, 200: VIEW_HALL - CHANGE_HALL, 404: others(VIEW_HALL), "login": {ANONYMOUS}},
    # The township's grid and its Excel: 白帝镇's subtree, not a village's cadre or its work team.
    "page township grid": {200: VIEW_ROOM, 404: others(VIEW_ROOM), "login": {ANONYMOUS}},
    "page township excel": {200: VIEW_ROOM, 404: others(VIEW_ROOM), "login": {ANONYMOUS}},
    "page missing check-ins": {200: SIGNED_IN - NO_ROSTERS, 302: NO_ROSTERS, "login": {ANONYMOUS}},
    "GET township grid": {200: VIEW_ROOM, 404: others(VIEW_ROOM), 401: {ANONYMOUS}},
    "GET presence": {200: SIGNED_IN, 401: {ANONYMOUS}},
}


def test_every_duty_route_and_page(county, api_as, client):
    r = rosters(county, months=[OCTOBER])
    hall, room = r.hall.pk, r.room.pk
    callers = Callers(county, api_as, client)
    observed: dict[tuple[str, str], object] = {}
    tue = date(2026, 10, 13)
    giver = DutyDay.objects.get(place=r.hall, date=tue).member
    taker = next(m for m in r.cadres if m.pk != giver.pk)
    # The head last: an approved change can be approved only once.
    order = sorted(EVERYONE, key=lambda p: p == "cadre_a")
    head = county.people["cadre_a"]
    for index, persona in enumerate(order):
        api = callers.as_(persona)
        code = county["huanhua"].code
        observed["GET days", persona] = api.get(f"/duty/places/{hall}/days", month="2026-10-01").status_code
        observed["GET layers", persona] = api.get(f"/duty/places/{hall}/layers").status_code
        observed["GET check", persona] = api.get(f"/duty/places/{hall}/check", month="2026-10-01").status_code
        observed["POST layers", persona] = api.post(
            f"/duty/places/{hall}/layers", {"name": "试行", "days": "every_day", "priority": 0}
        ).status_code
        observed["POST publish", persona] = api.post(
            f"/duty/places/{hall}/publish", {"month": "2026-10-01", "reason": "试行"}
        ).status_code
        observed["POST change for someone", persona] = api.post(
            f"/duty/places/{hall}/changes",
            {
                "kind": "substitute",
                "member": giver.pk,
                "colleague": taker.pk,
                "date": tue.isoformat(),
                "reason": "代班",
            },
        ).status_code
        change = changes.request_change(
            r.hall, actor=None, kind=ChangeKind.LEAVE, member=r.cadres[2], day=date(2026, 10, 20), reason="事假"
        )
        observed["POST approve", persona] = api.post(
            f"/duty/changes/{change.pk}/act", {"action": "approve"}
        ).status_code
        observed["GET changes", persona] = api.get("/duty/changes").status_code
        listed = api.get("/duty/places")
        observed["GET places lists the hall", persona] = (
            hall in {p["id"] for p in listed.json()} if listed.status_code == 200 else listed.status_code
        )
        visit = _visit(r.room, county)
        observed["POST visit to case", persona] = api.post(f"/duty/visits/{visit.pk}/case", {}).status_code
        observed["GET visits", persona] = api.get(f"/duty/places/{room}/visits").status_code
        observed["POST visits", persona] = api.post(
            f"/duty/places/{room}/visits", {"visitor_name": "王大爷", "visitor_phone": "13800001111", "matter": "咨询"}
        ).status_code
        observed["GET public", persona] = api.get(f"/duty/public/{code}").status_code
        observed["page today", persona] = page(client.get(f"/duty/today/{code}/"))
        observed["page home", persona] = page(client.get("/duty/"))
        observed["page month", persona] = page(client.get(f"/duty/places/{hall}/2026-10/"))
        observed["page layers", persona] = page(client.get(f"/duty/places/{hall}/layers/"))
        layer = {"name": "试行", "days": "every_day", "people_per_day": "1", "priority": "0"}
        observed["page add layer", persona] = page(client.post(f"/duty/places/{hall}/layers/", layer))
        observed["page visits", persona] = page(client.get(f"/duty/places/{room}/visits/"))
        visit = {"visitor_name": "李婆婆", "visitor_phone": "13800002222", "matter": "低保咨询", "people_count": "1"}
        # A viewer who may not record is shown the page again with the refusal (200); the recorder is redirected.
        observed["page record visit", persona] = page(client.post(f"/duty/places/{room}/visits/", visit))
        _roster_cells(observed, persona, index, api, client, r, head)
    assert differences(observed, EXPECTED) == []


def _roster_cells(observed, persona, index, api, client, r, head):
    """The people, head and holiday-plan routes and pages, and the township's pages, for one caller; each
    caller works on its own person and its own November days (plans may not overlap)."""
    hall = r.hall.pk
    someone = services.add_member(r.hall, actor=None, name=f"代{index}", post="委员", resolve=False)
    observed["GET members", persona] = api.get(f"/duty/places/{hall}/members").status_code
    observed["POST members", persona] = api.post(
        f"/duty/places/{hall}/members", {"name": f"新{index}", "post": "委员"}
    ).status_code
    observed["PATCH member", persona] = api.patch(
        f"/duty/members/{someone.pk}", {"post": "副主任", "is_leader": False, "position": 5}
    ).status_code
    observed["POST deactivate member", persona] = api.post(f"/duty/members/{someone.pk}/deactivate", {}).status_code
    observed["POST head", persona] = api.post(f"/duty/places/{hall}/head", {"head": head.pk}).status_code
    observed["GET plans", persona] = api.get(f"/duty/places/{hall}/plans").status_code
    mine = date(2026, 11, 1 + index)
    observed["POST plans", persona] = api.post(
        f"/duty/places/{hall}/plans", {"name": "试行", "start": mine.isoformat(), "end": mine.isoformat()}
    ).status_code
    theirs = mine.replace(day=16 + index)
    plan = services.save_holiday_plan(r.hall, actor=None, name="试行", start=theirs, end=theirs, shifts={})
    observed["DELETE plan", persona] = api.delete(f"/duty/plans/{plan.pk}").status_code
    observed["page people", persona] = page(client.get(f"/duty/places/{hall}/people/"))
    observed["page add person", persona] = page(
        client.post(f"/duty/places/{hall}/people/", {"do": "add", "name": f"页{index}", "post": "委员"})
    )
    observed["page plans", persona] = page(client.get(f"/duty/places/{hall}/plans/"))
    day = date(2026, 12, 1 + index).isoformat()
    observed["page add plan", persona] = page(
        client.post(f"/duty/places/{hall}/plans/", {"do": "create", "name": "试行", "start": day, "end": day})
    )
    code = r.room.unit.code
    observed["page township grid", persona] = page(client.get(f"/duty/townships/{code}/2026-10/"))
    observed["page township excel", persona] = page(client.get(f"/duty/townships/{code}/2026-10.xlsx"))
    observed["page missing check-ins", persona] = page(client.get("/duty/missing/"))
    observed["GET township grid", persona] = api.get(f"/duty/townships/{code}/grid", month="2026-10-01").status_code
    observed["GET presence", persona] = api.get("/duty/presence", day="2026-10-13").status_code
