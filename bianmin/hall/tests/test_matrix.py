"""Permission matrix over every hall route and page (how the tables read: bianmin/tests/route_matrix.py):
each persona of the test county, the superuser and an anonymous caller, against the county center's hall,
a township hall (白帝镇) and another county's hall. Window staff act only at their own hall's windows;
those who view a hall see their subtree's; anyone reaches the kiosk, display and ticket pages, and the pad on
the device its hall's manager paired (here none is: every caller is refused)."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from bianmin.hall import patrols, services
from bianmin.hall.models import QueueService, Violation
from bianmin.hall.tests.factories import at, make_hall
from bianmin.tests.route_matrix import ANONYMOUS, EVERYONE, cell

pytestmark = pytest.mark.django_db

ALL = [*EVERYONE, "root"]
SIGNED_IN = set(ALL) - {ANONYMOUS}
NO_HALL_ROLE = {"villager", "cadre_a", "cadre_b", "work_team", "dept", "outsider"}
# HALL_VIEW over the county service center's hall; over 白帝镇's.
VIEW_CENTER = {"window", "inspector", "supervisor", "county_admin", "root"}
VIEW_BAIDI = {"township_staff", "township_leader", "township_admin", "supervisor", "county_admin", "root"}
# HALL_SERVE over the center's windows; anywhere at all.
SERVE_CENTER = {"window", "county_admin", "root"}
SERVE_ANYWHERE = SERVE_CENTER | {"township_staff", "township_admin"}
# HALL_PATROL and HALL_MANAGE over the center.
PATROL_CENTER = {"inspector", "supervisor", "county_admin", "root"}
MANAGE_CENTER = {"county_admin", "root"}


def table(ok: Any, ok_set: set[str], other: Any, anonymous: Any) -> dict[Any, set[str]]:
    return {ok: ok_set, other: SIGNED_IN - ok_set, anonymous: {ANONYMOUS}}


EXPECTED: dict[str, dict[Any, set[str]]] = {
    "GET api hall center": table(200, VIEW_CENTER, 404, 401),
    "GET api stats center": table(200, VIEW_CENTER, 404, 401),
    "GET api hall baidi": table(200, VIEW_BAIDI, 404, 401),
    "GET api hall other county": table(200, {"root"}, 404, 401),
    "GET api halls (count)": {
        3: {"root"},
        2: {"supervisor", "county_admin"},
        1: VIEW_CENTER - {"supervisor", "county_admin", "root"}
        | {"township_staff", "township_leader", "township_admin"},
        0: NO_HALL_ROLE,
        401: {ANONYMOUS},
    },
    "POST api sign-in + sign-out": table(200, SERVE_CENTER, 404, 401),
    # no one is signed in at the window: those who may serve there are told to sign in first
    "POST api call-next": table(403, SERVE_CENTER, 404, 401),
    "POST api issue green ticket": table(201, SERVE_CENTER, 404, 401),
    "POST api ticket action": table(403, SERVE_CENTER, 404, 401),
    "POST api patrol": table(201, PATROL_CENTER, 404, 401),
    "GET api violations": table(200, VIEW_CENTER, 404, 401),
    # those who see the hall but do not manage it are refused; for the others it is not in scope
    "POST api notice": {
        201: MANAGE_CENTER,
        403: VIEW_CENTER - MANAGE_CENTER,
        404: SIGNED_IN - VIEW_CENTER,
        401: {ANONYMOUS},
    },
    "GET api public notices": {200: set(ALL)},
    "POST api violation action": {
        200: MANAGE_CENTER,
        403: VIEW_CENTER - MANAGE_CENTER,
        404: SIGNED_IN - VIEW_CENTER,
        401: {ANONYMOUS},
    },
    "GET api measures": table(200, VIEW_CENTER, 404, 401),
    "GET api assessment": table(200, VIEW_CENTER, 404, 401),
    "POST api assessment item": {
        201: MANAGE_CENTER,
        403: VIEW_CENTER - MANAGE_CENTER,
        404: SIGNED_IN - VIEW_CENTER,
        401: {ANONYMOUS},
    },
    "POST api duty marks": {
        200: MANAGE_CENTER,
        403: VIEW_CENTER - MANAGE_CENTER,
        404: SIGNED_IN - VIEW_CENTER,
        401: {ANONYMOUS},
    },
    "page marks": {200: MANAGE_CENTER, 404: SIGNED_IN - MANAGE_CENTER, "login": {ANONYMOUS}},
    "page marks save": {"redirect": MANAGE_CENTER, 404: SIGNED_IN - MANAGE_CENTER, "login": {ANONYMOUS}},
    "page assessment": {200: VIEW_CENTER, 404: SIGNED_IN - VIEW_CENTER, "login": {ANONYMOUS}},
    "page violation action": {"redirect": MANAGE_CENTER, 404: SIGNED_IN - MANAGE_CENTER, "login": {ANONYMOUS}},
    "page public notices": {200: set(ALL)},
    "page patrol": {200: PATROL_CENTER, 404: SIGNED_IN - PATROL_CENTER, "login": {ANONYMOUS}},
    "page notices": {200: VIEW_CENTER, 404: SIGNED_IN - VIEW_CENTER, "login": {ANONYMOUS}},
    "GET api ranking": {200: set(ALL)},
    "page ranking": {200: set(ALL)},
    "GET api board": {200: set(ALL)},
    "GET api queues": {200: set(ALL)},
    "GET api pad": {403: set(ALL)},
    "GET api ticket": {200: set(ALL)},
    "POST api take ticket": {201: set(ALL)},
    # one hall in scope: straight to it
    "page overview": {
        200: {"supervisor", "county_admin", "root"},
        "redirect": (VIEW_CENTER | VIEW_BAIDI) - {"supervisor", "county_admin", "root"},
        403: NO_HALL_ROLE,
        "login": {ANONYMOUS},
    },
    "page hall center": {200: VIEW_CENTER, 404: SIGNED_IN - VIEW_CENTER, "login": {ANONYMOUS}},
    "page console index": {200: SERVE_ANYWHERE, 403: SIGNED_IN - SERVE_ANYWHERE, "login": {ANONYMOUS}},
    "page console": {200: SERVE_CENTER, 404: SIGNED_IN - SERVE_CENTER, "login": {ANONYMOUS}},
    "page console call-next": {"redirect": SERVE_CENTER, 404: SIGNED_IN - SERVE_CENTER, "login": {ANONYMOUS}},
    "page kiosk": {200: set(ALL)},
    "page display": {200: set(ALL)},
    "page pad": {403: set(ALL)},
    "page pad pair": {"redirect": MANAGE_CENTER, 403: VIEW_CENTER - MANAGE_CENTER, 404: SIGNED_IN - VIEW_CENTER}
    | {"login": {ANONYMOUS}},
    "page ticket": {200: set(ALL)},
}


def page(response: Any) -> int | str:
    if response.status_code == 302:
        return "login" if response.headers["Location"].startswith("/login/") else "redirect"
    return int(response.status_code)


def test_every_hall_route_and_page_by_persona(county, api_as, client) -> None:
    center = make_hall(county["center"])
    baidi = make_hall(county["baidi"], name="白帝镇便民服务中心", windows=1)
    other = make_hall(county["other_town"], name="其他镇便民服务中心", windows=1)
    # Tickets are taken now through the API, whatever the hour the test runs at.
    QueueService.objects.update(opens_at=time(0), closes_at=time(23, 59, 59))
    ticket = center.take("A", at(8, 30))
    window = center.windows[1]
    # A violation of the center's hall, for the escalation routes (its staff then signs out of window 3).
    services.sign_in(center.windows[3], actor=county.people["window"])
    patrols.record_patrol(
        center.hall,
        actor=county.people["inspector"],
        observations=[patrols.Observation(center.windows[3], kind="late")],
    )
    services.sign_out(center.windows[3], actor=county.people["window"])
    violation = Violation.objects.get()
    observed: dict[tuple[str, str], Any] = {}
    for persona in ALL:
        user = None if persona == ANONYMOUS else (county.people.get(persona) or county.people["root"])
        api = api_as(user)
        if user is None:
            client.logout()
        else:
            client.force_login(user)

        def see(route: str, value: Any, persona: str = persona) -> None:
            observed[(route, persona)] = value

        see("GET api hall center", api.get(f"/hall/halls/{center.hall.pk}").status_code)
        see("GET api stats center", api.get(f"/hall/halls/{center.hall.pk}/stats").status_code)
        see("GET api hall baidi", api.get(f"/hall/halls/{baidi.hall.pk}").status_code)
        see("GET api hall other county", api.get(f"/hall/halls/{other.hall.pk}").status_code)
        halls = api.get("/hall/halls")
        see("GET api halls (count)", len(halls.json()) if halls.status_code == 200 else halls.status_code)
        signed = api.post(f"/hall/windows/{window.pk}/sign-in", {}).status_code
        if signed == 200:
            api.post(f"/hall/windows/{window.pk}/sign-out", {})
        see("POST api sign-in + sign-out", signed)
        see("POST api call-next", api.post(f"/hall/windows/{window.pk}/call-next", {}).status_code)
        green = api.post(f"/hall/windows/{window.pk}/tickets", {"service": "B", "green": "elderly"})
        see("POST api issue green ticket", green.status_code)
        action = api.post(f"/hall/windows/{window.pk}/tickets/{ticket.pk}/actions", {"action": "recall"})
        see("POST api ticket action", action.status_code)
        patrol = {"observations": [{"window": 2, "present": True, "kind": ""}]}
        see("POST api patrol", api.post(f"/hall/halls/{center.hall.pk}/patrols", patrol).status_code)
        see("GET api violations", api.get(f"/hall/halls/{center.hall.pk}/violations").status_code)
        notice = {"title": "通报", "start": "2026-12-01", "end": "2026-12-31"}
        see("POST api notice", api.post(f"/hall/halls/{center.hall.pk}/notices", notice).status_code)
        see("GET api public notices", api.get(f"/hall/halls/{center.hall.pk}/public-notices").status_code)
        talk = {"action": "account", "measure": "talk", "note": "约谈"}
        see("POST api violation action", api.post(f"/hall/violations/{violation.pk}/actions", talk).status_code)
        see("GET api measures", api.get(f"/hall/halls/{center.hall.pk}/measures").status_code)
        see("GET api assessment", api.get(f"/hall/halls/{center.hall.pk}/assessment", year=2026, half=2).status_code)
        item = {"year": 2026, "half": 2, "title": "表扬", "points": "1.0", "window": 1}
        see("POST api assessment item", api.post(f"/hall/halls/{center.hall.pk}/assessment-items", item).status_code)
        duty = {"month": "2026-12-01", "marks": [{"window": 1, "score": 88}]}
        see("POST api duty marks", api.post(f"/hall/halls/{center.hall.pk}/duty-marks", duty).status_code)
        see("page marks", page(client.get(f"/hall/{center.hall.pk}/marks/")))
        marks = {"month": "2026-12", f"mark-{window.pk}": "90"}
        see("page marks save", page(client.post(f"/hall/{center.hall.pk}/marks/", marks)))
        see("page assessment", page(client.get(f"/hall/{center.hall.pk}/assessment/")))
        see("page violation action", page(client.post(f"/hall/violations/{violation.pk}/act/", talk)))
        see("page public notices", page(client.get(f"/hall/{center.hall.pk}/notices/public/")))
        see("page patrol", page(client.get(f"/hall/{center.hall.pk}/patrol/")))
        see("page notices", page(client.get(f"/hall/{center.hall.pk}/notices/")))
        see("GET api ranking", api.get(f"/hall/halls/{center.hall.pk}/ranking", year=2026, month=12).status_code)
        see("page ranking", page(client.get(f"/hall/{center.hall.pk}/ranking/")))
        see("GET api board", api.get(f"/hall/halls/{center.hall.pk}/board").status_code)
        see("GET api queues", api.get(f"/hall/halls/{center.hall.pk}/queues").status_code)
        see("GET api pad", api.get(f"/hall/windows/{window.pk}/pad").status_code)
        see("GET api ticket", api.get(f"/hall/tickets/{ticket.token}").status_code)
        see("POST api take ticket", api.post(f"/hall/halls/{center.hall.pk}/tickets", {"service": "C"}).status_code)
        see("page overview", page(client.get("/hall/")))
        see("page hall center", page(client.get(f"/hall/{center.hall.pk}/")))
        see("page console index", page(client.get("/hall/console/")))
        see("page console", page(client.get(f"/hall/console/{window.pk}/")))
        see("page console call-next", page(client.post(f"/hall/console/{window.pk}/do/", {"op": "call_next"})))
        see("page kiosk", page(client.get(f"/hall/{center.hall.pk}/kiosk/")))
        see("page display", page(client.get(f"/hall/{center.hall.pk}/display/")))
        see("page pad", page(client.get(f"/hall/pad/{window.pk}/")))
        see("page pad pair", page(client.post(f"/hall/pad/{window.pk}/pair/")))
        client.cookies.pop(f"bianmin_pad_{window.pk}", None)  # the next persona's device is not the pad
        see("page ticket", page(client.get(f"/hall/t/{ticket.token}/")))
    wrong = [
        f"{route} as {persona}: got {got!r}, expected {cell(EXPECTED[route], persona)!r}"
        for (route, persona), got in observed.items()
        if got != cell(EXPECTED[route], persona)
    ]
    assert not wrong, "\n".join(wrong)
