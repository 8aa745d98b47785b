"""Schema: a queue's items replace its one item (copied by 0004; its constraint went in 0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hall", "0004_queue_items_and_violation_records")]
    operations = [
        migrations.RemoveField(model_name="queueservice", name="item"),
    ]
