"""Query budgets of the calls a lifecycle makes (issue 6, DESIGN §7): create → assign → complete (答复办结)
→ search by number, plus the list and the detail. Each call costs a fixed number of queries, whatever the
number of cases in the table or events in the case, so a later change cannot quietly add per-row queries
or a scan; raising a budget should be a decision, not an accident. A budget is an upper bound: a change that
saves a query passes (and should lower the budget)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.cases.tests.factories import new_case

# Token lookup (the caller's grants and scope, and unit rows, are kept by the worker while the org version the
# token lookup reads stays the same), then the work itself. Writes also return the case's detail. Both databases
# spend the same: an action reads the case, then writes it in one transaction guarded by its version (the case's
# UPDATE, the previous event closed, the new event, its messages; here, inside the test's transaction, under a
# savepoint).
BUDGET = {"create": 11, "assign": 12, "complete": 12, "search": 2, "list": 3, "detail": 5}


def over(counts: dict[str, int], limits: dict[str, int]) -> list[str]:
    """The calls that cost more queries than `limits` allow: a budget is an upper bound, and a change that
    saves a query keeps to it (lower the budget then, so the saving stays)."""
    assert set(counts) == set(limits), f"calls measured {sorted(counts)}, budgeted {sorted(limits)}"
    return [f"{call}: {counts[call]} queries, at most {limits[call]}" for call in limits if counts[call] > limits[call]]


def lifecycle(api: Any, village: str) -> dict[str, int]:
    counts: dict[str, int] = {}

    def call(name: str, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        with CaptureQueriesContext(connection) as queries:
            response = api.post(path, body) if method == "POST" else api.get(path)
        assert response.status_code == expect, response.content
        counts[name] = len(queries)
        return response.json()

    intake = {
        "channel": "hotline",
        "kind": "help",
        "title": "五组停水",
        "content": "五组自来水停水三天。",
        "citizen_name": "刘",
        "citizen_phone": "13700005678",
        "village": village,
    }
    case = call("create", "POST", "/cases", intake, expect=201)
    actions = f"/cases/{case['number']}/actions"
    case = call("assign", "POST", f"{actions}/assign", {"version": case["version"], "handler": "township_staff"})
    case = call("complete", "POST", f"{actions}/answer", {"version": case["version"], "reply": "已恢复供水。"})
    found = call("search", "GET", f"/cases?q={case['number']}")
    assert found["count"] == 1 and found["items"][0]["status"] == "completed"
    call("list", "GET", "/cases?status=accepted&status=in_progress&status=completed")
    call("detail", "GET", f"/cases/{case['number']}")
    return counts


def test_a_lifecycle_keeps_to_its_query_budget_and_does_not_grow_with_the_table(county, api_as):
    api = api_as(county.people["township_staff"])
    village = county["huanhua"].code
    lifecycle(api, village)  # warm the per-process caches (calendar, content types)
    first = lifecycle(api, village)
    assert over(first, BUDGET) == []
    for _ in range(12):
        case = new_case(county.people["cadre_a"], village=county["huanhua"])
        new_case(county.people["cadre_a"], village=county["huanhua"], title=f"{case.number} 的重复反映")
    # With 24 more cases in the table, no call costs more than it did.
    assert over(lifecycle(api, village), first) == []


# With `Prefer: return=minimal` a write answers with the case's reference, read from the row it wrote.
MINIMAL_BUDGET = {"create": 6, "assign": 7, "complete": 8, "search": 2, "list": 3, "detail": 5}


def test_a_lifecycle_with_minimal_answers_reads_nothing_after_the_write(county, api_as):
    api = api_as(county.people["township_staff"])
    api.headers["Prefer"] = "return=minimal"
    village = county["huanhua"].code
    lifecycle(api, village)
    assert over(lifecycle(api, village), MINIMAL_BUDGET) == []


def test_a_minimal_answer_carries_what_the_next_call_needs(county, api_as):
    api = api_as(county.people["township_staff"])
    api.headers["Prefer"] = "return=minimal"
    intake = {
        "channel": "hotline",
        "kind": "help",
        "title": "五组停水",
        "content": "五组自来水停水三天。",
        "citizen_name": "刘",
        "citizen_phone": "13700005678",
        "village": county["huanhua"].code,
    }
    created = api.post("/cases", intake)
    assert created.status_code == 201 and created["Preference-Applied"] == "return=minimal"
    body = created.json()
    assert set(body) == {"number", "version", "status", "status_label", "due_at"}
    assigned = api.post(
        f"/cases/{body['number']}/actions/assign", {"version": body["version"], "handler": "township_staff"}
    ).json()
    assert (assigned["version"], assigned["status"], assigned["status_label"]) == (2, "in_progress", "办理中")
    assert (
        "已答复".encode() in api.post(f"/cases/{body['number']}/actions/reply", {"version": 2, "reply": "好"}).content
    )
    stale = api.post(f"/cases/{body['number']}/actions/answer", {"version": 1, "reply": "已恢复供水。"})
    assert stale.status_code == 409  # errors are the same whatever the preference


def test_a_scope_too_large_for_a_literal_list_sees_the_same_cases(county, monkeypatch):
    """Up to LITERAL_UNITS units a scope goes to the database as a list of ids, beyond it as a subquery
    (a province would pass SQLite's limit on parameters): both must show exactly the same cases."""
    from bianmin.cases.models import Case
    from bianmin.org import scope
    from bianmin.org.models import User
    from bianmin.org.permissions import Permission

    new_case(county.people["cadre_a"], village=county["huanhua"])
    new_case(county.people["cadre_b"])
    new_case(county.people["outsider"], village=county["other_village"])
    listed = scope.LITERAL_UNITS
    for persona in ("villager", "cadre_a", "township_staff", "supervisor", "dept", "outsider"):
        seen = {}
        for limit in (listed, 0):
            monkeypatch.setattr(scope, "LITERAL_UNITS", limit)
            user = User.objects.get(pk=county.people[persona].pk)  # a fresh object: no cached scope
            seen[limit] = sorted(Case.objects.restrict(user, Permission.CASE_VIEW).values_list("number", flat=True))
        assert seen[0] == seen[listed], persona
        assert persona in ("villager", "dept") or seen[0], persona  # the scoped staff do see cases


# An application's detail adds its application row with the item, the materials and the notices (three
# queries), whatever the number of notices or events. Filing also finds the item, the applicant's own
# account and the township; the notice reads the materials, stores the PDF and tells the applicant.
# A notice takes the next number of its series (one upsert) in a transaction around the action (a savepoint).
APPLICATION_BUDGET = {"file": 18, "notice": 23, "detail": 8}


def test_an_application_keeps_to_its_query_budget(county, items, api_as):
    cadre, township = api_as(county.people["cadre_a"]), api_as(county.people["township_staff"])
    filing = {
        "channel": "village_hall",
        "kind": "application",
        "item": items.allowance.code,
        "citizen_name": "王秀英",
        "citizen_phone": "13900001111",
        "village": county["huanhua"].code,
    }

    def counts() -> dict[str, int]:
        seen: dict[str, int] = {}
        with CaptureQueriesContext(connection) as queries:
            filed = cadre.post("/cases", filing)
        assert filed.status_code == 201, filed.content  # a refused call would cost fewer queries
        case = filed.json()
        seen["file"] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            notice = township.post(
                f"/cases/{case['number']}/actions/request_supplement", {"version": case["version"], "missing": [1]}
            )
        assert notice.status_code == 200, notice.content
        seen["notice"] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            assert township.get(f"/cases/{case['number']}").status_code == 200
        seen["detail"] = len(queries)
        return seen

    cadre.get("/cases"), township.get("/cases")  # each token's first use records it (a write)
    counts()  # warm the per-process caches (calendar, font)
    first = counts()
    assert over(first, APPLICATION_BUDGET) == []
    # A second application, with the first one's notice and events in the tables: no call costs more.
    assert over(counts(), first) == []
