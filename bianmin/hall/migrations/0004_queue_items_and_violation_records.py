"""Data: each queue's one catalogue item becomes the first of its items, and each violation recorded before
the escalation chain gets its first event (a reminder, as its status says)."""

from typing import Any

from django.db import migrations


def forward(apps: Any, schema_editor: Any) -> None:
    queue = apps.get_model("hall", "QueueService")
    for service in queue.objects.filter(item__isnull=False):
        service.items.add(service.item_id)
    violation, event = apps.get_model("hall", "Violation"), apps.get_model("hall", "ViolationEvent")
    event.objects.bulk_create(
        event(violation=v, action="record", to_status=v.status, actor_id=v.finding.patrol.inspector_id, at=v.at)
        for v in violation.objects.filter(events__isnull=True).select_related("finding__patrol")
    )


def backward(apps: Any, schema_editor: Any) -> None:
    queue = apps.get_model("hall", "QueueService")
    for service in queue.objects.prefetch_related("items"):
        first = min((i.pk for i in service.items.all()), default=None)
        if first is not None:
            queue.objects.filter(pk=service.pk).update(item_id=first)
    apps.get_model("hall", "ViolationEvent").objects.filter(action="record").delete()


class Migration(migrations.Migration):
    dependencies = [("hall", "0003_escalation_assessment_items")]
    operations = [migrations.RunPython(forward, backward)]
