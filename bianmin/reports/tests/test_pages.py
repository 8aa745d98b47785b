"""The dashboard, the wall screen and the Excel downloads as the people who use them would check them."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from bianmin.cases.services import perform
from bianmin.cases.sla import SHANGHAI
from bianmin.cases.tests.factories import new_application, new_case
from bianmin.org.tests.test_api_permissions import HOME, PERSONAS
from bianmin.reports.exports import kpi_columns

MON = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
MARCH = "start=2026-03-01&end=2026-03-31"


def filed(county, village="huanhua", when=MON, **overrides):
    cadre = county.people["cadre_a" if village == "huanhua" else "township_staff"]
    return new_case(cadre, village=county[village], received_at=when, **overrides)


def release(*responses) -> None:
    """Read downloads to the end: the test client then closes their files."""
    for response in responses:
        if response.streaming:
            b"".join(response.streaming_content)


def workbook(response):
    body = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(body), read_only=True)


@pytest.mark.parametrize("url", ["/reports/", "/reports/wall/", "/reports/kpi.xlsx", "/reports/cases.xlsx"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_reaches_its_own_units_figures_only(county, client, persona, url):
    client.force_login(county.people[persona])
    own = client.get(f"{url}?{MARCH}")
    foreign = client.get(f"{url}?{MARCH}&unit={'500236101201' if persona == 'outsider' else '500237000000'}")
    release(own, foreign)
    if persona == "villager":
        assert own.status_code == 403
    else:
        assert own.status_code == 200
        if url.endswith("/"):
            assert county[HOME[persona]].name in own.content.decode()
    assert foreign.status_code == 400


@pytest.mark.parametrize("url", ["/reports/", "/reports/wall/", "/reports/kpi.xlsx", "/reports/cases.xlsx"])
def test_anonymous_visitors_are_sent_to_a_login(db, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.headers["Location"]


def test_the_county_dashboard_drills_down_to_a_township_and_its_villages(county, client):
    filed(county)
    filed(county, village="baotaping")
    client.force_login(county.people["supervisor"])
    county_page = client.get(f"/reports/?{MARCH}").content.decode()
    assert "奉节县群众诉求办理情况" in county_page
    assert f"?unit=500236101000&amp;{MARCH.replace('&', '&amp;')}" in county_page  # 白帝镇 links down
    township_page = client.get(f"/reports/?unit=500236101000&{MARCH}").content.decode()
    assert "白帝镇群众诉求办理情况" in township_page
    assert '<a href="?unit=500236000000' in township_page  # the trail back up to the county
    assert "浣花村" in township_page and "宝塔坪社区" not in township_page


def test_a_bad_period_is_reported_and_replaced(county, client):
    client.force_login(county.people["township_leader"])
    response = client.get("/reports/?start=2026-13-01&end=x")
    assert response.status_code == 200
    assert "统计期间无效" in response.content.decode()


def test_the_kpi_table_is_a_government_statistical_table(county, client):
    case = filed(county)
    cadre = county.people["cadre_a"]
    case = perform(case, "reply", actor=cadre, at=MON + timedelta(hours=1), reply="已修复")
    perform(case, "complete", actor=cadre, at=MON + timedelta(hours=2))
    filed(county, village="baotaping")
    client.force_login(county.people["supervisor"])
    response = client.get(f"/reports/kpi.xlsx?{MARCH}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = workbook(response).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "奉节县群众诉求办理情况统计表"
    assert "填报单位：奉节县" in rows[1][0] and "2026-03-01 至 2026-03-31" in rows[1][0]
    assert rows[2][:6] == ["单位", "受理", "转办", "督办", "办结", "办结率（%）"]
    by_unit = {row[0]: row for row in rows[3:] if row[0]}
    assert by_unit["白帝镇"][1:6] == (1, 0, 0, 1, 100.0) or list(by_unit["白帝镇"][1:6]) == [1, 0, 0, 1, 100.0]
    assert list(by_unit["合计"][1:6]) == [2, 0, 0, 1, 50.0]
    assert any("截尾不进位" in str(row[0]) for row in rows)


def test_the_kpi_table_and_the_dashboard_carry_the_application_figures(county, items, client):
    """Two applications filed by 浣花村's cadre, one approved in time, collected through the cadre: the
    statistical table's application columns and the dashboard's applications by unit show them."""
    staff = county.people["township_staff"]
    case = new_application(county.people["cadre_a"], items.subsistence, village=county["huanhua"], received_at=MON)
    case = perform(case, "accept", actor=staff, at=MON + timedelta(hours=1))
    case = perform(case, "review", actor=staff, handler="township_staff", at=MON + timedelta(hours=2))
    case = perform(case, "approve", actor=staff, at=MON + timedelta(days=1))
    perform(case, "deliver", actor=staff, delivery_method="village_proxy", at=MON + timedelta(days=2))
    perform(
        new_application(county.people["cadre_a"], items.subsistence, village=county["huanhua"], received_at=MON),
        "accept",
        actor=staff,
        at=MON + timedelta(hours=1),
    )
    client.force_login(county.people["supervisor"])
    rows = list(workbook(client.get(f"/reports/kpi.xlsx?{MARCH}")).active.iter_rows(values_only=True))
    with translation.override("zh-hans"):
        headings = [str(heading) for heading, _read in kpi_columns()]
        title = gettext("Applications by unit")
    assert list(rows[2][1:]) == headings
    total = dict(zip(headings, next(row for row in rows if row[0] == "合计")[1:], strict=True))
    baidi = dict(zip(headings, next(row for row in rows if row[0] == "白帝镇")[1:], strict=True))
    with translation.override("zh-hans"):
        expected = {
            gettext("Applications received"): 2,
            gettext("Applications accepted"): 2,
            gettext("Applications completed"): 1,
            gettext("On-time rate, promised limit (%)"): 100.0,
            gettext("On-time rate, legal limit (%)"): 100.0,
            gettext("Online share (%)"): 0.0,
            gettext("Average trips"): 0.0,
            gettext("At most one trip (%)"): 100.0,
            gettext("Handled at villages"): 2,
            gettext("Completed at villages"): 1,
        }
    assert {k: total[k] for k in expected} == expected == {k: baidi[k] for k in expected}
    page = client.get(f"/reports/?{MARCH}").content.decode()
    assert title in page and '<td class="num">2</td><td class="num">2</td><td class="num">1</td>' in page
    assert title not in client.get("/reports/?start=2026-04-01&end=2026-04-30").content.decode()


def test_the_case_list_masks_phones_for_viewers_who_do_not_handle_the_case(county, client):
    filed(county, citizen_phone="13912345678")
    client.force_login(county.people["cadre_a"])  # handles it at the village: sees the phone
    rows = list(workbook(client.get(f"/reports/cases.xlsx?{MARCH}")).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "登记时间", "渠道") and rows[1][7] == "13912345678"
    client.force_login(county.people["inspector"])  # views, neither handles nor supervises
    rows = list(workbook(client.get(f"/reports/cases.xlsx?{MARCH}")).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the inspector's scope is the service center: this village case is not theirs
    client.force_login(county.people["supervisor"])
    rows = list(workbook(client.get(f"/reports/cases.xlsx?{MARCH}")).active.iter_rows(values_only=True))
    assert rows[1][7] == "13912345678"  # supervisors need the phone for the callback
    client.force_login(county.people["township_leader"])
    perform(
        new_case(county.people["cadre_a"], village=county["huanhua"], received_at=MON, citizen_phone="13700001111"),
        "transfer",
        actor=county.people["county_admin"],
        at=MON + timedelta(hours=1),
        to_unit="500236-RSJ",
    )
    rows = list(workbook(client.get(f"/reports/cases.xlsx?{MARCH}")).active.iter_rows(values_only=True))
    phones = sorted(row[7] for row in rows[1:])
    assert phones == ["137****1111", "13912345678"]  # a case now with a department: the township only views it


def test_the_cli_prints_the_table_and_writes_json_and_excel(county, tmp_path, capsys):
    filed(county)
    call_command("report", "kpi", "--start", "2026-03-01", "--end", "2026-03-31", "--unit", "500236000000")
    out = capsys.readouterr().out
    assert "奉节县" in out and "白帝镇" in out and "合计" in out
    assert "办件" in out and "法定按时率%" in out and "最多跑一次%" in out
    target = tmp_path / "kpi.json"
    call_command(
        "report", "kpi", "--start", "2026-03-01", "--end", "2026-03-31", "--format", "json", "--output", str(target)
    )
    import json

    body = json.loads(target.read_text())
    assert body["unit"]["code"] == "500000000000" and body["accepted"] == 1
    xlsx = tmp_path / "kpi.xlsx"
    call_command(
        "report", "kpi", "--start", "2026-03-01", "--end", "2026-03-31", "--format", "xlsx", "--output", str(xlsx)
    )
    assert load_workbook(xlsx).active["A1"].value.endswith("统计表")


def test_the_cli_refuses_bad_input_with_a_message(county):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"before its start|早于"):
        call_command("report", "kpi", "--start", "2026-03-31", "--end", "2026-03-01")
    with pytest.raises(CommandError, match="no unit"):
        call_command("report", "kpi", "--start", "2026-03-01", "--end", "2026-03-31", "--unit", "NOPE")
    with pytest.raises(CommandError, match="needs --output"):
        call_command("report", "kpi", "--start", "2026-03-01", "--end", "2026-03-31", "--format", "xlsx")


def test_the_kpi_table_and_the_dashboard_show_the_departments_by_what_they_handle(county, client):
    """A matter that arose in 白帝镇 and was sent to 人社局, completed there: the county's statistical table shows
    人社局 by handling unit with the same figures as the dashboard's department table (issue 19: it showed 0)."""
    case = filed(county)
    admin, dept = county.people["county_admin"], county.people["dept"]
    case = perform(case, "transfer", actor=admin, at=MON + timedelta(hours=1), to_unit="500236-RSJ")
    perform(case, "answer", actor=dept, at=MON + timedelta(hours=2), reply="已解决")
    client.force_login(county.people["supervisor"])
    rows = list(workbook(client.get(f"/reports/kpi.xlsx?{MARCH}")).active.iter_rows(values_only=True))
    by_unit = {row[0]: row for row in rows[3:] if row[0]}
    assert list(by_unit["县人力社保局（按承办单位）"][1:6]) == [1, 1, 0, 1, 100.0]
    assert list(by_unit["白帝镇"][1:6]) == [1, 1, 0, 1, 100.0]  # by origin, where it arose
    assert "县人力社保局" not in by_unit  # no row of zeros by origin for a department nothing arose at
    shown = client.get(f"/reports/?{MARCH}").context
    departments = {g["key"]: g for g in [*shown["departments"], *shown["departments_unranked"]]}
    assert (departments["500236-RSJ"]["accepted"], departments["500236-RSJ"]["completed"]) == (1, 1)


def test_units_with_too_few_cases_are_listed_apart_from_the_ranking(county, client, settings):
    """RANKING_MIN_ACCEPTED: 白帝镇 with 3 accepted cases ranks at a minimum of 3, and is listed apart at 4."""
    for _n in range(3):
        filed(county)
    client.force_login(county.people["supervisor"])
    settings.RANKING_MIN_ACCEPTED = 3
    ranked = client.get(f"/reports/?{MARCH}").context
    assert [g["key"] for g in ranked["breakdown"]] == ["500236101000"]
    settings.RANKING_MIN_ACCEPTED = 4
    apart = client.get(f"/reports/?{MARCH}").context
    assert apart["breakdown"] == [] and "500236101000" in [g["key"] for g in apart["unranked"]]
    assert "受理不足 4 件，单列，不参与排名" in client.get(f"/reports/?{MARCH}").content.decode()
