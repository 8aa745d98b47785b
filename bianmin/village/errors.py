from enum import StrEnum


class VillageError(StrEnum):
    """Stable codes of the village app's refusals (the API answers 409 for the conflicts)."""

    ILLEGAL_TRANSITION = "village_illegal_transition"
    FROZEN = "village_published_text_frozen"
    STEP_OUT_OF_ORDER = "village_step_out_of_order"
    STEP_BLOCKED = "village_step_blocked"
    NO_REGISTER = "village_no_register"
    NOTICE_TOO_SHORT = "village_prior_notice_too_short"
    OVER_BUDGET = "village_over_budget"
    PROJECT_STATE = "village_project_state"
    NOT_PUBLISHED = "village_not_published"
    MEETING_NOT_VALID = "village_meeting_not_valid"
    FLAG_CLOSED = "village_flag_closed"
    ITEM_RETIRED = "village_catalogue_item_retired"
    ITEM_NOT_RETIRED = "village_catalogue_item_not_retired"
