"""Transfer targets (issue 20 item 4): a clerk picks from the units the transfer allows — the county's
departments, service centers and townships, the case's own township's villages and teams, and villages where
they handle cases — grouped as the org chart, never another township's villages or another county; the
service refuses anything else with a clear error, whatever the form offered."""

from __future__ import annotations

import pytest
from django.test import Client

from bianmin.cases.routing import transfer_targets
from bianmin.cases.services import perform
from bianmin.cases.tests.factories import new_case
from bianmin.errors import InvalidInput


def names(units) -> set[str]:
    return set(units.values_list("name", flat=True))


def test_a_township_sends_within_its_county_and_to_its_own_villages(county):
    staff = county.people["township_staff"]
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    allowed = names(transfer_targets(staff, [case.unit]))
    assert {"县人力社保局", "县行政服务中心", "夔门街道", "石马村", "白帝镇驻浣花村工作组", "奉节县"} <= allowed
    assert not allowed & {"宝塔坪社区", "其他县", "其他镇", "其他村"}
    # The county's own staff handle everywhere in it: every village of the county, still no other county.
    everywhere = names(transfer_targets(county.people["county_admin"], [case.unit]))
    assert "宝塔坪社区" in everywhere and "其他村" not in everywhere


@pytest.mark.parametrize("target", ["500236001001", "500237101201"])  # 宝塔坪社区 of another street; 其他村
def test_the_service_refuses_a_target_the_rule_does_not_allow(county, target):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    with pytest.raises(InvalidInput) as refused:
        perform(case, "transfer", actor=county.people["township_staff"], to_unit=target)
    assert "to_unit" in refused.value.fields
    case.refresh_from_db()
    assert case.unit == county["huanhua"] and case.transfer_count == 0


def test_the_case_page_offers_the_targets_grouped_with_a_search_box(county):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(county.people["township_staff"])
    html = client.get(f"/cases/{case.number}/").content.decode()
    form = html[html.index('name="transfer-to_unit"') :]
    form = form[: form.index("</select>")]
    assert 'data-search="搜索单位"' in form
    for group in ("部门", "乡镇（街道）", "白帝镇：村（社区）与工作组"):
        assert f'<optgroup label="{group}">' in form
    assert "县人力社保局" in form and "石马村" in form and "宝塔坪社区" not in form and "浣花村<" not in form
