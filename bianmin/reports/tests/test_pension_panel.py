"""The dashboard shows the pension certifications beside the other figures (DESIGN §2.7, issue 24 item 5), to
those who may see pensions, counted over their own scope."""

from __future__ import annotations

from django.test import Client

from bianmin.pension import services
from bianmin.pension.tests.factories import pensioner


def test_the_dashboard_counts_the_periods_certifications_for_those_who_see_pensions(county):
    cadre = county.people["cadre_a"]
    services.certify(pensioner(county["huanhua"]), actor=cadre, method="fingerprint_on_site")
    services.certify(pensioner(county["shima"], name="李大娘"), actor=county.people["cadre_b"], method="home_visit")
    seen = {}
    for persona in ("township_leader", "cadre_a", "dept"):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(county.people[persona])
        seen[persona] = client.get("/reports/").context.get("pension")
    assert seen["township_leader"].total == 2
    assert seen["cadre_a"].total == 1  # their village only
    assert seen["dept"] is None  # a department that does not see pensions gets no panel
