from enum import StrEnum


class PensionError(StrEnum):
    """Stable codes of the pension app's refusals (the API answers 409 for the conflicts)."""

    STOPPED = "pensioner_stopped"  # a stopped pensioner cannot be certified, suspended or stopped again
    DUPLICATE_ID_NUMBER = "duplicate_id_number"
