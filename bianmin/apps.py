from django.apps import AppConfig


class BianminConfig(AppConfig):
    """The project package itself: base templates, static files, translations, platform commands."""

    name = "bianmin"
    verbose_name = "Bianmin"

    def ready(self) -> None:
        from bianmin import database  # noqa: F401 (registers the `any_of` lookup the scoped queries use)
