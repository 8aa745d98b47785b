"""A unit's official name (the organ's name on documents). SQLite adds a column with a default by remaking the
table, which drops the table's triggers: the organisation version's triggers on org_unit are made again."""

from importlib import import_module

from django.db import migrations, models

from bianmin.database import per_vendor

triggers = import_module("bianmin.org.migrations.0003_org_version_triggers")
UNIT_TRIGGERS = [
    statement
    for statement in triggers.SQLITE
    if statement.startswith("CREATE TRIGGER") and " ON org_unit\n" in statement
]
DROP_UNIT_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS org_version_org_unit_{event}" for event in ("insert", "update", "delete")
]


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_citizen_accounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="official_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="official name"),
        ),
        migrations.RunPython(
            per_vendor({"sqlite": DROP_UNIT_TRIGGERS + UNIT_TRIGGERS, "postgresql": []}),
            migrations.RunPython.noop,
        ),
    ]
