from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """One day whose status an administrator sets by hand: a holiday or make-up workday from the State
    Council's schedule for a year the bundled calendar does not cover, or a local correction."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"))
    note = models.CharField(_("note"), max_length=100, blank=True, help_text=_("For example: 春节 or 国庆节调休上班."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'workday' if self.is_workday else 'day off'}"


class HolidaySchedule(models.Model):
    """The State Council's holiday schedule for a year, declared entered in full by an administrator.

    Until a year has one (or the bundled calendar covers it), deadlines in that year carry a warning.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("The notice the overrides were taken from, e.g. 国办发明电〔2026〕X号."),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
