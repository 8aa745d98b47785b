"""The hall's states, actions and kinds as `TextChoices` (labels in English; zh-hans through the catalogue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WindowState(models.TextChoices):
    OPEN = "open", pgettext_lazy("hall", "Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", pgettext_lazy("hall", "Closed")


class ServiceKind(models.TextChoices):
    """What a queue serves: an item of the catalogue (办事), or grievance intake (咨询投诉)."""

    ITEM = "item", _("Service item")
    GRIEVANCE = "grievance", _("Grievance intake")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    NO_SHOW = "no_show", _("No-show")
    SERVING = "serving", _("Being served")
    SUSPENDED = "suspended", pgettext_lazy("hall", "Suspended")
    FINISHED = "finished", _("Finished")
    EXPIRED = "expired", _("Expired")


class TicketAction(models.TextChoices):
    """Every change of a ticket, as its append-only event records it."""

    ISSUE = "issue", _("Take a ticket")
    CALL = "call", _("Call")
    RECALL = "recall", _("Call again")
    NO_SHOW = "no_show", _("Mark no-show")
    START = "start", _("Start serving")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    TRANSFER = "transfer", pgettext_lazy("hall", "Transfer")
    FINISH = "finish", _("Finish")
    EXPIRE = "expire", _("Expire at day end")
    OPEN_CASE = "open_case", _("Open a case for the visit")


class TicketChannel(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk")
    PHONE = "phone", _("Citizen's phone")
    STAFF = "staff", _("Issued by staff")


class GreenReason(models.TextChoices):
    """绿色通道: who is called before everyone else."""

    NONE = "", _("None")
    ELDERLY = "elderly", _("Elderly")
    DISABLED = "disabled", _("Disabled")
    VETERAN = "veteran", _("Veteran or soldier")


class WindowEventKind(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_OUT = "sign_out", _("Signed out")
    REFUSED = "refused", _("Sign-in refused")
    STATE = "state", _("State changed")


class PadLevel(models.IntegerChoices):
    """GB/T 39734's five levels (the same values as the case core's `Rating`)."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class ViolationStatus(models.TextChoices):
    """Where a violation stands on the escalation chain (蓝牌 → 黄牌 → 红牌): a reminder, a deadline to fix,
    fixed, or named in the hall-wide notice (通报批评)."""

    REMINDED = "reminded", _("Reminded (blue card)")
    FIX_ORDERED = "fix_ordered", _("To fix by a deadline (yellow card)")
    FIXED = "fixed", _("Fixed")
    NOTICED = "noticed", _("Named in the hall-wide notice (red card)")


class ViolationAction(models.TextChoices):
    """Every change of a violation, as its append-only event records it."""

    RECORD = "record", _("Recorded")
    ORDER_FIX = "order_fix", _("Order a fix by a deadline")
    CONFIRM_FIX = "confirm_fix", _("Confirm the fix")
    ESCALATE = "escalate", _("Name in the hall-wide notice")
    OVERDUE = "overdue", _("Not fixed by the deadline")
    ACCOUNT = "account", _("Hold accountable")


class Measure(models.TextChoices):
    """The accountability measures taken (责任追究)."""

    TALK = "talk", _("Admonitory talk")
    CRITICISM = "criticism", _("Criticism and education")
    WRITTEN_REVIEW = "review", _("Written self-examination")
    REMOVAL = "removal", _("Removal from the window")
    YEARLY_POINTS = "points", _("Points off the yearly assessment")
