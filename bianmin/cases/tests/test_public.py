"""The citizen's pages' API: submit without an account, track by number + phone tail, rate."""

from __future__ import annotations

from django.test import Client

from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.services import create_case, perform

FORM = {
    "kind": "help",
    "title": "自来水停了三天",
    "content": "浣花村五组自来水已经停了三天，老人取水困难。",
    "citizen_name": "刘秀英",
    "citizen_phone": "13700005678",
    "village": "500236101201",
}


def submit(client: Client, body: dict, address: str = "10.0.0.1"):
    return client.post("/api/v1/public/cases", body, content_type="application/json", REMOTE_ADDR=address)


def track(client: Client, number: str, tail: str, address: str = "10.0.0.1"):
    body = {"phone_tail": tail}
    return client.post(
        f"/api/v1/public/cases/{number}/track", body, content_type="application/json", REMOTE_ADDR=address
    )


def test_a_citizen_submits_and_the_village_accepts(county, client, api_as):
    response = submit(client, FORM)
    assert response.status_code == 201
    number = response.json()["number"]
    case = Case.objects.get(number=number)
    assert (case.status, case.unit, case.channel, case.created_by) == ("submitted", county["huanhua"], "web", None)
    cadre = api_as(county.people["cadre_a"])
    assert number in {c["number"] for c in cadre.get("/cases", status="submitted").json()["items"]}
    accepted = cadre.post(f"/cases/{number}/actions/accept", {"version": case.version})
    assert accepted.json()["status"] == "accepted"


def test_tracking_needs_the_phone_tail_and_cannot_tell_a_wrong_tail_from_a_wrong_number(county, client):
    number = submit(client, FORM).json()["number"]
    ok = track(client, number, "5678")
    assert ok.status_code == 200 and ok.json()["status_label"] == "待受理"
    wrong_tail, wrong_number = track(client, number, "0000"), track(client, "20991231-00001", "5678")
    assert wrong_tail.status_code == wrong_number.status_code == 404
    assert wrong_tail.json() == wrong_number.json()
    assert track(client, number, "56").status_code == 422


def test_the_public_history_names_no_staff_and_shows_no_notes(county, client):
    number = submit(client, FORM).json()["number"]
    case = Case.objects.get(number=number)
    perform(case, "accept", actor=county.people["cadre_a"])
    case = perform(Case.objects.get(pk=case.pk), "pause", actor=county.people["cadre_a"], reason="内部备注：待核实")
    body = track(client, number, "5678").json()
    assert [e["action_label"] for e in body["events"]] == ["登记", "受理", "挂起（等待群众）"]
    assert "内部备注" not in str(body) and "cadre_a" not in str(body)
    assert [e["unit"] for e in body["events"]] == ["浣花村"] * 3  # who holds the matter at each step
    case = perform(Case.objects.get(pk=case.pk), "resume", actor=county.people["cadre_a"])
    perform(case, "reply", actor=county.people["cadre_a"], reply="已抢修恢复供水")
    replied = track(client, number, "5678").json()["events"][-1]
    assert (replied["action_label"], replied["public_note"]) == ("答复", "已抢修恢复供水")


def test_submissions_are_throttled_per_address_and_per_phone(county, client):
    for i in range(3):
        assert submit(client, FORM, address=f"10.0.1.{i}").status_code == 201
    blocked = submit(client, FORM, address="10.0.1.9")
    assert blocked.status_code == 429 and blocked.json()["code"] == "throttled"
    for i in range(2):
        assert submit(client, {**FORM, "citizen_phone": f"1360000000{i}"}, address="10.0.2.1").status_code == 201
    assert Case.objects.count() == 5


def test_guessing_phone_tails_is_stopped_without_locking_the_owner_out(county, client):
    number = submit(client, FORM).json()["number"]
    codes = [track(client, number, f"{n:04d}", address="10.9.0.1").status_code for n in range(25)]
    assert codes[:20] == [404] * 20 and set(codes[20:]) == {429}
    assert track(client, number, "5678", address="10.9.0.1").status_code == 429  # the guesser stays stopped
    assert track(client, number, "5678", address="10.8.0.1").status_code == 200  # the owner, elsewhere, is not


def test_the_proof_travels_in_a_post_body_and_the_session_never_in_a_url(county, client):
    number = submit(client, FORM).json()["number"]
    assert client.get(f"/api/v1/public/cases/{number}", {"phone_tail": "5678"}).status_code in (404, 405)
    in_url = client.get("/service/track/", {"number": number, "phone_tail": "5678"}).content.decode()
    assert "待受理" not in in_url  # a proof in the query proves nothing
    shown = client.post("/service/track/", {"number": number, "phone_tail": "5678"})
    assert shown.status_code == 302 and "5678" not in shown.headers["Location"]
    assert "待受理" in client.get(shown.headers["Location"]).content.decode()
    stranger = Client()
    assert "待受理" not in stranger.get(shown.headers["Location"]).content.decode()


def test_a_signed_in_citizen_follows_their_own_case_without_the_phone_digits(county, client):
    villager = county.people["villager"]
    case, _created = create_case(
        actor=county.people["cadre_a"],
        channel="village_hall",
        kind="help",
        title="低保咨询",
        content="想问低保怎么申请",
        citizen_name="村民",
        citizen_phone="13700009999",
        citizen=villager,
        village=county["huanhua"],
    )
    client.force_login(villager)
    assert "低保咨询" in client.get("/service/track/", {"number": case.number}).content.decode()
    client.force_login(county.people["cadre_b"])
    assert "低保咨询" not in client.get("/service/track/", {"number": case.number}).content.decode()


def test_the_citizen_rates_a_completed_case_with_the_same_proof(county, client):
    number = submit(client, FORM).json()["number"]
    early = client.post(
        f"/api/v1/public/cases/{number}/rating", {"phone_tail": "5678", "rating": 5}, content_type="application/json"
    )
    assert early.status_code == 409
    cadre = county.people["cadre_a"]
    case = perform(Case.objects.get(number=number), "accept", actor=cadre)
    case = perform(case, "reply", actor=cadre, reply="已抢修恢复供水")
    perform(case, "complete", actor=cadre)
    rated = client.post(
        f"/api/v1/public/cases/{number}/rating",
        {"phone_tail": "5678", "rating": 4, "comment": "修得快"},
        content_type="application/json",
    )
    assert rated.status_code == 200 and rated.json()["rating"] == 4 and rated.json()["status"] == "closed"
    assert rated.json()["rating_label"] == "满意"
    event = CaseEvent.objects.filter(case__number=number).order_by("-seq").first()
    assert (event.action, event.actor, event.data["by"]) == ("rate", None, "citizen")
