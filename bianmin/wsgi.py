import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
application = get_wsgi_application()

# The server's workers deliver notifications on a courier thread after each commit (NOTIFY_IN_BACKGROUND).
from bianmin.cases.notifications import courier  # noqa: E402 (needs the application set up)

courier.in_server = True
