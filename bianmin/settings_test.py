"""Settings for pytest: the production settings, with static files served without a collected manifest."""

from bianmin.settings import *  # noqa: F403
from bianmin.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
