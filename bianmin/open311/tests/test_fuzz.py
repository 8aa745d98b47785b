"""GeoReport v2 fuzzed: whatever a client sends to any route (paths, query parameters, forms, methods), the
answer is a 2xx/4xx in the format the path asks for, valid against the shipped schemas, never a 500."""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bianmin.open311.tests.conftest import check_xml, road_form

PATHS = [
    "discovery",
    "services",
    "services/road",
    "requests",
    "requests/20261206-00001",
    "tokens/abc",
    "servicerequestupdates",
]
NAMES = [
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "jurisdiction_id",
    "lat",
    "long",
    "address_string",
    "address_id",
    "attribute[damage]",
    "attribute[hazards][]",
    "attribute[width]",
    "description",
    "media_url",
    "phone",
    "email",
    "first_name",
    "last_name",
    "api_key",
]
# Values that reach the edges: dates of every shape, numbers out of range, control characters, long text.
EDGES = st.sampled_from(
    [
        "",
        "2026-12-01",
        "2026-12-01T08:00:00Z",
        "2026-12-01T08:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "0001-01-01",
        "2026-02-30",
        "NaN",
        "Infinity",
        "-1e999",
        "1e-999",
        "open",
        "closed,open",
        ",,,",
        "\x00",
        "\x1f\x7f",
        "\ud7ff\ue000",
        "𠀀" * 300,
        "x" * 5000,
        "collapse",
        "500236101201",
        "https://x.cn/" + "a" * 600,
    ]
)
VALUES = st.one_of(EDGES, st.text(max_size=60))


@given(
    path=st.one_of(st.sampled_from(PATHS), st.text(max_size=30).filter(lambda p: "?" not in p and "#" not in p)),
    fmt=st.sampled_from(["json", "xml", "csv", ""]),
    method=st.sampled_from(["get", "get", "post", "put", "delete"]),
    params=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6),
    valid=st.booleans(),
)
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
)
def _fuzz(geo, path: str, fmt: str, method: str, params: dict[str, str], valid: bool) -> None:
    url = f"/open311/v2/{path}.{fmt}" if fmt else f"/open311/v2/{path}"
    if method == "post":
        fields = {**(road_form() if valid else {}), "api_key": geo.key, **params}
        response = geo.client.post(f"/open311/v2/requests.{fmt or 'json'}", fields)
    else:
        response = getattr(geo.client, method)(url, params) if method == "get" else getattr(geo.client, method)(url)
    assert response.status_code < 500, (url, params, response.content[:500])
    if response["Content-Type"].startswith("application/json"):
        json.loads(response.content)
    elif response["Content-Type"].startswith("text/xml"):
        check_xml(response.content)  # even an error body is valid GeoReport v2


def test_no_input_makes_a_500(geo, world):
    _fuzz(geo)


def test_a_nul_or_a_broken_character_in_the_path_or_query_is_a_client_error(geo, world):
    for query in ("start_date=%00", "service_code=%ED%A0%80", "status=%FF%FE", "service_request_id=" + "1," * 2000):
        response = geo.client.get(f"/open311/v2/requests.json?{query}")
        assert 200 <= response.status_code < 500, query
    for path in ("services/%00", "requests/%ED%A0%80", "tokens/%FF", "services/" + "a" * 64, "requests/a%2Fb"):
        response = geo.client.get(f"/open311/v2/{path}.json")
        assert 400 <= response.status_code < 500, path
