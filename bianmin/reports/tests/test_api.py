"""/api/v1/reports as a township leader, a department, a supervisor and a client program use it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.cases.services import perform
from bianmin.cases.sla import SHANGHAI
from bianmin.cases.tests.factories import new_application, new_case
from bianmin.org.tests.test_api_permissions import HOME, PERSONAS

MON = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
ROUTES = [
    "/reports/kpi",
    "/reports/kpi/by?dimension=kind",
    "/reports/trend?bucket=week",
    "/reports/analysis",
    "/reports/rectification",
]


def filed(county, village="huanhua", when=MON, **overrides):
    cadre = county.people["cadre_a" if village == "huanhua" else "township_staff"]
    return new_case(cadre, village=county[village], received_at=when, **overrides)


def get(api, route: str, **params):
    path, _sep, query = route.partition("?")
    extra = dict(part.split("=") for part in query.split("&") if part)
    return api.get(path, **MARCH, **extra, **params)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_sees_its_own_units_figures_and_no_others(county, api_as, persona, route):
    """Everyone who may see cases gets their own unit by default; another county's unit is refused;
    a citizen has no figures to see."""
    api = api_as(county.people[persona])
    response = get(api, route)
    if persona == "villager":
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.json()
    assert response.json()["unit"]["code"] == county[HOME[persona]].code
    foreign = "500236101201" if persona == "outsider" else "500237000000"
    refused = get(api, route, unit=foreign)
    assert refused.status_code == 400 and "unit" in refused.json()["fields"]


def test_the_figures_answer_under_the_documented_names(county, api_as):
    case = filed(county)
    cadre = county.people["cadre_a"]
    case = perform(case, "reply", actor=cadre, at=MON + timedelta(hours=1), reply="已修复")
    case = perform(case, "complete", actor=cadre, at=MON + timedelta(hours=2))
    perform(case, "rate", actor=cadre, at=MON + timedelta(hours=3), rating=5)
    filed(county)
    body = api_as(county.people["supervisor"]).get("/reports/kpi", **MARCH).json()
    assert body["unit"] == {"code": "500236000000", "name": "奉节县", "kind": "county"}
    assert (body["accepted"], body["completed"], body["completion_rate"]) == (2, 1, 50.0)
    assert (body["rated"], body["satisfied"], body["satisfaction_rate"], body["on_time_rate"]) == (1, 1, 100.0, 100.0)
    # Grievances brought to the village hall are cases, not the village system's applications (DESIGN §5).
    assert (body["village_handled"], body["village_completed"], body["village_completion_rate"]) == (0, 0, None)
    assert (body["applications_received"], body["application_online_share"]) == (0, None)
    assert body["ratings"][0] == {"rating": 5, "label": "非常满意", "count": 1}
    townships = {row["key"]: row for row in body["breakdown"]}
    assert townships["500236101000"]["label"] == "白帝镇" and townships["500236101000"]["accepted"] == 2
    assert townships["500236001000"]["accepted"] == 0 and townships["500236001000"]["completion_rate"] is None


def test_the_application_figures_answer_under_the_documented_names(county, items, api_as):
    """One application filed by the village cadre, approved in time and delivered through the cadre; one
    filed online and not yet checked."""
    staff = county.people["township_staff"]
    case = new_application(county.people["cadre_a"], items.subsistence, village=county["huanhua"], received_at=MON)
    case = perform(case, "accept", actor=staff, at=MON + timedelta(hours=1))
    case = perform(case, "review", actor=staff, handler="township_staff", at=MON + timedelta(hours=2))
    case = perform(case, "approve", actor=staff, at=MON + timedelta(days=1))
    perform(case, "deliver", actor=staff, delivery_method="village_proxy", at=MON + timedelta(days=2))
    new_application(county.people["villager"], items.pension, channel="web", village=county["huanhua"], received_at=MON)
    api = api_as(county.people["supervisor"])
    body = api.get("/reports/kpi", **MARCH).json()
    expected = {
        "applications_received": 2,
        "applications_accepted": 1,
        "applications_completed": 1,
        "applications_on_time": 1,
        "applications_within_legal_limit": 1,
        "applications_online": 1,
        "application_trips": 0,
        "applications_one_trip": 1,
        "village_handled": 1,
        "village_completed": 1,
        "village_completion_rate": 100.0,
        "application_completion_rate": 100.0,
        "application_on_time_rate": 100.0,
        "application_legal_on_time_rate": 100.0,
        "application_online_share": 50.0,
        "application_average_trips": 0.0,
        "application_one_trip_share": 100.0,
    }
    assert {name: body[name] for name in expected} == expected
    assert (body["accepted"], body["completed"]) == (1, 1)  # the case figures count applications too
    townships = {row["key"]: row for row in body["breakdown"]}
    assert townships["500236101000"]["applications_received"] == 2
    assert townships["500236001000"]["application_online_share"] is None
    kinds = api.get("/reports/kpi/by", **MARCH, dimension="kind").json()["groups"]
    assert [(g["key"], g["applications_received"]) for g in kinds] == [("application", 2)]
    weeks = api.get("/reports/trend", **MARCH, bucket="week").json()["points"]
    assert [p["applications_received"] for p in weeks][:3] == [0, 2, 0]


def test_as_of_gives_the_figures_as_they_stood(county, api_as):
    case = filed(county)
    cadre = county.people["cadre_a"]
    case = perform(case, "reply", actor=cadre, at=MON + timedelta(days=1), reply="已修复")
    perform(case, "complete", actor=cadre, at=MON + timedelta(days=1, hours=1))
    api = api_as(county.people["township_leader"])
    assert api.get("/reports/kpi", **MARCH, as_of="2026-03-02T18:00:00").json()["completed"] == 0
    assert api.get("/reports/kpi", **MARCH, as_of="2026-03-04T00:00:00+08:00").json()["completed"] == 1
    assert api.get("/reports/kpi", **MARCH).json()["completed"] == 1


# (route, query, the field named, a word of its Chinese message)
BAD_PERIODS = [
    ("/reports/kpi", {"start": "2026-03-31", "end": "2026-03-01"}, "end", "开始"),
    ("/reports/kpi", {"start": "2026-02-30", "end": "2026-03-01"}, "start", "日期"),
    ("/reports/kpi", {"start": "0001-01-01", "end": "2026-03-01"}, "start", "1900"),
    ("/reports/kpi", {**MARCH, "as_of": "0001-01-01T00:00:00"}, "as_of", "1900"),
    ("/reports/kpi", {"start": "2020-01-01", "end": "2026-03-01"}, "end", "三年"),
    ("/reports/trend", {**MARCH, "bucket": "year"}, "bucket", "选项"),
]


def test_bad_periods_get_field_messages_in_chinese(county, api_as):
    api = api_as(county.people["township_leader"])
    wrong = []
    for route, query, field, word in BAD_PERIODS:
        response = api.get(route, **query)
        body = response.json()
        # A bad value in the query (400), or one the schema refuses before the view runs (422).
        if response.status_code not in (400, 422) or body.get("code") != "validation_error":
            wrong.append(f"{route} {query}: {response.status_code} {body}")
        elif list(body["fields"]) != [field] or word not in body["fields"][field]:
            wrong.append(f"{route} {query}: fields {body['fields']}, expected {field!r} saying {word!r}")
    assert wrong == []


def test_trend_buckets_cover_the_period(county, api_as):
    filed(county, when=MON)
    filed(county, when=MON + timedelta(days=8))
    api = api_as(county.people["township_leader"])
    weeks = api.get("/reports/trend", **MARCH, bucket="week").json()["points"]
    assert [p["start"] for p in weeks][:3] == ["2026-02-23", "2026-03-02", "2026-03-09"]
    assert [p["accepted"] for p in weeks][:3] == [0, 1, 1]
    days = api.get("/reports/trend", **MARCH, bucket="day").json()["points"]
    assert len(days) == 31 and sum(p["accepted"] for p in days) == 2
    month = api.get("/reports/trend", start="2026-01-01", end="2026-12-31", bucket="month").json()["points"]
    assert [p["start"] for p in month] == [date(2026, m, 1).isoformat() for m in range(1, 13)]


def test_by_kind_and_channel(county, api_as):
    filed(county, kind="complaint")
    filed(county, kind="complaint", channel="hotline")
    filed(county, kind="consultation")
    api = api_as(county.people["township_leader"])
    kinds = {g["key"]: g["accepted"] for g in api.get("/reports/kpi/by", **MARCH, dimension="kind").json()["groups"]}
    assert kinds == {"complaint": 2, "consultation": 1}
    channels = api.get("/reports/kpi/by", **MARCH, dimension="channel").json()["groups"]
    # Largest first, each under its key and its label in the user's language.
    assert [(g["key"], g["label"], g["accepted"]) for g in channels] == [
        ("village_hall", "村便民服务中心", 2),
        ("hotline", "热线电话", 1),
    ]


def test_the_report_costs_the_same_queries_for_one_case_or_many(county, items, api_as):
    """One GROUP BY over the cases and one over the applications, however many of either."""
    api = api_as(county.people["supervisor"])
    filed(county)
    api.get("/reports/kpi", **MARCH)  # warm the calendar cache and the token's last use
    with CaptureQueriesContext(connection) as one:
        assert api.get("/reports/kpi", **MARCH).status_code == 200
    for village in ("huanhua", "shima", "baotaping") * 4:
        filed(county, village=village)
    cadres = {"huanhua": county.people["cadre_a"], "shima": county.people["cadre_b"]}
    for village, cadre in cadres.items():
        for _n in range(3):
            case = new_application(cadre, items.subsistence, village=county[village], received_at=MON)
            perform(case, "accept", actor=county.people["township_staff"], at=MON + timedelta(hours=1))
    with CaptureQueriesContext(connection) as many:
        body = api.get("/reports/kpi", **MARCH).json()
    assert (body["accepted"], body["applications_received"], body["village_handled"]) == (19, 6, 6)
    assert len(many) == len(one)
    # The case aggregates do without the join: one over the applications by origin, one for the departments
    # by handling unit.
    assert sum("cases_application" in q["sql"] for q in many) == 2
    assert [d["key"] for d in body["departments"]] == sorted(d["key"] for d in body["departments"])
    for route in ROUTES[1:]:
        with CaptureQueriesContext(connection) as queries:
            assert get(api, route).status_code == 200
        assert len(queries) <= len(one), route
