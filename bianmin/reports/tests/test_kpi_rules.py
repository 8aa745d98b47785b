"""The KPI rules of DESIGN §5, each checked as a county statistician would check it: given cases with a
known history, the figure comes out as the definition says, now and as of a moment in the past."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bianmin.cases.services import perform
from bianmin.cases.sla import SHANGHAI
from bianmin.cases.tests.factories import new_case
from bianmin.errors import InvalidInput, PermissionDenied
from bianmin.reports.kpi import Basis, Period, kpi_summary, report_unit, truncated_percent

# A quiet week of March 2026 (no holidays), so deadlines are plain working days.
MON = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def at(days: float, hours: float = 0) -> datetime:
    return MON + timedelta(days=days, hours=hours)


def figures(county, *, as_of: datetime | None = None, period: Period = MARCH, unit: str = "county"):
    return kpi_summary(county[unit], period, as_of=as_of).figures


def taken_in(county, when: datetime = MON, **overrides):
    return new_case(county.people["cadre_a"], village=county["huanhua"], received_at=when, **overrides)


def closed(county, case, rating: int, start: float = 0.1):
    cadre = county.people["cadre_a"]
    case = perform(case, "reply", actor=cadre, at=at(start + 0.1), reply="已修复")
    case = perform(case, "complete", actor=cadre, at=at(start + 0.2))
    return perform(case, "rate", actor=cadre, at=at(start + 0.3), rating=rating)


def test_a_reopened_case_is_not_completed_until_completed_again(county):
    """Given a case completed, rated 不满意 and reopened, then completed again: it counts as completed
    before the reopening, not while reopened, and again after the second completion."""
    cadre = county.people["cadre_a"]
    case = closed(county, taken_in(county), rating=2)
    case = perform(case, "reopen", actor=cadre, at=at(1), reason="回访不满意")

    assert figures(county).completed == 0
    assert figures(county, as_of=at(0.5)).completed == 1
    assert figures(county, as_of=at(1, 1)).completed == 0

    case = perform(case, "reply", actor=cadre, at=at(2), reply="再次修复")
    perform(case, "complete", actor=cadre, at=at(2, 1))
    now = figures(county)
    assert (now.accepted, now.completed) == (1, 1)
    assert figures(county, as_of=at(3)).completed == 1


def test_merged_refused_and_withdrawn_before_acceptance_are_not_accepted(county):
    cadre = county.people["cadre_a"]
    master = taken_in(county)
    duplicate = taken_in(county)
    perform(duplicate, "merge", actor=cadre, at=at(0.1), master=master.number)
    refused = taken_in(county, submitted=True)
    perform(refused, "refuse", actor=cadre, at=at(0.1), reason="已进入诉讼程序", proper_channel="人民法院")
    unaccepted = taken_in(county, submitted=True)
    perform(unaccepted, "withdraw", actor=cadre, at=at(0.1), reason="自行解决")
    accepted_then_withdrawn = taken_in(county)
    perform(accepted_then_withdrawn, "withdraw", actor=cadre, at=at(0.1), reason="自行解决")
    taken_in(county, submitted=True)  # still awaiting acceptance

    # Only the master and the case withdrawn after acceptance were accepted.
    assert figures(county).accepted == 2
    assert figures(county, as_of=at(1)).accepted == 2
    # Before the merge, the duplicate was an accepted case like any other.
    assert figures(county, as_of=at(0.05)).accepted == 3


def test_a_case_transferred_three_times_counts_once(county):
    case = taken_in(county)
    admin = county.people["county_admin"]
    for n, unit in enumerate(["500236101202", "500236-RSJ", "500236101000"], start=1):
        case = perform(case, "transfer", actor=admin, at=at(0.1 * n), to_unit=unit)
    case = perform(
        case, "supervise", actor=admin, at=at(0.5), due_at=at(3), note="请加快"
    )  # supervised twice: once too
    perform(case, "supervise", actor=admin, at=at(0.6), due_at=at(4), note="再次督办")
    now = figures(county)
    assert (now.accepted, now.transferred, now.supervised) == (1, 1, 1)
    assert (figures(county, as_of=at(0.05)).transferred, figures(county, as_of=at(0.35)).transferred) == (0, 1)
    assert figures(county, as_of=at(0.55)).supervised == 1


def test_an_upheld_appeal_leaves_the_satisfaction_rate(county):
    """Given one case rated 非常满意 and one rated 非常不满意: 50%. The unit appeals the bad rating as
    malicious; the supervisor upholds it: the rating leaves the rate (1 of 1 → 100%). A rejected appeal
    would have left it standing."""
    supervisor, cadre = county.people["supervisor"], county.people["cadre_a"]
    closed(county, taken_in(county), rating=5)
    bad = closed(county, taken_in(county), rating=1)
    other_bad = closed(county, taken_in(county), rating=2)
    before = figures(county)
    assert (before.rated, before.satisfied, before.satisfaction_rate) == (3, 1, Decimal("33.3"))

    bad = perform(bad, "appeal_rating", actor=cadre, at=at(1), reason="评价人与事项无关")
    bad = perform(bad, "review_appeal", actor=supervisor, at=at(2), decision="upheld", note="核实为恶意差评")
    other_bad = perform(other_bad, "appeal_rating", actor=cadre, at=at(1), reason="不认可")
    perform(other_bad, "review_appeal", actor=supervisor, at=at(2), decision="rejected", note="评价属实")

    after = figures(county)
    assert (after.rated, after.satisfied, after.satisfaction_rate) == (2, 1, Decimal("50.0"))
    assert figures(county, as_of=at(1, 12)).rated == 3  # before the review the rating still counted
    assert figures(county, as_of=at(2, 1)).rated == 2
    assert after.completed == 3  # the case itself stays completed


def test_on_time_rate_counts_the_latest_completion(county):
    """A case completed late, reopened and completed again on time counts as on time from then on."""
    cadre = county.people["cadre_a"]
    late = taken_in(county)  # due in 10 working days: 2026-03-16
    late = perform(late, "reply", actor=cadre, at=at(20), reply="已处理")
    late = perform(late, "complete", actor=cadre, at=at(20, 1))
    assert (figures(county).completed, figures(county).completed_on_time) == (1, 0)
    late = perform(late, "reopen", actor=cadre, at=at(21), reason="未解决")
    late = perform(late, "reply", actor=cadre, at=at(22), reply="彻底解决")
    perform(late, "complete", actor=cadre, at=at(22, 1))
    assert figures(county).completed_on_time == 1
    assert figures(county, as_of=at(20, 2)).completed_on_time == 0
    assert figures(county, as_of=at(23)).completed_on_time == 1


def test_rates_are_truncated_never_rounded_up():
    assert truncated_percent(5804, 5834) == Decimal("99.4")  # 99.486…
    assert truncated_percent(2, 3) == Decimal("66.6")
    assert truncated_percent(1, 1) == Decimal("100.0")
    assert truncated_percent(0, 0) is None


@given(st.integers(min_value=1, max_value=10**7), st.data())
def test_a_truncated_rate_never_exceeds_the_exact_one(whole, data):
    part = data.draw(st.integers(min_value=0, max_value=whole))
    rate = truncated_percent(part, whole)
    exact = Decimal(part) * 100 / Decimal(whole)
    assert rate is not None and rate <= exact < rate + Decimal("0.1")


def test_period_boundaries_are_days_in_asia_shanghai(county):
    """23:30 on 31 March in 奉节 is 15:30 UTC: a March case. 00:10 on 1 April is still 31 March in UTC:
    an April case."""
    taken_in(county, when=datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI))
    taken_in(county, when=datetime(2026, 4, 1, 0, 10, tzinfo=SHANGHAI))
    april = Period(date(2026, 4, 1), date(2026, 4, 30))
    assert (figures(county).accepted, figures(county, period=april).accepted) == (1, 1)


def test_a_township_sees_its_own_subtree_only(county):
    """白帝镇's leader gets 白帝镇 by default, broken down by its villages and work team; the county, the
    street next door and another county are refused."""
    leader = county.people["township_leader"]
    taken_in(county)
    new_case(county.people["township_staff"], village=county["baotaping"], received_at=MON)  # 夔门街道: not theirs
    unit = report_unit(leader, None)
    assert unit == county["baidi"]
    report = kpi_summary(unit, MARCH)
    assert report.figures.accepted == 1
    assert {g.label: g.figures.accepted for g in report.breakdown} == {
        "浣花村": 1,
        "石马村": 0,
        "白帝镇驻浣花村工作组": 0,
    }
    for code in ("500236000000", "500236001000", "500237000000"):
        with pytest.raises(InvalidInput):
            report_unit(leader, code)
    with pytest.raises(PermissionDenied):
        report_unit(county.people["villager"], None)


def test_the_county_breakdown_has_every_township_and_department(county):
    """By origin, a village case transferred to 人社局 counts for 白帝镇; by handling unit, for 人社局."""
    case = taken_in(county)
    perform(case, "transfer", actor=county.people["county_admin"], at=at(0.1), to_unit="500236-RSJ")
    by_origin = {g.key: g.figures.accepted for g in kpi_summary(county["county"], MARCH).breakdown}
    by_handler = {
        g.key: g.figures.accepted for g in kpi_summary(county["county"], MARCH, basis=Basis.HANDLING).breakdown
    }
    assert by_origin["500236101000"] == 1 and by_origin["500236-RSJ"] == 0
    assert by_handler["500236101000"] == 0 and by_handler["500236-RSJ"] == 1
    # The county's report by origin carries its departments by handling unit too (the KPI Excel and the API
    # as the dashboard): 人社局 handles the case that arose in 白帝镇.
    departments = {g.key: g.figures.accepted for g in kpi_summary(county["county"], MARCH).departments}
    assert departments["500236-RSJ"] == 1 and "500236101000" not in departments
    assert report_unit(county.people["dept"], None) == county["rsj"]
    assert kpi_summary(county["rsj"], MARCH).basis == Basis.HANDLING


def test_daily_average_over_calendar_and_working_days(county):
    for n in range(44):
        taken_in(county, when=MON + timedelta(hours=n))
    report = kpi_summary(county["county"], MARCH, as_of=datetime(2026, 4, 2, tzinfo=SHANGHAI))
    assert (report.calendar_days, report.workdays) == (31, 22)
    assert (report.daily_average, report.daily_average_workdays) == (Decimal("1.4"), Decimal("2.0"))


def test_the_departments_figures_count_only_what_departments_handle(county):
    """The county dashboard's department ranking: by handling unit, departments only."""
    moved = taken_in(county)
    perform(moved, "transfer", actor=county.people["county_admin"], at=at(0.1), to_unit="500236-RSJ")
    taken_in(county)  # stays with the village
    report = kpi_summary(county["county"], MARCH, basis=Basis.HANDLING, kinds=["department"])
    assert report.figures.accepted == 1
    assert [(g.key, g.figures.accepted) for g in report.breakdown if g.figures.accepted] == [("500236-RSJ", 1)]
