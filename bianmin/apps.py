from django.apps import AppConfig


class BianminConfig(AppConfig):
    """The project package itself: base templates, static files, translations, platform commands."""

    name = "bianmin"
    verbose_name = "Bianmin"
