from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Everything a citizen brings: one case core (number, events, deadline clock, rating) and its workflows."""

    name = "bianmin.cases"
    label = "cases"
    verbose_name = _("Cases")
