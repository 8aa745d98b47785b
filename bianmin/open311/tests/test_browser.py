"""End to end on the shared demo server (`bianmin up`): the administrator issues a client key on the keys page,
a client files a request over HTTP as FixMyStreet would (form-encoded, then the token → id), the village cadre
finds it in the workbench and handles it there, and the client reads the closed status and the reply back.
Screenshots: test-artifacts/open311-*.png."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from bianmin.tests.browser import ARTIFACTS, login

pytestmark = pytest.mark.browser
REPLY = "已派人修复路灯，今晚起恢复照明。"


def _call(server: dict[str, Any], path: str, form: dict[str, str] | None = None) -> Any:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(server["base"] + "/open311/v2/" + path, data=data)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_request_filed_by_a_client_is_handled_in_the_workbench_and_read_back(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    admin = login(browser, server, "admin")
    admin.goto(server["base"] + "/open311/keys/")
    expect(admin.locator("h1")).to_have_text("Open311客户端密钥")
    admin.fill("#id_name", "浏览器测试客户端")
    admin.select_option("#id_jurisdiction", "500236000000")
    admin.select_option("#id_intake_unit", "500236-ZWZX")
    admin.get_by_role("button", name="签发密钥").click()
    secret = admin.locator("code.secret").inner_text().strip()
    assert secret.startswith("o311_")
    admin.screenshot(path=str(ARTIFACTS / "open311-keys.png"), full_page=True)
    admin.set_viewport_size({"width": 390, "height": 844})
    admin.screenshot(path=str(ARTIFACTS / "open311-keys-phone.png"), full_page=True)
    admin.close()

    created = _call(
        server,
        "requests.json",
        {
            "api_key": secret,
            "service_code": "road",
            "address_id": "500236101201",  # 浣花村
            "attribute[damage]": "light",
            "description": "浏览器测试：学校门口路灯不亮。",
            "last_name": "王",
            "first_name": "小明",
            "phone": "13700001234",
        },
    )
    token = created[0]["token"]
    (found,) = _call(server, f"tokens/{token}.json")
    number = found["service_request_id"]

    cadre = login(browser, server, "village_cadre")
    cadre.goto(server["base"] + f"/cases/?channel=open311&q={number}")
    expect(cadre.locator("table.grid")).to_contain_text(number)
    cadre.screenshot(path=str(ARTIFACTS / "open311-workbench.png"), full_page=True)
    cadre.goto(server["base"] + f"/cases/{number}/")
    expect(cadre.locator("body")).to_contain_text("学校门口路灯不亮")
    cadre.close()

    # The cadre handles it through the workflow's own door (the page's buttons call the same `perform`).
    from_api = _staff_api(server, "village_cadre")
    version = 1
    for action, fields in (("accept", {}), ("reply", {"reply": REPLY}), ("complete", {})):
        version = from_api(f"/cases/{number}/actions/{action}", {"version": version, **fields})["version"]
    (request,) = _call(server, f"requests/{number}.json")
    assert (request["status"], request["status_notes"], request["agency_responsible"]) == ("closed", REPLY, "浣花村")
    assert "13700001234" not in json.dumps(request, ensure_ascii=False)


def _staff_api(server: dict[str, Any], username: str) -> Any:
    """An API caller with a token made by `bianmin token create` on the server's database."""
    done = subprocess.run(
        [sys.executable, "-m", "bianmin.cli_main", "token", "create", username],
        env=server["env"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    token = done.stdout.strip()

    def post(path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            server["base"] + "/api/v1" + path,
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    return post
