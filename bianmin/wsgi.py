import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application

from bianmin.handlers import Application  # noqa: E402 (needs the settings)

# Pages and session calls through the whole middleware; bearer-token API calls through the shorter chain.
application = Application()

# The server's workers deliver notifications on a courier thread after each commit (NOTIFY_IN_BACKGROUND).
from bianmin.cases.notifications import courier  # noqa: E402 (needs the application set up)

courier.in_server = True
