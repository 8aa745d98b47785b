"""The admin's scheme page saves through the services: a new cycle, for the scheme or for a region, moves the
due dates of the pensioners it governs (saved as plain rows it left every due date where it was)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Permission

from bianmin.pension.models import Pensioner, SchemeRule
from bianmin.pension.tests.factories import pensioner, scheme


def form(s, rules: list[dict[str, object]], **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": s.code,
        "name": s.name,
        "cycle_months": s.cycle_months,
        "grace_days": s.grace_days,
        "rules-TOTAL_FORMS": len(rules),
        "rules-INITIAL_FORMS": sum(1 for r in rules if r.get("id")),
        "rules-MIN_NUM_FORMS": 0,
        "rules-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for i, rule in enumerate(rules):
        for key, value in {"scheme": s.pk, **rule}.items():
            data[f"rules-{i}-{key}"] = value
    return data


def test_a_cycle_changed_in_the_admin_moves_the_due_dates(county, client):
    yearly = scheme("170")
    in_baidi = pensioner(county["shima"], last_certified_on=date(2026, 3, 31))
    in_kuimen = pensioner(county["baotaping"], last_certified_on=date(2026, 3, 31))
    client.force_login(county.people["root"])
    url = f"/admin/pension/scheme/{yearly.pk}/change/"

    def due() -> tuple[date, date]:
        return tuple(Pensioner.objects.get(pk=p.pk).due_on for p in (in_baidi, in_kuimen))  # type: ignore[return-value]

    # When the scheme's own cycle becomes 6 months
    assert client.post(url, form(yearly, [], cycle_months=6)).status_code == 302
    assert due() == (date(2026, 9, 30), date(2026, 9, 30))
    # When 白帝镇 gets its own 12-month cycle with 10 days' grace: only its pensioners move
    client.post(
        url, form(yearly, [{"region": county["baidi"].pk, "cycle_months": 12, "grace_days": 10}], cycle_months=6)
    )
    assert due() == (date(2027, 3, 31), date(2026, 9, 30))
    assert Pensioner.objects.get(pk=in_baidi.pk).suspend_after == date(2027, 4, 10)
    # When the rule moves to 夔门街道, 白帝镇 goes back to the scheme's cycle and 夔门街道 takes the rule
    rule = SchemeRule.objects.get()
    moved = {"id": rule.pk, "region": county["kuimen"].pk, "cycle_months": 12, "grace_days": 10}
    client.post(url, form(yearly, [moved], cycle_months=6))
    assert due() == (date(2026, 9, 30), date(2027, 3, 31))
    # When the rule is deleted, everyone follows the scheme again
    moved["id"] = SchemeRule.objects.get().pk
    client.post(url, form(yearly, [{**moved, "DELETE": "on"}], cycle_months=6))
    assert not SchemeRule.objects.exists() and due() == (date(2026, 9, 30), date(2026, 9, 30))


def test_a_regional_admin_cannot_set_a_cycle_outside_their_region(county, client):
    yearly = scheme("170")
    kept = pensioner(county["baotaping"], last_certified_on=date(2026, 3, 31))
    admin = county.people["township_admin"]  # 白帝镇's administrator, given the admin site's pages on schemes
    admin.is_staff = True
    admin.save()
    admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="pension", codename__contains="scheme")
    )
    client.force_login(admin)
    url = f"/admin/pension/scheme/{yearly.pk}/change/"
    page = client.post(
        url, form(yearly, [{"region": county["kuimen"].pk, "cycle_months": 6, "grace_days": 0}]), follow=True
    )
    assert "您只能管理本辖区村（社区）的花名册" in page.content.decode()
    assert not SchemeRule.objects.exists()
    assert Pensioner.objects.get(pk=kept.pk).due_on == date(2027, 3, 31)
