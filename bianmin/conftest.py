"""Shared fixtures: a small county with named people in it (the personas of STYLE.md)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from bianmin.cases.models import Classification
from bianmin.org.choices import Role, UnitKind
from bianmin.org.models import OrgVersion, Unit, User
from bianmin.org.tests.factories import UnitFactory, UserFactory, member
from bianmin.org.tokens import create_token
from bianmin.tests.browser import browser, server  # noqa: F401  (the browser tests' shared server)
from bianmin.workdays.services import invalidate_calendar


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Any:
    # The calendar is cached per process; each test's database starts without overrides.
    invalidate_calendar()
    yield
    invalidate_calendar()


@pytest.fixture(autouse=True)
def _rows_of_the_data_migrations(request: pytest.FixtureRequest) -> None:
    """A transactional test ends by flushing every table, the rows the data migrations wrote included (the
    classifications, the search synonyms, the hall's finding kinds, the pension schemes, the organisation's
    version row): a transactional test after it
    gets them back, as a migrated database has them, whatever order the tests run in."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    if Classification.objects.exists():
        return  # not flushed since the migrations ran
    import_module("bianmin.cases.migrations.0002_default_classifications").add_defaults(apps, None)
    import_module("bianmin.catalog.migrations.0002_default_synonyms").add(apps, None)
    import_module("bianmin.hall.migrations.0002_default_finding_kinds").add(apps, None)
    import_module("bianmin.pension.migrations.0002_default_schemes").add(apps, None)
    OrgVersion.objects.get_or_create(id=1, defaults={"token": random.getrandbits(62)})


@dataclass
class County:
    """浣花村 and 石马村 in 白帝镇 with a work team on 浣花村; 宝塔坪社区 in 夔门街道; a department and the
    service center; and a second county (其他县) that no one below may see."""

    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Unit:
        return self.units[name]


@pytest.fixture
def county(db: None) -> County:
    c = County()
    u = c.units
    u["province"] = UnitFactory(code="500000000000", name="重庆市", kind=UnitKind.PROVINCE)
    u["county"] = UnitFactory(code="500236000000", name="奉节县", kind=UnitKind.COUNTY, parent=u["province"])
    u["baidi"] = UnitFactory(code="500236101000", name="白帝镇", kind=UnitKind.TOWNSHIP, parent=u["county"])
    u["huanhua"] = UnitFactory(code="500236101201", name="浣花村", kind=UnitKind.VILLAGE, parent=u["baidi"])
    u["shima"] = UnitFactory(code="500236101202", name="石马村", kind=UnitKind.VILLAGE, parent=u["baidi"])
    u["team"] = UnitFactory(
        code="500236101-T1",
        name="白帝镇驻浣花村工作组",
        kind=UnitKind.WORK_TEAM,
        parent=u["baidi"],
        covers=[u["huanhua"]],
    )
    u["kuimen"] = UnitFactory(code="500236001000", name="夔门街道", kind=UnitKind.STREET, parent=u["county"])
    u["baotaping"] = UnitFactory(code="500236001001", name="宝塔坪社区", kind=UnitKind.COMMUNITY, parent=u["kuimen"])
    u["rsj"] = UnitFactory(code="500236-RSJ", name="县人力社保局", kind=UnitKind.DEPARTMENT, parent=u["county"])
    u["center"] = UnitFactory(
        code="500236-ZWZX", name="县行政服务中心", kind=UnitKind.SERVICE_CENTER, parent=u["county"]
    )
    u["other_county"] = UnitFactory(code="500237000000", name="其他县", kind=UnitKind.COUNTY, parent=u["province"])
    u["other_town"] = UnitFactory(code="500237101000", name="其他镇", kind=UnitKind.TOWNSHIP, parent=u["other_county"])
    u["other_village"] = UnitFactory(code="500237101201", name="其他村", kind=UnitKind.VILLAGE, parent=u["other_town"])

    p = c.people
    p["villager"] = member(u["huanhua"], Role.CITIZEN, username="villager")
    p["cadre_a"] = member(u["huanhua"], Role.VILLAGE_CADRE, username="cadre_a")
    p["cadre_b"] = member(u["shima"], Role.VILLAGE_CADRE, username="cadre_b")
    p["work_team"] = member(u["team"], Role.WORK_TEAM, username="work_team")
    p["township_staff"] = member(u["baidi"], Role.TOWNSHIP_STAFF, username="township_staff")
    p["township_leader"] = member(u["baidi"], Role.TOWNSHIP_LEADER, username="township_leader")
    p["township_admin"] = member(u["baidi"], Role.ADMIN, username="township_admin")
    p["window"] = member(u["center"], Role.WINDOW_STAFF, username="window")
    p["dept"] = member(u["rsj"], Role.DEPARTMENT_HANDLER, username="dept")
    p["supervisor"] = member(u["county"], Role.SUPERVISOR, username="supervisor")
    p["inspector"] = member(u["center"], Role.INSPECTOR, username="inspector")
    p["county_admin"] = member(u["county"], Role.ADMIN, username="county_admin")
    p["outsider"] = member(u["other_village"], Role.VILLAGE_CADRE, username="outsider")
    p["root"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    return c


class Api:
    """A client of /api/v1/ acting as one user through a real bearer token (or anonymously)."""

    def __init__(self, user: User | None, language: str = "zh-hans") -> None:
        self.client = Client(HTTP_ACCEPT_LANGUAGE=language)
        self.headers = {}
        if user is not None:
            _row, token = create_token(user, name="test")
            self.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        url = "/api/v1" + path
        send = getattr(self.client, method)
        if body is None:
            return send(url, params or None, headers=self.headers)
        return send(url, json.dumps(body), content_type="application/json", headers=self.headers)

    def get(self, path: str, **params: Any) -> Any:
        return self._call("get", path, **params)

    def post(self, path: str, body: Any) -> Any:
        return self._call("post", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self._call("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._call("put", path, body)

    def delete(self, path: str, **params: Any) -> Any:
        return self._call("delete", path, **params)


@pytest.fixture
def api_as() -> Any:
    return Api
