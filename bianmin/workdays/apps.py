from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """The official working-day calendar (holidays and make-up workdays) and deadline arithmetic."""

    name = "bianmin.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")
