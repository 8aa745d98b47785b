"""Duplicate suggestions on intake."""

from __future__ import annotations

from datetime import timedelta

from bianmin.cases.models import Case
from bianmin.cases.tests.factories import new_case
from bianmin.cases.triage import similar_open_cases, similarity


def test_similar_text_scores_high_and_unrelated_text_low():
    a = "浣花村三组到四组的村道雨后塌方，摩托车无法通行"
    assert similarity(a, "三组到四组村道塌方了，车过不去") > 0.2
    assert similarity(a, "咨询城乡居民养老保险缴费档次") == 0.0
    assert (
        similarity("村道塌方 三组到四组的村道塌方，摩托车无法通行", "村道塌方 村道三组到四组塌方了，摩托车过不去") > 0.3
    )


def test_intake_suggests_open_cases_of_the_same_village_with_similar_text(county, api_as):
    cadre = county.people["cadre_a"]
    first = new_case(cadre, village=county["huanhua"], content="三组到四组的村道塌方，摩托车无法通行")
    new_case(cadre, village=county["huanhua"], title="咨询养老保险", content="城乡居民养老保险缴费档次是多少")
    new_case(county.people["cadre_b"], village=county["shima"], content="三组到四组的村道塌方，摩托车无法通行")
    second = new_case(cadre, village=county["huanhua"], content="村道三组到四组塌方了，摩托车过不去")
    assert [s.number for s in similar_open_cases(second, Case.objects.all())] == [first.number]
    found = api_as(cadre).get(f"/cases/{second.number}/similar").json()  # searched when asked for
    assert [s["number"] for s in found] == [first.number]
    assert "similar" not in api_as(cadre).get(f"/cases/{second.number}").json()


def test_old_or_closed_cases_are_not_suggested(county):
    cadre = county.people["cadre_a"]
    old = new_case(cadre, village=county["huanhua"])
    from django.utils import timezone

    from bianmin.cases.models import Case

    Case.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    done = new_case(cadre, village=county["huanhua"])
    Case.objects.filter(pk=done.pk).update(status="closed")
    fresh = new_case(cadre, village=county["huanhua"])
    assert similar_open_cases(fresh, Case.objects.all()) == []


def test_suggestions_never_show_a_case_outside_the_viewers_scope(county, api_as):
    from bianmin.cases.services import perform

    cadre = county.people["cadre_a"]
    first = new_case(cadre, village=county["huanhua"], content="三组到四组的村道塌方，摩托车无法通行")
    second = new_case(cadre, village=county["huanhua"], content="村道三组到四组塌方了，摩托车过不去")
    perform(second, "transfer", actor=county.people["county_admin"], to_unit="500236-RSJ")
    dept = api_as(county.people["dept"]).get(f"/cases/{second.number}/similar").json()
    assert dept == []  # 浣花村's own case is not the department's to see
    leader = api_as(county.people["county_admin"]).get(f"/cases/{second.number}/similar").json()
    assert [s["number"] for s in leader] == [first.number]


def test_every_persona_reaches_the_suggestions_exactly_where_they_reach_the_case(county, api_as):
    """GET /cases/{number}/similar answers as the case's detail does: 404 outside the caller's scope; inside it,
    suggestions only for those who handle or supervise the case, among the cases they see (a viewer gets an
    empty list, and the case's own citizen sees no one else's case)."""
    from bianmin.org.tests.test_api_permissions import PERSONAS

    cadre = county.people["cadre_a"]
    first = new_case(cadre, village=county["huanhua"], content="三组到四组的村道塌方，摩托车无法通行")
    second = new_case(
        cadre,
        village=county["huanhua"],
        content="村道三组到四组塌方了，摩托车过不去",
        citizen=county.people["villager"],
    )
    for persona in PERSONAS:
        api = api_as(county.people[persona])
        detail, found = api.get(f"/cases/{second.number}"), api.get(f"/cases/{second.number}/similar")
        assert found.status_code == detail.status_code, persona
        if found.status_code == 404:
            continue
        numbers = [s["number"] for s in found.json()]
        handles = detail.json()["citizen_phone"] == second.citizen_phone and persona != "villager"
        assert numbers == ([first.number] if handles else []), persona
