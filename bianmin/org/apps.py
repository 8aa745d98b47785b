from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """Units (the org tree), people, memberships, roles and the scope of what each may see."""

    name = "bianmin.org"
    label = "org"
    verbose_name = _("Organisation and people")
