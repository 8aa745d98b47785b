from enum import StrEnum


class Open311Error(StrEnum):
    """Stable codes of the Open311 app's own refusals (beyond bianmin.errors.ErrorCode)."""

    KEY_THROTTLED = "key_throttled"  # the client key filed more requests this hour than it may
