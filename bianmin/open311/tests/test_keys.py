"""Client keys: a permission matrix over their API routes and page (how the tables read: bianmin/tests/
route_matrix.py), keys stored as digests and shown once, revocation, and the per-key rate limit."""

from __future__ import annotations

import hashlib
import re

from django.test import Client

from bianmin.open311.models import ClientKey
from bianmin.open311.services import issue_key
from bianmin.open311.tests.conftest import road_form
from bianmin.org.tests.test_api_permissions import PERSONAS
from bianmin.tests.route_matrix import ANONYMOUS, EVERYONE, cell, others, page

ADMINS = {"township_admin", "county_admin"}
# Who lists which of the county's key (奉节县) and the township's (白帝镇); keys issued meanwhile aside.
LISTS = {
    ("baidi", "county"): {"county_admin"},
    ("baidi",): {"township_admin"},
    403: others(ADMINS),
    401: {ANONYMOUS},
}
ISSUE_IN_BAIDI = {201: ADMINS, 403: others(ADMINS), 401: {ANONYMOUS}}
REVOKE_COUNTY_KEY = {200: {"county_admin"}, 404: {"township_admin"}, 403: others(ADMINS), 401: {ANONYMOUS}}
KEYS_PAGE = {200: ADMINS, 403: others(ADMINS), "login": {ANONYMOUS}}
REVOKE_BAIDI_PAGE = {302: ADMINS, 403: others(ADMINS), "login": {ANONYMOUS}}


def test_keys_are_listed_issued_and_revoked_only_by_the_administrators_of_their_jurisdiction(county, world, api_as):
    baidi_key, _secret = issue_key(
        actor=county.people["township_admin"], name="baidi", jurisdiction=county["baidi"], intake_unit=county["baidi"]
    )
    world.key.name = "county"
    world.key.save()
    wrong = []
    for persona in EVERYONE:
        user = None if persona == ANONYMOUS else county.people[persona]
        api = api_as(user)
        listed = api.get("/open311/keys")
        names = sorted({k["name"] for k in listed.json()} & {"baidi", "county"}) if listed.status_code == 200 else []
        got = tuple(names) if listed.status_code == 200 else listed.status_code
        issued = api.post(
            "/open311/keys", {"name": f"new-{persona}", "jurisdiction": "500236101000", "intake_unit": "500236101201"}
        )
        revoked = api.post(f"/open311/keys/{world.key.pk}/revoke", {})
        browser = Client()
        if user is not None:
            browser.force_login(user)
        keys_page = page(browser.get("/open311/keys/"))
        revoke_page = page(browser.post(f"/open311/keys/{baidi_key.pk}/revoke/"))
        for route, observed, table in (
            ("GET keys", got, LISTS),
            ("POST keys", issued.status_code, ISSUE_IN_BAIDI),
            ("POST revoke", revoked.status_code, REVOKE_COUNTY_KEY),
            ("page keys", keys_page, KEYS_PAGE),
            ("page revoke", revoke_page, REVOKE_BAIDI_PAGE),
        ):
            if observed != cell(table, persona):
                wrong.append(f"{route} as {persona}: got {observed!r}, expected {cell(table, persona)!r}")
        if world.key.revoked_at is None and ClientKey.objects.get(pk=world.key.pk).revoked_at is not None:
            ClientKey.objects.filter(pk=world.key.pk).update(revoked_at=None)  # the next persona finds it live
    assert not wrong, "\n".join(wrong)
    assert set(ClientKey.objects.filter(name__startswith="new-").values_list("name", flat=True)) == {
        f"new-{p}" for p in ADMINS
    }
    assert len(PERSONAS) == 13


def test_an_issued_key_is_shown_once_and_stored_as_its_digest(county, api_as, world):
    response = api_as(county.people["county_admin"]).post(
        "/open311/keys", {"name": "FixMyStreet", "jurisdiction": "500236000000", "intake_unit": "500236-ZWZX"}
    )
    assert response.status_code == 201
    secret = response.json()["key"]
    row = ClientKey.objects.get(name="FixMyStreet")
    assert row.digest == hashlib.sha256(secret.encode()).hexdigest() and secret not in str(row.__dict__)
    listed = api_as(county.people["county_admin"]).get("/open311/keys").json()
    assert secret not in str(listed)
    # An intake unit outside the jurisdiction is refused
    outside = api_as(county.people["township_admin"]).post(
        "/open311/keys", {"name": "x", "jurisdiction": "500236101201", "intake_unit": "500236101000"}
    )
    assert outside.status_code == 400 and "intake_unit" in outside.json()["fields"]


def test_the_keys_page_shows_a_new_key_once(county, world):
    browser = Client()
    browser.force_login(county.people["township_admin"])
    form = {"name": "村务App", "jurisdiction": "500236101000", "intake_unit": "500236101000", "per_hour": "60"}
    shown = browser.post("/open311/keys/", form).content.decode()
    row = ClientKey.objects.get(name="村务App")
    (secret,) = re.findall(r'<code class="secret">([^<]+)</code>', shown)
    assert secret.startswith(row.prefix) and row.digest == hashlib.sha256(secret.encode()).hexdigest()
    again = browser.get("/open311/keys/").content.decode()
    assert row.prefix in again and secret not in again
    # A jurisdiction outside the administrator's scope is not offered
    refused = browser.post("/open311/keys/", {**form, "jurisdiction": "500236000000"})
    assert refused.status_code == 200 and ClientKey.objects.filter(name="村务App").count() == 1


def test_a_key_files_at_most_its_hourly_limit_and_retries_do_not_count(geo, world):
    ClientKey.objects.filter(pk=world.key.pk).update(per_hour=2)
    assert geo.post("json", **road_form(description="一")).status_code == 201
    assert geo.post("json", **road_form(description="一")).status_code == 200  # a retry answers from the first
    assert geo.post("json", **road_form(description="二")).status_code == 201
    throttled = geo.post("json", **road_form(description="三"))
    assert throttled.status_code == 429 and throttled.data[0]["code"] == 429


def test_a_jurisdiction_is_a_region_that_holds_villages(county, api_as, world):
    # A department or the service center holds no village a request could be placed at
    api = api_as(county.people["county_admin"])
    refused = api.post("/open311/keys", {"name": "x", "jurisdiction": "500236-RSJ", "intake_unit": "500236-RSJ"})
    assert refused.status_code == 400 and set(refused.json()["fields"]) == {"jurisdiction"}
    browser = Client()
    browser.force_login(county.people["county_admin"])
    page = browser.get("/open311/keys/").content.decode()
    jurisdictions = re.search(r'<select name="jurisdiction".*?</select>', page, re.S).group(0)
    intakes = re.search(r'<select name="intake_unit".*?</select>', page, re.S).group(0)
    assert "县人力社保局" not in jurisdictions and "白帝镇" in jurisdictions and "县人力社保局" in intakes
    assert '<label for="id_name">客户端应用</label>' in page  # no ":" after a Chinese label
