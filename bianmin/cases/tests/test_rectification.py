"""The 差评 loop (DESIGN §4.4, issue 19 item 8) as the people in it would check it: a bad rating opens a
rectification due in 5 working days and owes the citizen a callback; the unit rectifies and calls back; an
upheld appeal lifts both; the citizen asks from the tracking page for the case to be handled again within 7
days; the figures show what is open and overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from bianmin.cases import sla
from bianmin.cases.choices import CaseStatus
from bianmin.cases.models import Case
from bianmin.cases.services import allowed_actions, perform
from bianmin.cases.tests.factories import new_case
from bianmin.errors import Conflict

PHONE = "13700005678"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=sla.SHANGHAI)


def rated(county, rating: int, when: datetime | None = None, **overrides) -> Case:
    """A case of 浣花村 answered and then rated `rating` by its citizen (at `when`, else now)."""
    cadre = county.people["cadre_a"]
    received = when - timedelta(hours=2) if when else None
    case = new_case(cadre, village=county["huanhua"], citizen_phone=PHONE, received_at=received, **overrides)
    case = perform(case, "answer", actor=cadre, reply="已修复。", at=when - timedelta(hours=1) if when else None)
    return perform(case, "rate", actor=None, by_citizen=True, rating=rating, at=when)


def offered(case: Case, user) -> set[str]:
    return {t.action for t in allowed_actions(case, user)}


def test_a_bad_rating_opens_a_rectification_due_in_5_working_days_and_a_callback(county):
    case = rated(county, 2, at("2026-09-29T10:00"))
    # 30 September, then National Day (1–7 October), then 8, 9, 10 (a make-up Saturday) and 12 October.
    assert case.rectify_due_at == at("2026-10-12T23:59:59")
    cadre, supervisor = county.people["cadre_a"], county.people["supervisor"]
    assert {"rectify", "call_back", "appeal_rating"} <= offered(case, cadre)
    assert "call_back" in offered(case, supervisor) and "rectify" not in offered(case, supervisor)
    case = perform(case, "rectify", actor=cadre, note="重新硬化路面并加装护栏", at=at("2026-10-13T09:00"))
    late = case.events.order_by("-seq").first()
    assert (late.action, late.data) == ("rectify", {"on_time": False})  # a day past the deadline
    with pytest.raises(Conflict):
        perform(case, "rectify", actor=cadre, note="再次整改", at=at("2026-10-13T10:00"))
    case = perform(case, "call_back", actor=supervisor, note="群众认可整改结果", at=at("2026-10-13T11:00"))
    assert case.called_back_at == at("2026-10-13T11:00")
    assert not {"rectify", "call_back"} & offered(case, cadre)
    good = rated(county, 4, at("2026-09-29T10:00"))
    assert good.rectify_due_at is None and not {"rectify", "call_back"} & offered(good, cadre)


def test_an_upheld_appeal_lifts_the_rectification_and_the_callback(county):
    case = rated(county, 1)
    cadre, supervisor = county.people["cadre_a"], county.people["township_admin"]
    case = perform(case, "appeal_rating", actor=cadre, reason="评价人与本事项无关，系恶意差评")
    case = perform(case, "review_appeal", actor=supervisor, decision="upheld", note="经核实属恶意差评")
    assert case.rectify_due_at is None and not {"rectify", "call_back"} & offered(case, cadre)


def test_the_figures_show_open_and_overdue_rectifications_and_callbacks(county, api_as):
    now = timezone.now()
    old, fresh = rated(county, 1, now - timedelta(days=20)), rated(county, 2)
    rated(county, 5)
    api = api_as(county.people["township_leader"])
    # Report periods are days in Asia/Shanghai (from 16:00 UTC the UTC date is a day behind)
    today = timezone.localdate(now)
    period = {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()}

    def figures() -> dict:
        body = api.get("/reports/rectification", **period).json()
        names = ("bad_ratings", "rectifications_open", "rectifications_overdue", "callbacks_owed")
        return {name: body[name] for name in (*names, "callbacks_overdue", "callback_rate")}

    assert figures() == {
        "bad_ratings": 2,
        "rectifications_open": 2,
        "rectifications_overdue": 1,
        "callbacks_owed": 2,
        "callbacks_overdue": 1,
        "callback_rate": 0.0,
    }
    cadre = county.people["cadre_a"]
    perform(old, "rectify", actor=cadre, note="已整改")
    perform(old, "call_back", actor=cadre, note="已回访")
    perform(fresh, "call_back", actor=cadre, note="已回访")
    assert figures() == {
        "bad_ratings": 2,
        "rectifications_open": 1,
        "rectifications_overdue": 0,
        "callbacks_owed": 0,
        "callbacks_overdue": 0,
        "callback_rate": 100.0,
    }
    client = api.client
    client.force_login(county.people["township_leader"])
    page = client.get("/reports/", period).content.decode()
    assert "差评整改与回访" in page and "回访率" in page


def test_an_unsatisfied_citizen_asks_from_the_tracking_page_to_reopen_within_7_days(county, client):
    case = rated(county, 2)
    proof = {"number": case.number, "phone_tail": PHONE[-4:]}
    shown = client.post("/service/track/", proof, follow=True).content.decode()
    assert "承办单位将回访您" in shown and "申请重办" in shown
    asked = client.post("/service/track/", {"number": case.number, "reason": "路面又塌了"})
    assert asked.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.reopen_count, case.rectify_due_at) == (CaseStatus.IN_PROGRESS, 1, None)
    reopen = case.events.order_by("-seq").first()
    assert (reopen.action, reopen.note, reopen.data["by"]) == ("reopen", "路面又塌了", "citizen")


def test_a_satisfied_or_late_citizen_is_not_offered_reopening(county, client):
    satisfied = rated(county, 4)
    late = rated(county, 1, timezone.now() - timedelta(days=8))
    for case in (satisfied, late):
        body = {"phone_tail": PHONE[-4:], "reason": "还是没解决"}
        tracked = client.post(
            f"/api/v1/public/cases/{case.number}/track", {"phone_tail": PHONE[-4:]}, content_type="application/json"
        ).json()
        assert tracked["can_reopen"] is False, case.rating
        refused = client.post(f"/api/v1/public/cases/{case.number}/reopen", body, content_type="application/json")
        assert refused.status_code == 409, refused.content
        assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    late_tracked = client.post(
        f"/api/v1/public/cases/{late.number}/track", {"phone_tail": PHONE[-4:]}, content_type="application/json"
    )
    assert late_tracked.json()["callback_due"]  # late to reopen, but still owed a callback
