import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402 (needs the settings)

# One middleware chain for every call; a bearer-token API call passes by the page-only ones (bianmin.middleware).
application = WSGIHandler()

# The server's workers deliver notifications on a courier thread after each commit (NOTIFY_IN_BACKGROUND).
from bianmin.cases.notifications import courier  # noqa: E402 (needs the application set up)

courier.in_server = True
