"""Fill `CaseEvent.next_at` for the history written before it existed: the time of the case's next event."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    following = CaseEvent.objects.filter(case_id=OuterRef("case_id"), seq=OuterRef("seq") + 1).values("at")[:1]
    CaseEvent.objects.filter(next_at__isnull=True).update(next_at=Subquery(following))


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_event_next_at")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
