from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillageConfig(AppConfig):
    name = "bianmin.village"
    label = "village"
    verbose_name = _("Village affairs")
