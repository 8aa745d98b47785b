from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """The service catalogue (办事指南): standardized items, their versions and materials, the guide pages."""

    name = "bianmin.catalog"
    label = "catalog"
    verbose_name = _("Service catalogue")
