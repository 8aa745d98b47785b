"""Fill `Case.origin_unit` for cases taken in before it existed: the village the case concerns, else the
unit its first event put it in (the unit that took it in)."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Case.objects.filter(origin_unit__isnull=True, village__isnull=False).update(origin_unit_id=F("village_id"))
    first_unit = CaseEvent.objects.filter(case_id=OuterRef("pk"), seq=1).values("to_unit_id")[:1]
    Case.objects.filter(origin_unit__isnull=True).update(origin_unit_id=Subquery(first_unit))
    # A case without any event cannot happen through the services; fall back to its handling unit.
    Case.objects.filter(origin_unit__isnull=True).update(origin_unit_id=F("unit_id"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_origin_unit_rating_appeal")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
