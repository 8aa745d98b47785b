from django.db import models
from django.utils.translation import gettext_lazy as _


class Workflow(models.TextChoices):
    GRIEVANCE = "grievance", _("Grievance")
    APPLICATION = "application", _("Application")


class CaseKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    HELP = "help", _("Request for help")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report")
    PETITION = "petition", _("Petition")
    APPLICATION = "application", _("Application for a service item")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    WEB = "web", _("Web")
    MOBILE = "mobile", _("Mobile")
    WINDOW = "window", _("Service window")
    VILLAGE_HALL = "village_hall", _("Village hall")
    RECEPTION = "reception", _("Reception visit")
    LETTER = "letter", _("Letter")
    NOTICE_QUESTION = "notice_question", _("Question on a village notice")
    OPEN311 = "open311", _("Open311")
    SUPERVISION = "supervision", _("Raised by a supervision check")  # the platform's own finding (a conflict flag)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    HOURS = "hours", _("hours")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting acceptance")
    SUPPLEMENT = "supplement", _("Awaiting supplementary materials")
    ACCEPTED = "accepted", _("Accepted, awaiting handling")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused, waiting for the citizen")
    REPLIED = "replied", _("Replied")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    REFUSED = "refused", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged into another case")


# States in which the case is still being worked on.
OPEN_STATUSES = frozenset(
    {
        CaseStatus.SUBMITTED,
        CaseStatus.SUPPLEMENT,
        CaseStatus.ACCEPTED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.PAUSED,
        CaseStatus.REPLIED,
    }
)
# Open states in which the clock stands still: waiting for the citizen, or an application's special procedure
# or supplement.
PAUSED_STATUSES = frozenset({CaseStatus.PAUSED, CaseStatus.SUPPLEMENT})
# "Completed or later" (DESIGN §5): what counts as completed at a moment.
DONE_STATUSES = frozenset({CaseStatus.COMPLETED, CaseStatus.CLOSED})


class AnalysisLevel(models.TextChoices):
    """The three-level analysis (三级研判): village → resident work team → township; then county departments."""

    VILLAGE = "village", _("Village")
    WORK_TEAM = "work_team", _("Resident work team")
    TOWNSHIP = "township", _("Township")
    COUNTY = "county", _("County department")


class Rating(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class RatingAppeal(models.TextChoices):
    """The unit's appeal against a malicious bad rating (申诉复核, DESIGN §4.4); upheld leaves the rates."""

    NONE = "", _("No appeal")
    PENDING = "pending", _("Appeal awaiting review")
    UPHELD = "upheld", _("Appeal upheld: rating excluded")
    REJECTED = "rejected", _("Appeal rejected: rating stands")


class DueWarning(models.TextChoices):
    NORMAL = "normal", _("On time")
    YELLOW = "yellow", _("Due within one working day")
    RED = "red", _("Overdue")
    PAUSED = "paused", _("Clock paused")
    NONE = "none", _("No deadline")


class Decision(models.TextChoices):
    """An application's decision (行政许可法 第38条): granted, or refused with the reason and the remedies."""

    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")


class SpecialProcedure(models.TextChoices):
    """Time not counted in an application's limit (行政许可法 第45条)."""

    HEARING = "hearing", _("Hearing")
    TESTING = "testing", _("Testing or inspection")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    ON_SITE = "on_site", _("On-site verification")


class DeliveryMethod(models.TextChoices):
    """How the result reaches the applicant (送达); collecting it at a window costs a trip."""

    WINDOW = "window", _("Collected at the window")
    POST = "post", _("By post")
    VILLAGE_PROXY = "village_proxy", _("Through the village proxy")
    ELECTRONIC = "electronic", _("Electronically")
