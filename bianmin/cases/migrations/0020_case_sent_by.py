"""The unit that sent each case to its handling unit (where 退单 returns it), filled from the histories: the
sender of the latest transfer or escalation to the case's present unit."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    sent = CaseEvent.objects.filter(
        case_id=OuterRef("pk"), action__in=("transfer", "escalate"), to_unit_id=OuterRef("unit_id")
    ).order_by("-seq")
    Case.objects.filter(workflow="grievance").update(sent_by_id=Subquery(sent.values("from_unit_id")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_fill_history_anchor"),
        ("org", "0003_org_version_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="sent_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.unit",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
