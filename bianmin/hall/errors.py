from enum import StrEnum


class HallError(StrEnum):
    """Stable codes of the hall's refusals (the API answers 409 for a conflict, 403 for the sign-in rules)."""

    ILLEGAL_TRANSITION = "illegal_transition"
    NOT_SIGNED_IN = "not_signed_in"
    NOT_FORMAL_STAFF = "not_formal_staff"
    WINDOW_TAKEN = "window_taken"
    WINDOW_NOT_OPEN = "window_not_open"
    QUEUE_EMPTY = "queue_empty"
    DAILY_CAP = "daily_cap"
    OUTSIDE_HOURS = "outside_hours"
    ALREADY_RATED = "already_rated"
    BUSY = "busy"
