"""Fill each existing case's history anchor (its latest event's seq and hash) from its events."""

from typing import Any

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    latest = CaseEvent.objects.filter(case_id=OuterRef("pk")).order_by("-seq")
    Case.objects.filter(last_event_seq__isnull=True).update(
        last_event_seq=Subquery(latest.values("seq")[:1]), last_event_hash=Subquery(latest.values("hash")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_case_history_anchor")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
