"""Pure rules of village affairs, in integers only: whether a meeting was valid (DESIGN §4.5; 村民委员会组织法
第22、24、26条; 一事一议 by 2/3 of those present) and the periods and due dates of the publicity schedule.

Abstentions count toward the quorum (they are present), not toward approval (they are not "for"): approval is
always `for` against everyone present."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from bianmin.village.choices import CADENCE_MONTHS, MeetingType


@dataclass(frozen=True)
class Tally:
    """What a meeting record says: how many were entitled to attend, came, voted for, against, abstained; for a
    villagers' meeting also the households of the village and how many of them sent a representative."""

    entitled: int
    present: int
    for_: int
    against: int = 0
    abstaining: int = 0
    households: int = 0
    households_present: int = 0


@dataclass(frozen=True)
class Verdict:
    quorum: bool
    approved: bool
    reasons: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return self.quorum and self.approved


def tally_errors(t: Tally) -> dict[str, str]:
    """Counts that cannot be true of one meeting (a field error, not an invalid meeting)."""
    errors: dict[str, str] = {}
    for name in ("entitled", "present", "for_", "against", "abstaining", "households", "households_present"):
        if getattr(t, name) < 0:
            errors[name.rstrip("_")] = str(_("Must not be negative."))
    if t.entitled <= 0:
        errors["entitled"] = str(_("The number entitled to attend must be at least 1."))
    if t.present > t.entitled:
        errors["present"] = str(_("More present than entitled to attend."))
    if t.for_ + t.against + t.abstaining > t.present:
        errors["for"] = str(_("For, against and abstaining add up to more than those present."))
    if t.households_present > t.households:
        errors["households_present"] = str(_("More households represented than the village has."))
    return errors


def at_least_two_thirds(part: int, whole: int) -> bool:
    return 3 * part >= 2 * whole


def more_than_half(part: int, whole: int) -> bool:
    return 2 * part > whole


def verdict(meeting: str, t: Tally, *, one_matter: bool = False) -> Verdict:
    """Whether a meeting of type `meeting` with tally `t` was quorate and approved the matter.

    党员大会 and 村民代表会议: at least 2/3 of the entitled present. 村民会议: more than half of the adult villagers,
    or representatives of at least 2/3 of the households. Committees (党支部委员会, 两委联席会议): more than half of
    their members. Approval: more than half of those present; for 一事一议, at least 2/3 of those present."""
    reasons: list[str] = []
    if meeting in (MeetingType.PARTY_MEMBERS, MeetingType.REPRESENTATIVES):
        quorum = at_least_two_thirds(t.present, t.entitled)
        if not quorum:
            reasons.append(str(_("Fewer than two thirds of those entitled were present.")))
    elif meeting == MeetingType.VILLAGERS:
        quorum = more_than_half(t.present, t.entitled) or (
            t.households > 0 and at_least_two_thirds(t.households_present, t.households)
        )
        if not quorum:
            reasons.append(
                str(_("Neither more than half of the adult villagers nor two thirds of the households were present."))
            )
    else:
        quorum = more_than_half(t.present, t.entitled)
        if not quorum:
            reasons.append(str(_("Not more than half of the members were present.")))
    if one_matter and meeting in (MeetingType.VILLAGERS, MeetingType.REPRESENTATIVES):
        approved = t.present > 0 and at_least_two_thirds(t.for_, t.present)
        if not approved:
            reasons.append(str(_("Fewer than two thirds of those present approved (one matter, one discussion).")))
    else:
        approved = more_than_half(t.for_, t.present)
        if not approved:
            reasons.append(str(_("Not more than half of those present approved.")))
    return Verdict(quorum, approved, tuple(reasons))


# Days after a period ends by which its publication is due, unless the item says otherwise (e.g. "每季度首月20日").
DEFAULT_DUE_DAY = 20
# Days after an approval within which a matter for publication at once must be published (陕西 implementing rules).
IMMEDIATE_DAYS = 5


def _month_start(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due_on: date


def periods(cadence: str, since: date, until: date, due_day: int = DEFAULT_DUE_DAY) -> list[Period]:
    """The periods of a periodic cadence that began on or after the period holding `since` and ended before
    `until` (a period is published after it ends), each due on `due_day` of the month after it ended."""
    months = CADENCE_MONTHS.get(cadence)  # type: ignore[call-overload]
    if months is None:
        return []
    first = date(since.year, (since.month - 1) // months * months + 1, 1)
    found: list[Period] = []
    start = first
    while True:
        following = _month_start(start, months)
        end = following - timedelta(days=1)
        if end >= until:
            return found
        last_day = (_month_start(following, 1) - timedelta(days=1)).day
        found.append(Period(start, end, following.replace(day=min(max(due_day, 1), last_day))))
        start = following


def period_label(cadence: str, start: date) -> str:
    """2026年3月, 2026年第1季度, 2026年上半年, 2026年度."""
    if cadence == "monthly":
        return f"{start.year}年{start.month}月"
    if cadence == "quarterly":
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if cadence == "half_yearly":
        return f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    return f"{start.year}年度"
