from enum import StrEnum


class CaseError(StrEnum):
    """Stable codes of the case workflow's refusals (the API answers 409 for the first three)."""

    ILLEGAL_TRANSITION = "illegal_transition"
    STALE_VERSION = "stale_version"
    NOTHING_TO_RETURN = "nothing_to_return"
    REOPEN_WINDOW_CLOSED = "reopen_window_closed"
    UNKNOWN_ACTION = "unknown_action"
    NOTICE_TOO_LATE = "notice_too_late"
    BUSY = "busy"  # changed by others between every read and write of an action, many times over
