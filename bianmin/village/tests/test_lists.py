"""The API's lists: cut by the platform's pagination (limit and offset bounded, the whole count kept), filtered
by a unit of the caller's scope, and read in a number of queries that does not grow with the page."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.pagination import MAX_OFFSET
from bianmin.village import services
from bianmin.village.tests.factories import published


def drafts(village, n: int) -> None:
    for i in range(n):
        services.draft_publication(
            actor=village.people["cadre_a"],
            village=village["huanhua"],
            category="village",
            title=f"第{i}号",
            body="正文",
        )


def test_a_list_is_paged_with_its_whole_count_and_refuses_pages_out_of_bounds(village, api_as):
    drafts(village, 5)
    api = api_as(village.people["cadre_a"])
    first = api.get("/village/publications", limit=2).json()
    last = api.get("/village/publications", limit=2, offset=4).json()
    assert (len(first["items"]), first["count"]) == (2, 5) and (len(last["items"]), last["count"]) == (1, 5)
    assert [p["title"] for p in first["items"]] == ["第4号", "第3号"]  # newest first
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"offset": MAX_OFFSET + 1}):
        refused = api.get("/village/publications", **bad)
        assert refused.status_code == 422 and refused.json()["code"] == "validation_error", bad
    # The unit filter narrows to a village of the caller's scope; another's is a field error
    assert api.get("/village/publications", unit=village["huanhua"].code).json()["count"] == 5
    outside = api.get("/village/publications", unit=village["shima"].code)
    assert outside.status_code == 400 and "unit" in outside.json()["fields"]


def test_the_public_list_is_paged_too(village, api_as):
    for i in range(3):
        published(village["huanhua"], village.people["cadre_a"], village.people["monitor"], title=f"公开{i}")
    anonymous = api_as(None)
    page = anonymous.get(f"/village/public/{village['huanhua'].code}/publications", limit=1, offset=1).json()
    assert page["count"] == 3 and [p["title"] for p in page["items"]] == ["公开1"]


def test_a_page_costs_the_same_queries_whatever_its_length(village, api_as):
    drafts(village, 12)
    api = api_as(village.people["township_leader"])
    counts = []
    for limit in (2, 12):
        api.get("/village/publications", limit=1)  # the token and the scope are read once per worker
        with CaptureQueriesContext(connection) as queries:
            assert len(api.get("/village/publications", limit=limit).json()["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]
