"""The Django admin in Chinese, with unit and calendar saves going through the services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bianmin
from bianmin.org import audit
from bianmin.org.models import AuditEntry, Unit
from bianmin.workdays.models import CalendarOverride


@pytest.fixture
def admin_client(county, client):
    client.force_login(county.people["root"])
    return client


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/admin/", "便民服务平台 后台管理"),
        ("/admin/org/unit/", "浣花村"),
        ("/admin/org/user/", "cadre_a"),
        ("/admin/org/membership/", "村（社区）干部"),
        ("/admin/org/apitoken/", "API 令牌"),
        ("/admin/org/auditentry/", "审计日志"),
        ("/admin/workdays/calendaroverride/", "日历调整"),
        ("/admin/workdays/holidayschedule/", "年度放假安排"),
        ("/admin/org/unit/add/", "上级单位"),
    ],
)
def test_admin_pages_render_in_chinese(admin_client, url, text):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()


def unit_form(unit: Unit, **changes):
    data = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "phone": unit.phone,
        "address": unit.address,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_adding_a_unit_in_the_admin_goes_through_the_service(county, admin_client):
    response = admin_client.post(
        "/admin/org/unit/add/",
        {"code": "500236101205", "name": "紫阳村", "kind": "village", "parent": county["baidi"].pk, "is_active": "on"},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="500236101205")
    assert unit.path.startswith(county["baidi"].path) and unit.depth == 3
    assert AuditEntry.objects.filter(action="unit.create", object_id=str(unit.pk)).exists()


def test_a_cycle_made_in_the_admin_is_refused_with_a_message(county, admin_client):
    baidi = county["baidi"]
    url = f"/admin/org/unit/{baidi.pk}/change/"
    response = admin_client.post(url, unit_form(baidi, parent=county["huanhua"].pk), follow=True)
    assert response.status_code == 200
    assert "不能把单位移到它自己或它的下级单位之下" in response.content.decode()
    assert Unit.objects.get(pk=baidi.pk).parent_id == county["county"].pk


def test_moving_a_unit_in_the_admin_moves_its_subtree(county, admin_client):
    baidi = county["baidi"]
    response = admin_client.post(
        f"/admin/org/unit/{baidi.pk}/change/", unit_form(baidi, parent=county["other_county"].pk)
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=county["huanhua"].pk).path.startswith(county["other_county"].path)


def test_a_calendar_override_entered_in_the_admin(county, admin_client):
    response = admin_client.post(
        "/admin/workdays/calendaroverride/add/", {"date": "2027-02-06", "is_workday": "on", "note": "春节调休上班"}
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.get(date="2027-02-06").is_workday
    assert AuditEntry.objects.filter(action="calendar.override").exists()


def test_the_audit_trail_names_each_action_in_the_readers_language(county, admin_client):
    admin_client.post("/admin/workdays/calendaroverride/add/", {"date": "2027-02-06", "is_workday": "on"})
    page = admin_client.get("/admin/org/auditentry/").content.decode()
    assert "调整日历" in page and ">calendar.override<" not in page  # the row shows the description, not the code
    assert 'href="?action=calendar.override"' in page  # the filter offers the action by its description
    filtered = admin_client.get("/admin/org/auditentry/?action=calendar.override&e=1")
    assert filtered.status_code == 200
    rows = filtered.context["cl"].result_list
    assert [entry.action for entry in rows] == ["calendar.override"]


def audit_codes_in_source() -> dict[str, str]:
    """Every action code passed to `audit(...)` in the platform's code (tests aside), with where."""
    root = Path(bianmin.__file__).parent
    found = {}
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name != "audit":
                continue
            for constant in ast.walk(node.args[1]):
                if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                    found[constant.value] = f"{path.relative_to(root)}:{node.lineno}"
    return found


def test_every_audited_action_is_described():
    codes = audit_codes_in_source()
    assert {"unit.create", "duty.month.publish", "hall.pad.pair", "open311.key.issue"} <= set(codes)
    missing = {code: where for code, where in codes.items() if code not in audit.LABELS}
    assert not missing, f"describe these audit actions in bianmin/org/audit.py: {missing}"
