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
    body = api_as(cadre).get(f"/cases/{second.number}").json()
    assert [s["number"] for s in body["similar"]] == [first.number]


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
    dept = api_as(county.people["dept"]).get(f"/cases/{second.number}").json()
    assert dept["similar"] == []  # 浣花村's own case is not the department's to see
    leader = api_as(county.people["county_admin"]).get(f"/cases/{second.number}").json()
    assert [s["number"] for s in leader["similar"]] == [first.number]
