"""The end-to-end loop: a request filed through Open311 is a case in the staff's workbench, handled there through
`perform` like any other, and its closed status, reply, agency and times read back through Open311 and the
FixMyStreet updates extension. No response body carries the citizen's contact details."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from bianmin.cases.choices import CaseStatus
from bianmin.cases.models import Case
from bianmin.cases.services import perform
from bianmin.cases.workflow import Action
from bianmin.open311.models import ServiceRequest
from bianmin.open311.tests.conftest import CONTACT, road_form

REPLY = "已组织抢修，道路恢复通行。"


def test_a_request_is_handled_in_the_workbench_and_its_closed_status_and_reply_read_back(geo, world, county, api_as):
    number = geo.post("json", **road_form()).data[0]["service_request_id"]
    cadre = county.people["cadre_a"]
    # The village's cadre finds it among the cases awaiting acceptance, as any web submission
    listed = api_as(cadre).get("/cases", status="submitted")
    assert number in [c["number"] for c in listed.json()["items"]]
    case = perform(number, Action.ACCEPT, actor=cadre)
    assert geo.get(f"requests/{number}", "json", "requests").data[0]["status"] == "open"
    # Transferred to the township: the agency responsible follows the case
    perform(case, Action.TRANSFER, actor=cadre, to_unit=county["baidi"])
    moved = geo.get(f"requests/{number}", "json", "requests").data[0]
    assert moved["agency_responsible"] == "白帝镇" and moved["status_notes"] == str(CaseStatus.ACCEPTED.label)
    leader = county.people["township_leader"]
    perform(number, Action.REPLY, actor=leader, reply=REPLY)
    replied = geo.get(f"requests/{number}", "json", "requests").data[0]
    assert (replied["status"], replied["status_notes"]) == ("open", REPLY)
    perform(number, Action.COMPLETE, actor=leader)
    for fmt in ("json", "xml"):
        done = geo.get(f"requests/{number}", fmt, "requests")
        if fmt == "json":
            request = done.data[0]
            assert (request["status"], request["status_notes"]) == ("closed", REPLY)
            assert request["updated_datetime"] >= request["requested_datetime"]
        else:
            assert [e.text for e in done.document.iter("status")] == ["closed"]
            assert [e.text for e in done.document.iter("status_notes")] == [REPLY]
    assert geo.get("requests", "json", "requests", status="closed").data[0]["service_request_id"] == number
    # The citizen rates it through the public tracking, as any case
    rated = perform(number, Action.RATE, actor=None, by_citizen=True, rating=5)
    assert rated.status == CaseStatus.CLOSED


def test_a_merged_request_shows_its_masters_reply(geo, world, county):
    first = geo.post("json", **road_form()).data[0]["service_request_id"]
    second = geo.post("json", **road_form(description="同一处塌方")).data[0]["service_request_id"]
    cadre = county.people["cadre_a"]
    perform(second, Action.MERGE, actor=cadre, master=Case.objects.get(number=first))
    perform(first, Action.ACCEPT, actor=cadre)
    perform(first, Action.REPLY, actor=cadre, reply=REPLY)
    merged = geo.get(f"requests/{second}", "json", "requests").data[0]
    assert (merged["status"], merged["status_notes"]) == ("closed", REPLY)


@override_settings(OPEN311_UPDATES=True)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_updates_extension_lists_the_public_steps_since_a_time(geo, world, county, fmt):
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    number = geo.post("json", **road_form()).data[0]["service_request_id"]
    cadre = county.people["cadre_a"]
    perform(number, Action.ACCEPT, actor=cadre)
    perform(number, Action.CLASSIFY, actor=cadre, classification="reasonable")  # internal: not published
    perform(number, Action.REPLY, actor=cadre, reply=REPLY)
    perform(number, Action.COMPLETE, actor=cadre, note="内部备注：已核实")
    response = geo.get("servicerequestupdates", fmt, "updates", start_date=since)
    assert response.status_code == 200
    if fmt == "json":
        steps = [(u["service_request_id"], u["status"], u["description"]) for u in response.data]
        assert steps == [
            (number, "investigating", str(Action.ACCEPT.label)),
            (number, "in_progress", REPLY),
            (number, "fixed", str(Action.COMPLETE.label)),
        ]
    else:
        assert [e.text for e in response.document.iter("status")] == ["investigating", "in_progress", "fixed"]
    assert b"\xe5\x86\x85\xe9\x83\xa8" not in response.content  # 内部: the completion's staff note stays inside
    empty = geo.get("servicerequestupdates", fmt, "updates", start_date="2026-01-01", end_date="2026-01-02")
    assert empty.status_code == 200


@override_settings(OPEN311_UPDATES=True)
def test_updates_and_single_reads_take_a_fixed_number_of_queries(geo, world, county, django_assert_max_num_queries):
    cadre = county.people["cadre_a"]
    for index in range(6):
        number = geo.post("json", **road_form(description=f"第{index}处")).data[0]["service_request_id"]
        perform(number, Action.ACCEPT, actor=cadre)
        perform(number, Action.TRANSFER, actor=cadre, to_unit=county["baidi"])
    token = ServiceRequest.objects.first().token
    with django_assert_max_num_queries(1):
        assert len(geo.get("servicerequestupdates", "json", "updates").data) == 12
    with django_assert_max_num_queries(1):
        assert geo.get(f"requests/{number}", "xml").status_code == 200
    with django_assert_max_num_queries(1):
        assert geo.get(f"tokens/{token}", "json", "token").status_code == 200
    with django_assert_max_num_queries(3):  # the definition: the category and its attributes
        assert geo.get("services/road", "json", "service_definition").status_code == 200


def test_the_updates_extension_is_off_unless_the_setting_turns_it_on(geo, world):
    assert geo.get("servicerequestupdates", "json").status_code == 404


@override_settings(OPEN311_UPDATES=True)
def test_no_answer_carries_the_citizens_contact_details(geo, world, county):
    number = geo.post("json", **road_form()).data[0]["service_request_id"]
    token = geo.post("json", **road_form()).data[0]["token"]
    cadre = county.people["cadre_a"]
    perform(number, Action.ANSWER, actor=cadre, reply=REPLY)
    bodies = []
    for fmt in ("json", "xml"):
        for path in (
            "discovery",
            "services",
            "services/road",
            "requests",
            f"requests/{number}",
            f"tokens/{token}",
            "servicerequestupdates",
        ):
            bodies.append(geo.client.get(f"/open311/v2/{path}.{fmt}").content.decode())
        bodies.append(geo.client.post(f"/open311/v2/requests.{fmt}", {"api_key": world.secret, **road_form()}).content)
    text = "\n".join(b if isinstance(b, str) else b.decode() for b in bodies)
    assert number in text
    for value in [*CONTACT.values(), "5678", "张大山"]:
        assert value not in text, value
