"""Settings for pytest: the production settings, with static files served without a collected manifest."""

from bianmin.settings import *  # noqa: F403
from bianmin.settings import DATA_DIR, DATABASES, STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

if DATABASES["default"]["ENGINE"] == "bianmin.sqlite":
    # A file, not shared-cache memory: concurrency tests need real connections locking as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-bianmin.sqlite3")}

# Tests see a notification delivered when the action's transaction commits (one test runs the courier).
NOTIFY_IN_BACKGROUND = False
