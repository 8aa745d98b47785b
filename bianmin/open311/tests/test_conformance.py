"""GeoReport v2 conformance: every method in XML and JSON, each answer valid against the shipped XSD and JSON
schema (conftest's `Geo` checks every one), the error bodies, empty lists, jurisdiction present or absent,
date ranges across time zones, the 90-day and 1,000 caps, the token → id flow, attribute validation,
media_url and the retried POST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from bianmin.cases.choices import CaseStatus, Channel
from bianmin.cases.models import Case
from bianmin.open311.models import ServiceRequest
from bianmin.open311.tests.conftest import road_form

FORMATS = ["xml", "json"]


def texts(response, tag: str) -> list[str]:
    return [element.text or "" for element in response.document.iter(tag)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_the_endpoint_and_both_formats_truthfully(geo, fmt):
    response = geo.get("discovery", fmt, "discovery")
    assert response.status_code == 200
    if fmt == "json":
        (endpoint,) = response.data["endpoints"]
        assert endpoint["url"] == "http://testserver/open311/v2/"
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    else:
        assert texts(response, "format") == ["text/xml", "application/json"]
    # Then each format it names is served at the endpoint's url
    assert geo.client.get("/open311/v2/services.xml")["Content-Type"].startswith("text/xml")
    assert geo.client.get("/open311/v2/services.json")["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_categories_with_metadata_where_they_ask_questions(geo, world, fmt):
    response = geo.get("services", fmt, "services")
    if fmt == "json":
        found = {s["service_code"]: (s["service_name"], s["metadata"]) for s in response.data}
        assert found == {"road": ("道路交通", True), "water": ("供水", False)}
    else:
        assert texts(response, "service_code") == ["road", "water"]
        assert texts(response, "metadata") == ["true", "false"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_active_category_is_an_empty_list_not_an_error(geo, world, fmt):
    world.road.is_active = world.water.is_active = False
    world.road.save()
    world.water.save()
    response = geo.get("services", fmt, "services")
    assert response.status_code == 200
    if fmt == "json":
        assert response.data == []
    else:
        assert response.content.endswith(b"<services/>")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_gives_each_attribute_with_its_values(geo, world, fmt):
    response = geo.get("services/road", fmt, "service_definition")
    assert response.status_code == 200
    if fmt == "json":
        damage, hazards, width = response.data["attributes"]
        assert (damage["code"], damage["datatype"], damage["required"]) == ("damage", "singlevaluelist", True)
        assert damage["values"] == [{"key": "collapse", "name": "塌方"}, {"key": "pothole", "name": "坑洼"}]
        assert (hazards["datatype"], width["datatype"], width["values"]) == ("multivaluelist", "number", [])
    else:
        assert texts(response, "code") == ["damage", "hazards", "width"]
        assert texts(response, "key") == ["collapse", "pothole", "night", "school"]
    assert geo.get("services/water", fmt, "service_definition").status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_request_token_and_path_are_404_in_the_format_asked(geo, world, fmt):
    for path in ("services/nope", "requests/20260101-99999", "tokens/nope", "whatever"):
        response = geo.get(path, fmt)
        assert response.status_code == 404, path
        if fmt == "json":
            assert response.data[0]["code"] == 404
        else:
            assert texts(response, "code") == ["404"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_refusal_names_its_parameter_as_the_400s_do(geo, world, language):
    """ "parameter: what is wrong", in any language: the 404s and 403s wrote "service_code：没有该服务。" with a
    full-width colon while the 400s wrote "service_code: …", so a client could not tell the parameter."""
    geo.client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    refusals = {
        "service_code": geo.get("services/nope"),
        "service_request_id": geo.get("requests/20260101-99999"),
        "token": geo.get("tokens/nope"),
        "jurisdiction_id": geo.get("services", jurisdiction_id="nowhere"),
    }
    geo.key = "o311_wrong"
    refusals["api_key"] = geo.post("json", **road_form())
    for parameter, response in refusals.items():
        (description,) = [e["description"] for e in response.data]
        assert description.startswith(f"{parameter}: ") and len(description) > len(parameter) + 3, description


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_filed_request_is_a_submitted_grievance_case_and_its_token_leads_to_its_id(geo, world, county, fmt):
    created = geo.post(fmt, **road_form())
    assert created.status_code == 201
    if fmt == "json":
        (body,) = created.data
        number, token = body["service_request_id"], body["token"]
    else:
        (number,), (token,) = texts(created, "service_request_id"), texts(created, "token")
    case = Case.objects.get(number=number)
    assert (case.channel, case.status, case.unit, case.village) == (
        Channel.OPEN311,
        CaseStatus.SUBMITTED,
        county["huanhua"],
        county["huanhua"],
    )
    assert case.category == world.road and case.citizen_phone == "13812345678" and case.citizen_name == "张大山"
    assert "https://photos.example.cn/p/123.jpg" in case.content  # staff see the photo's address
    # When the client asks for the id by the token
    found = geo.get(f"tokens/{token}", fmt, "token")
    if fmt == "json":
        assert found.data == [{"service_request_id": number, "token": token}]
    else:
        assert texts(found, "service_request_id") == [number]
    # Then the request reads back with its place, photo and the handling unit
    read = geo.get(f"requests/{number}", fmt, "requests")
    if fmt == "json":
        (request,) = read.data
        assert request["status"] == "open" and request["agency_responsible"] == "浣花村"
        assert request["media_url"] == "https://photos.example.cn/p/123.jpg"
        assert (request["lat"], request["long"], request["address_id"]) == (31.0185, 109.4632, "500236101201")
        assert request["requested_datetime"].endswith("+08:00") and request["expected_datetime"]
        assert request["service_code"] == "road" and request["description"] == "村道塌方，车辆无法通行。"
    else:
        assert texts(read, "status") == ["open"] and texts(read, "agency_responsible") == ["浣花村"]


def test_a_retried_post_never_makes_a_second_case(geo, world):
    first = geo.post("json", **road_form())
    again = geo.post("json", **road_form())
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.data == again.data
    # With an Idempotency-Key, a retry is the same request even if the client re-encoded the form
    keyed = geo.post("json", headers={"Idempotency-Key": "fms-42"}, **road_form(description="第二处塌方"))
    retried = geo.post("json", headers={"Idempotency-Key": "fms-42"}, **road_form(description="第二处塌方 "))
    assert keyed.status_code == 201 and retried.status_code == 200
    assert keyed.data[0]["service_request_id"] == retried.data[0]["service_request_id"]
    assert Case.objects.filter(channel=Channel.OPEN311).count() == 2 == ServiceRequest.objects.count()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_without_a_valid_key_is_403(geo, world, fmt):
    for key in ("", "o311_wrong", "bm_not-a-client-key", "x" * 500):
        geo.key = key
        response = geo.post(fmt, **road_form())
        assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_revoked_key_files_nothing(geo, world, county):
    from bianmin.open311.services import revoke_key

    revoke_key(world.key, actor=county.people["county_admin"])
    assert geo.post("json", **road_form()).status_code == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"attribute[damage]": None}, "attribute[damage]"),  # required
        ({"attribute[damage]": "flood"}, "attribute[damage]"),  # not a key of the list
        ({"attribute[hazards][]": ["night", "rain"]}, "attribute[hazards]"),  # one key of many wrong
        ({"attribute[width]": "wide"}, "attribute[width]"),  # not a number
        ({"service_code": "nope"}, "service_code"),
        ({"service_code": None}, "service_code"),
        ({"lat": None, "long": None, "address_id": None}, "lat"),  # no place at all
        ({"lat": "91", "long": "10"}, "lat"),
        ({"long": None}, "lat"),  # lat without long
        ({"address_id": "500237101201"}, "address_id"),  # 其他村: outside the key's jurisdiction
        ({"phone": None}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"media_url": "ftp://example.cn/x.jpg"}, "media_url"),
        ({"description": "x" * 4001}, "description"),
        ({"description": "bell\x07"}, "description"),
        ({"jurisdiction_id": "500237000000"}, "jurisdiction_id"),
    ],
)
def test_a_bad_request_is_400_naming_the_parameter_and_files_nothing(geo, world, changes, field):
    for fmt in FORMATS:
        response = geo.post(fmt, **road_form(**changes))
        assert response.status_code == 400, response.content
        descriptions = [e["description"] for e in response.data] if fmt == "json" else texts(response, "description")
        assert any(d.startswith(f"{field}:") for d in descriptions), descriptions
    assert not Case.objects.exists()


def test_list_attributes_take_their_keys_and_a_request_without_attributes_files_for_a_service_without_any(geo, world):
    response = geo.post("json", **road_form(**{"attribute[hazards][]": ["night", "school"], "attribute[width]": "3.5"}))
    assert response.status_code == 201
    request = ServiceRequest.objects.get()
    assert request.attributes == {"damage": "collapse", "hazards": ["night", "school"], "width": "3.5"}
    water = geo.post("json", **road_form(service_code="water", **{"attribute[damage]": None}))
    assert water.status_code == 201


def test_a_place_named_in_the_address_string_routes_the_request_else_the_intake_unit_takes_it(geo, world, county):
    named = geo.post("json", **road_form(address_id=None, address_string="白帝镇石马村三组"))
    unnamed = geo.post("json", **road_form(address_id=None, description="另一处"))
    cases = {c.number: c for c in Case.objects.select_related("unit")}
    assert cases[named.data[0]["service_request_id"]].unit == county["shima"]
    assert cases[unnamed.data[0]["service_request_id"]].unit == county["center"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_jurisdiction_id_may_be_present_or_absent_and_an_unknown_one_is_404(geo, world, fmt):
    number = geo.post(fmt="json", **road_form(jurisdiction_id="500236000000")).data[0]["service_request_id"]
    for params in ({}, {"jurisdiction_id": "500236000000"}):
        assert geo.get("services", fmt, "services", **params).status_code == 200
        assert geo.get(f"requests/{number}", fmt, "requests", **params).status_code == 200
        listed = geo.get("requests", fmt, "requests", **params)
        assert listed.status_code == 200
        assert number in (
            [r["service_request_id"] for r in listed.data] if fmt == "json" else texts(listed, "service_request_id")
        )
    for path in ("services", f"requests/{number}", "requests", "services/road"):
        assert geo.get(path, fmt, jurisdiction_id="nowhere").status_code == 404


def _file_at(geo, moment, description):
    number = geo.post("json", **road_form(description=description)).data[0]["service_request_id"]
    Case.objects.filter(number=number).update(received_at=moment)
    ServiceRequest.objects.filter(case__number=number).update(requested_at=moment)
    return number


def _ids(geo, **params):
    response = geo.get("requests", "json", "requests", **params)
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.data]


def test_date_ranges_are_inclusive_and_read_in_any_time_zone(geo, world):
    # A request at 2026-11-30 23:30 in Shanghai is 15:30 UTC: the same moment however the client writes it.
    at = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)
    number = _file_at(geo, at, "时区")
    assert _ids(geo, start_date="2026-11-30", end_date="2026-11-30") == [number]  # whole Shanghai day
    assert _ids(geo, start_date="2026-11-30T15:30:00Z", end_date="2026-11-30T15:30:00Z") == [number]
    assert _ids(geo, start_date="2026-11-30T23:30:00+08:00", end_date="2026-12-01T00:00:00+08:00") == [number]
    assert _ids(geo, start_date="2026-11-30T10:30:00-05:00", end_date="2026-11-30T10:30:00-05:00") == [number]
    assert _ids(geo, start_date="2026-11-30T23:30:00", end_date="2026-11-30T23:30:00") == [number]  # no zone
    assert _ids(geo, start_date="2026-12-01", end_date="2026-12-02") == []  # the next Shanghai day
    assert _ids(geo, start_date="2026-11-30T23:30:01+08:00") == []


def test_the_default_window_is_the_last_90_days_and_a_wider_one_is_refused(geo, world):
    now = timezone.now()
    recent = _file_at(geo, now - timedelta(days=89), "近期")
    _file_at(geo, now - timedelta(days=91), "过期")
    assert _ids(geo) == [recent]
    assert _ids(geo, service_request_id="") == [recent]
    day = timezone.localdate()
    ninety_days = {"start_date": str(day - timedelta(days=99)), "end_date": str(day - timedelta(days=10))}
    assert geo.get("requests", "json", "requests", **ninety_days).status_code == 200  # both days whole
    too_wide = geo.get(
        "requests", "json", start_date=str(day - timedelta(days=100)), end_date=str(day - timedelta(days=10))
    )
    assert too_wide.status_code == 400 and too_wide.data[0]["description"].startswith("end_date:")
    backwards = geo.get("requests", "json", start_date="2026-12-02", end_date="2026-12-01")
    assert backwards.status_code == 400
    for bad in ("yesterday", "2026-13-01", "2026-11-31T25:00", "0000-01-01"):
        assert geo.get("requests", "json", start_date=bad).status_code == 400, bad


def test_filters_by_service_status_and_ids_and_ids_override_the_window(geo, world, county):
    old = _file_at(geo, timezone.now() - timedelta(days=200), "旧")
    road = geo.post("json", **road_form(description="路")).data[0]["service_request_id"]
    water = geo.post("json", **road_form(service_code="water", description="水")).data[0]["service_request_id"]
    Case.objects.filter(number=water).update(status=CaseStatus.COMPLETED)
    assert _ids(geo, service_code="road") == [road]
    assert set(_ids(geo, service_code="road,water")) == {road, water}
    assert _ids(geo, status="closed") == [water]
    assert _ids(geo, status="open", service_code="water") == []
    assert set(_ids(geo, service_request_id=f"{old},{water}", status="open")) == {old, water}
    assert geo.get("requests", "json", status="pending").status_code == 400


def test_at_most_1000_requests_are_listed_newest_first_in_a_fixed_number_of_queries(
    geo, world, django_assert_max_num_queries
):
    number = geo.post("json", **road_form()).data[0]["service_request_id"]
    first = ServiceRequest.objects.select_related("case").get()
    case = first.case
    start = timezone.now() - timedelta(days=10)
    cases, requests = [], []
    for index in range(1001):
        clone = Case(
            **{f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields if not f.primary_key},
        )
        clone.number = f"20990101-{index:05d}"
        clone.received_at = start + timedelta(minutes=index)
        cases.append(clone)
    Case.objects.bulk_create(cases)
    for index, clone in enumerate(Case.objects.filter(number__startswith="20990101-").order_by("number")):
        requests.append(
            ServiceRequest(
                case=clone,
                client=first.client,
                jurisdiction=first.jurisdiction,
                category=first.category,
                requested_at=clone.received_at,
                token=f"t{index}",
                retry_key=f"r{index}",
            )
        )
    ServiceRequest.objects.bulk_create(requests)
    with django_assert_max_num_queries(2):
        listed = geo.get("requests", "json", "requests")
    ids = [r["service_request_id"] for r in listed.data]
    assert len(ids) == 1000 and ids[0] == number and ids[1] == "20990101-01000"
    with django_assert_max_num_queries(3):
        assert geo.get("requests", "xml").status_code == 200
    with django_assert_max_num_queries(2):
        assert geo.get("services", "json", "services").status_code == 200


def test_only_requests_filed_through_open311_are_listed(geo, world, county):
    from bianmin.cases.services import create_case

    create_case(
        actor=county.people["cadre_a"],
        channel=Channel.HOTLINE,
        kind="help",
        title="热线来电",
        content="热线来电内容",
        citizen_name="李四",
        citizen_phone="13900000000",
        village=county["huanhua"],
    )
    assert _ids(geo) == []
    number = Case.objects.get().number
    assert geo.get(f"requests/{number}", "json").status_code == 404


def test_other_methods_are_refused_in_the_format_asked(geo, world):
    response = geo.client.put("/open311/v2/services.json")
    assert response.status_code == 405 and response.json()[0]["code"] == 405
    assert geo.client.post("/open311/v2/services.xml").status_code == 405
    assert geo.client.get("/open311/v2/requests.csv").status_code == 404
