"""The duty app's fixed vocabularies: kinds of duty place, which days a layer covers, changes and their states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

# The platform's catalogue has other words for some of these (Accept → 受理, Village hall → 村便民服务中心):
# the "duty" context keeps ours.


class PlaceKind(models.TextChoices):
    VILLAGE_HALL = "village_hall", pgettext_lazy("duty", "Village hall")  # 村（社区）便民服务站值班
    RECEPTION_ROOM = "reception_room", pgettext_lazy("duty", "Petition reception room")  # 乡镇信访接待室
    ON_CALL = "on_call", pgettext_lazy("duty", "Township on-call duty")  # 乡镇值班（双休日、节假日）


class DayRule(models.TextChoices):
    """Which days a layer covers; the official calendar (调休 included) decides working and rest days."""

    MONDAYS = "mondays", pgettext_lazy("duty", "Mondays that are working days")
    WORKING_DAYS = "working_days", pgettext_lazy("duty", "Working days")
    REST_DAYS = "rest_days", pgettext_lazy("duty", "Rest days and holidays")
    EVERY_DAY = "every_day", pgettext_lazy("duty", "Every day")


class SlotSource(models.TextChoices):
    """Why a person is on a resolved day: the rule, a holiday plan, or an approved change."""

    EVERYONE = "everyone", pgettext_lazy("duty", "Everyone in")
    ROTATION = "rotation", pgettext_lazy("duty", "Rotation")
    HOLIDAY_PLAN = "holiday_plan", pgettext_lazy("duty", "Holiday plan")
    SUBSTITUTE = "substitute", pgettext_lazy("duty", "Substitute")
    SWAP = "swap", pgettext_lazy("duty", "Swap")


class ChangeKind(models.TextChoices):
    LEAVE = "leave", pgettext_lazy("duty", "Leave")
    SUBSTITUTE = "substitute", pgettext_lazy("duty", "Substitute")
    SWAP = "swap", pgettext_lazy("duty", "Swap")


class ChangeState(models.TextChoices):
    REQUESTED = (
        "requested",
        pgettext_lazy("duty", "Requested"),
    )  # waiting for the colleague (a leave goes straight to the head)
    ACCEPTED = "accepted", pgettext_lazy("duty", "Accepted by the colleague")  # waiting for the head
    APPROVED = "approved", pgettext_lazy("duty", "Approved")
    DECLINED = "declined", pgettext_lazy("duty", "Declined by the colleague")
    REJECTED = "rejected", pgettext_lazy("duty", "Rejected by the head")
    WITHDRAWN = "withdrawn", pgettext_lazy("duty", "Withdrawn")


class ChangeAction(models.TextChoices):
    REQUEST = "request", pgettext_lazy("duty", "Request")
    ACCEPT = "accept", pgettext_lazy("duty", "Accept")
    DECLINE = "decline", pgettext_lazy("duty", "Decline")
    APPROVE = "approve", pgettext_lazy("duty", "Approve")
    REJECT = "reject", pgettext_lazy("duty", "Reject")
    WITHDRAW = "withdraw", pgettext_lazy("duty", "Withdraw")


class MonthState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("duty", "Draft")
    PUBLISHED = "published", pgettext_lazy("duty", "Published")


class ReminderKind(models.TextChoices):
    TOMORROW = "tomorrow", pgettext_lazy("duty", "On duty tomorrow")
    MISSING = "missing", pgettext_lazy("duty", "Not checked in")
