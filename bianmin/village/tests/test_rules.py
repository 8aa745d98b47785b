"""The quorum and vote rules at their boundaries (DESIGN §4.5), the schedule's periods, and amounts read aloud."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bianmin.village import rules, spoken
from bianmin.village.choices import MeetingType
from bianmin.village.rules import Tally, verdict

M = MeetingType


@pytest.mark.parametrize("meeting", [M.PARTY_MEMBERS, M.REPRESENTATIVES])
def test_two_thirds_present_is_exactly_enough(meeting):
    # 30 entitled: 20 present is exactly 2/3 (quorate), 19 is not
    assert verdict(meeting, Tally(30, 20, 11)).quorum
    assert not verdict(meeting, Tally(30, 19, 19)).quorum
    # 31 entitled: 2/3 is 20.67, so 21 is needed
    assert verdict(meeting, Tally(31, 21, 11)).quorum and not verdict(meeting, Tally(31, 20, 20)).quorum


@pytest.mark.parametrize("meeting", [M.PARTY_MEMBERS, M.REPRESENTATIVES, M.VILLAGERS])
def test_exactly_half_approving_is_not_enough(meeting):
    # 20 present, 10 for: exactly half does not pass; 11 does
    assert not verdict(meeting, Tally(20, 20, 10, 5, 5)).approved
    assert verdict(meeting, Tally(20, 20, 11, 9)).approved


def test_abstentions_count_toward_the_quorum_not_toward_approval():
    # 30 entitled, 20 present of whom 9 abstain: quorate; 11 for of 20 present is more than half
    assert verdict(M.PARTY_MEMBERS, Tally(30, 20, 11, 0, 9)).valid
    # the same 20 present, 10 for, 10 abstaining: approval is counted against all present, so it fails
    result = verdict(M.PARTY_MEMBERS, Tally(30, 20, 10, 0, 10))
    assert result.quorum and not result.approved and not result.valid


def test_villagers_meeting_needs_more_than_half_of_adults_or_two_thirds_of_households():
    # 900 adults: 450 is exactly half (not enough), 451 is
    assert not verdict(M.VILLAGERS, Tally(900, 450, 400, households=300, households_present=199)).quorum
    assert verdict(M.VILLAGERS, Tally(900, 451, 400, households=300)).quorum
    # or representatives of 2/3 of the households: 200 of 300 is exactly enough, 199 is not
    assert verdict(M.VILLAGERS, Tally(900, 210, 150, households=300, households_present=200)).quorum
    assert not verdict(M.VILLAGERS, Tally(900, 210, 150, households=300, households_present=199)).quorum


def test_one_matter_needs_two_thirds_of_those_present():
    assert verdict(M.REPRESENTATIVES, Tally(45, 30, 20), one_matter=True).valid  # exactly 2/3 of 30
    result = verdict(M.REPRESENTATIVES, Tally(45, 30, 19), one_matter=True)
    assert not result.valid and result.quorum
    assert verdict(M.REPRESENTATIVES, Tally(45, 30, 19)).valid  # a plain majority passes an ordinary matter


def test_committees_need_more_than_half_of_members():
    assert not verdict(M.TWO_COMMITTEES, Tally(8, 4, 4)).quorum
    assert verdict(M.TWO_COMMITTEES, Tally(7, 4, 3)).valid


def test_impossible_counts_are_field_errors():
    assert set(rules.tally_errors(Tally(10, 11, 5))) == {"present"}
    assert set(rules.tally_errors(Tally(10, 8, 5, 3, 1))) == {"for"}
    assert rules.tally_errors(Tally(10, 8, 5, 2, 1)) == {}


@given(st.integers(1, 5000), st.data())
def test_quorum_agrees_with_exact_fractions(entitled, data):
    from fractions import Fraction

    present = data.draw(st.integers(0, entitled))
    for_ = data.draw(st.integers(0, present))
    v = verdict(M.REPRESENTATIVES, Tally(entitled, present, for_))
    assert v.quorum == (Fraction(present, entitled) >= Fraction(2, 3))
    assert v.approved == (present > 0 and Fraction(for_, present) > Fraction(1, 2))


def test_periods_of_each_cadence_and_their_due_dates():
    quarters = rules.periods("quarterly", date(2025, 11, 5), date(2026, 7, 1))
    assert [(p.start, p.end, p.due_on) for p in quarters] == [
        (date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 20)),
        (date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 20)),
        (date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 20)),  # ended before 07-01: included
    ]
    assert len(rules.periods("quarterly", date(2025, 11, 5), date(2026, 6, 30))) == 2  # not yet ended
    months = rules.periods("monthly", date(2026, 1, 1), date(2026, 3, 1), due_day=31)
    assert [p.due_on for p in months] == [date(2026, 2, 28), date(2026, 3, 31)]  # day 31 clipped to February
    assert rules.periods("immediate", date(2026, 1, 1), date(2027, 1, 1)) == []
    assert rules.period_label("quarterly", date(2026, 4, 1)) == "2026年第2季度"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "零"),
        (10, "十"),
        (15, "十五"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1005, "一千零五"),
        (10010, "一万零一十"),
        (12345, "一万二千三百四十五"),
        (100000, "十万"),
        (1000000, "一百万"),
        (20000000, "二千万"),
        (100010000, "一亿零一万"),
        (100000001, "一亿零一"),
    ],
)
def test_integers_read_aloud(n, text):
    assert spoken.integer(n) == text


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (1234560, "一万二千三百四十五元六角"),
        (100, "一元"),
        (5, "五分"),
        (1005, "十元零五分"),
        (1234567, "一万二千三百四十五元六角七分"),
        (0, "零元"),
    ],
)
def test_amounts_read_aloud(fen, text):
    assert spoken.amount_fen(fen) == text


def test_a_text_reads_aloud():
    assert spoken.speak("2026年3月收入12,345.60 元，共8户。") == "二零二六年三月收入一万二千三百四十五元六角，共八户。"
    assert spoken.speak("硬化道路1.2公里") == "硬化道路一点二公里"
