from enum import StrEnum


class DutyError(StrEnum):
    """Stable codes of the duty app's refusals (409 unless noted)."""

    ILLEGAL_TRANSITION = "duty_illegal_transition"
    CALENDAR_MISSING = "duty_calendar_missing"  # a year without the official holiday schedule
    MONDAY_SHORT = "duty_monday_short"  # a change would leave a Monday short of its required attendance
    NO_LEADER = "duty_no_leader"  # a change would leave a reception day without a leader
    GAP_NEEDS_REASON = "duty_gap_needs_reason"  # publishing a month with gaps needs a reason
    NOT_HEAD = "duty_not_head"  # only the place's designated head approves changes
    ALREADY_A_CASE = "duty_already_a_case"
