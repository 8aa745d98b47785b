from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillageConfig(AppConfig):
    name = "bianmin.village"
    label = "village"
    verbose_name = _("Village affairs")

    def ready(self) -> None:
        # The decisions and projects modules hook into publishing (a resolution, a prior notice published).
        from bianmin.village import decisions, projects  # noqa: F401
