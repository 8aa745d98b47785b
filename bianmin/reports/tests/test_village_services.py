"""The "without leaving the village" figures (不出村, DESIGN §5) count the pension certifications done at a
village's hall or by a home visit when the administrator says so (issue 24 item 5): handled when recorded,
completed when passed; at the township's hall they do not count; off, the figures are the applications'."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bianmin.pension import services
from bianmin.pension.tests.factories import pensioner
from bianmin.reports.kpi import Basis, Bucket, Period, kpi_summary, kpi_trend


@pytest.fixture
def certified(county):
    cadre = county.people["cadre_a"]
    services.certify(pensioner(county["huanhua"]), actor=cadre, method="home_visit")
    services.certify(pensioner(county["huanhua"], name="李大娘"), actor=cadre, method="fingerprint_on_site")
    services.certify(
        pensioner(county["huanhua"], name="王大爷"),
        actor=cadre,
        method="fingerprint_on_site",
        result="failed",
        failure_reason="指纹磨损无法识别",
    )
    staff = county.people["township_staff"]
    services.certify(
        pensioner(county["huanhua"], name="赵大姐"), actor=staff, method="in_person_hall", unit=county["baidi"]
    )
    return county


def period() -> Period:
    today = timezone.localdate()
    return Period(today - timedelta(days=40), today)


def test_off_by_default_the_village_figures_are_the_applications(certified, settings):
    assert settings.VILLAGE_FIGURES_COUNT_CERTIFICATIONS is False
    report = kpi_summary(certified["baidi"], period())
    assert (report.figures.village_handled, report.figures.village_completed) == (0, 0)


def test_counted_the_village_certifications_add_to_the_village_and_its_township(certified, settings):
    settings.VILLAGE_FIGURES_COUNT_CERTIFICATIONS = True
    report = kpi_summary(certified["baidi"], period())
    # The home visit and both fingerprints at the village: three handled, two passed; not the township hall's.
    assert (report.figures.village_handled, report.figures.village_completed) == (3, 2)
    row = next(g for g in report.breakdown if g.key == certified["huanhua"].code)
    assert (row.figures.village_handled, row.figures.village_completed) == (3, 2)
    assert report.figures.accepted == 0  # nothing else changes
    by_handling = kpi_summary(certified["baidi"], period(), basis=Basis.HANDLING)
    assert by_handling.figures.village_handled == 3
    trend = kpi_trend(certified["baidi"], period(), Bucket.MONTH)
    assert sum(figures.village_handled for _day, figures in trend) == 3
