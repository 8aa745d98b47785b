"""The village app's fixed vocabularies: publicity categories and cadences, a publication's states and the
transition table that moves it, the channels, the 四议两公开 steps, meeting types and fund sources
(DESIGN §2.6, §4.5; ANCHORS §3)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.org.permissions import Permission


class PublicityCategory(models.TextChoices):
    PARTY = "party", _("Party affairs")
    VILLAGE = "village", pgettext_lazy("publicity category", "Village affairs")
    FINANCE = "finance", _("Finances")
    SERVICE = "service", _("Services")


class Cadence(models.TextChoices):
    """How often an item is published (组织法 第30条: routine at least quarterly, finances monthly where
    transactions are many, major matters at once)."""

    IMMEDIATE = "immediate", _("At once (within 5 days of approval)")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every half year")
    YEARLY = "yearly", _("Yearly")


# Months in each period of a periodic cadence.
CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.HALF_YEARLY: 6, Cadence.YEARLY: 12}


class ChannelKind(models.TextChoices):
    BOARD = "board", _("Notice board")
    FIXED_POINT = "fixed_point", _("Fixed notice point")
    WEB = "web", _("Web board")
    SCREEN = "screen", _("Electronic screen")
    BROADCAST = "broadcast", _("Village loudspeakers")
    GROUP_MESSAGE = "group_message", _("Group message")
    MEETING = "meeting", _("Meeting")


class Source(models.TextChoices):
    """What a publication was made from."""

    SCHEDULE = "schedule", _("Catalogue schedule")
    MANUAL = "manual", _("Drafted by the village")
    RESOLUTION = "resolution", _("Resolution of a decision")
    RESULT = "result", _("Result of a decision")
    PRIOR_NOTICE = "prior_notice", _("Project prior notice")
    COMPLETION = "completion", _("Project completion notice")
    CHARTER = "charter", _("Village rules or charter")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed by the supervision committee")
    PUBLISHED = "published", pgettext_lazy("publication", "Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PublicationAction(models.TextChoices):
    CREATE = "create", pgettext_lazy("publication", "Drafted")
    EDIT = "edit", pgettext_lazy("publication", "Edited")
    SIGN = "sign", pgettext_lazy("publication", "Reviewed and signed")
    RETURN = "return", pgettext_lazy("publication", "Returned with remarks")
    PUBLISH = "publish", pgettext_lazy("publication", "Publish")
    CORRECT = "correct", pgettext_lazy("publication", "Correct")
    WITHDRAW = "withdraw", pgettext_lazy("publication", "Withdraw")


@dataclass(frozen=True)
class Transition:
    """One row of a publication's life: from which states, to which, who may, and what must be given."""

    action: PublicationAction
    sources: frozenset[str]
    target: PublicationStatus
    permission: Permission
    needs_text: bool = False  # a new body (an edit or a correction)
    needs_reason: bool = False  # a withdrawal's or a correction's reason


S = PublicationStatus
TRANSITIONS: dict[str, Transition] = {
    row.action: row
    for row in (
        Transition(PublicationAction.EDIT, frozenset({S.DRAFT, S.SIGNED}), S.DRAFT, Permission.VILLAGE_CHANGE, True),
        Transition(PublicationAction.SIGN, frozenset({S.DRAFT}), S.SIGNED, Permission.VILLAGE_SIGN),
        Transition(PublicationAction.RETURN, frozenset({S.DRAFT, S.SIGNED}), S.DRAFT, Permission.VILLAGE_SIGN),
        Transition(PublicationAction.PUBLISH, frozenset({S.SIGNED}), S.PUBLISHED, Permission.VILLAGE_CHANGE),
        # A correction opens a new draft; the published version stays on the board until the new one is out.
        Transition(PublicationAction.CORRECT, frozenset({S.PUBLISHED}), S.DRAFT, Permission.VILLAGE_CHANGE, True, True),
        Transition(
            PublicationAction.WITHDRAW, frozenset({S.PUBLISHED}), S.WITHDRAWN, Permission.VILLAGE_CHANGE, False, True
        ),
    )
}


class DecisionKind(models.TextChoices):
    MAJOR = "major", _("Major matter (四议两公开)")
    ONE_MATTER = "one_matter", _("One matter, one discussion (一事一议)")


class Step(models.IntegerChoices):
    """The six steps of 四议两公开, in order."""

    PROPOSAL = 1, _("Proposal by the village Party organisation")
    CONSULTATION = 2, _("Consultation of the two committees")
    PARTY_REVIEW = 3, _("Review by the Party members' meeting")
    RESOLUTION = 4, _("Resolution of the villagers' (representatives') meeting")
    RESOLUTION_PUBLIC = 5, _("Resolution made public")
    RESULT_PUBLIC = 6, _("Result of the implementation made public")


MEETING_STEPS = (Step.PROPOSAL, Step.CONSULTATION, Step.PARTY_REVIEW, Step.RESOLUTION)


class MeetingType(models.TextChoices):
    BRANCH_COMMITTEE = "branch_committee", _("Party branch committee")
    TWO_COMMITTEES = "two_committees", _("Joint meeting of the two committees")
    PARTY_MEMBERS = "party_members", _("Party members' meeting")
    REPRESENTATIVES = "representatives", _("Villagers' representatives meeting")
    VILLAGERS = "villagers", _("Villagers' meeting")


# Which meeting may hold each meeting step.
STEP_MEETINGS: dict[int, frozenset[str]] = {
    Step.PROPOSAL: frozenset({MeetingType.BRANCH_COMMITTEE}),
    Step.CONSULTATION: frozenset({MeetingType.TWO_COMMITTEES}),
    Step.PARTY_REVIEW: frozenset({MeetingType.PARTY_MEMBERS}),
    Step.RESOLUTION: frozenset({MeetingType.REPRESENTATIVES, MeetingType.VILLAGERS}),
}


class DecisionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("decision", "In progress")
    BLOCKED = "blocked", _("Blocked: last meeting not valid")
    RESOLVED = "resolved", _("Resolved")
    DONE = "done", _("Done: result published")


class CharterKind(models.TextChoices):
    RULES = "rules", _("Village rules (村规民约)")
    CHARTER = "charter", _("Self-government charter (村民自治章程)")


class FundSource(models.TextChoices):
    POVERTY = "poverty", _("Poverty-alleviation (connection) funds")
    FISCAL = "fiscal", _("Fiscal award and subsidy")
    COLLECTIVE = "collective", _("Village collective funds")
    ONE_MATTER = "one_matter", _("One-matter fund raising")
    DONATION = "donation", _("Social donation")
    OTHER = "other", _("Other")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    NOTICED = "noticed", _("Prior notice displayed")
    STARTED = "started", _("Under way")
    COMPLETED = "completed", pgettext_lazy("project", "Completed")


class ConflictRole(models.TextChoices):
    CADRE = "cadre", _("Village cadre")
    MONITOR = "monitor", _("Supervision committee member")
    RELATIVE = "relative", _("Declared relative")


class FlagOutcome(models.TextChoices):
    """How the township closed a conflict-of-interest flag after checking it."""

    CLEARED = "cleared", _("Cleared: no conflict of interest")
    HANDLED = "handled", _("Confirmed and handled")
