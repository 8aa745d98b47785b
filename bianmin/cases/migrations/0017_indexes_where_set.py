"""Fewer indexes for every write to keep (issue 6): an update that changes the status writes a new entry into
every index of the case, so

- a foreign key whose column leads a composite index (unit, village, origin_unit) has no index of its own;
- a link most rows lack (category, citizen, handler, classification, merged-into; an event's units; a
  notification's unit) is indexed only where set, which still serves every lookup by it;
- PostgreSQL's second index on a unique text column, for LIKE 'prefix%' (Django's `_like`), is dropped from
  the case number and the notification key: neither is ever matched by prefix.

The old indexes are dropped by name rather than by altering the fields: SQLite alters a field by copying the
table, which would drop the triggers of migration 0016 with it."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column, the index Django made for the foreign key)
FOREIGN_KEY_INDEXES = [
    ("cases_case", "category_id", "cases_case_category_id_c6dc5a5a"),
    ("cases_case", "citizen_id", "cases_case_citizen_id_f15adce1"),
    ("cases_case", "classification_id", "cases_case_classification_id_4c6c4bc1"),
    ("cases_case", "handler_id", "cases_case_handler_id_21cefe0d"),
    ("cases_case", "master_id", "cases_case_master_id_094bdabe"),
    ("cases_case", "origin_unit_id", "cases_case_origin_unit_id_8a094a96"),
    ("cases_case", "unit_id", "cases_case_unit_id_f34fc706"),
    ("cases_case", "village_id", "cases_case_village_id_9afc21ac"),
    ("cases_caseevent", "from_unit_id", "cases_caseevent_from_unit_id_41dc765e"),
    ("cases_caseevent", "to_unit_id", "cases_caseevent_to_unit_id_7e9c251b"),
    ("cases_notification", "unit_id", "cases_notification_unit_id_c79c56eb"),
]
# PostgreSQL only: (table, column, Django's varchar_pattern_ops index beside the unique one)
LIKE_INDEXES = [
    ("cases_case", "number", "cases_case_number_980c9551_like"),
    ("cases_notification", "dedupe_key", "cases_notification_dedupe_key_25f87533_like"),
]


def drop(apps: Any, schema_editor: Any) -> None:
    like = LIKE_INDEXES if schema_editor.connection.vendor == "postgresql" else []
    for _table, _column, name in FOREIGN_KEY_INDEXES + like:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"', params=None)


def restore(apps: Any, schema_editor: Any) -> None:
    for table, column, name in FOREIGN_KEY_INDEXES:
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")', params=None)
    if schema_editor.connection.vendor == "postgresql":
        for table, column, name in LIKE_INDEXES:
            schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}" varchar_pattern_ops)', params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_open_case_text_triggers"),
        ("org", "0003_org_version_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="cases.category",
                        verbose_name="category",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="citizen",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="cases",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="citizen account",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="classification",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="cases.classification",
                        verbose_name="classification",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="handler",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="handled_cases",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="handler",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="master",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="duplicates",
                        to="cases.case",
                        verbose_name="merged into",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="origin_unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.unit",
                        verbose_name="unit of origin",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="org.unit",
                        verbose_name="handling unit",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="village",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.unit",
                        verbose_name="village or community",
                    ),
                ),
                migrations.AlterField(
                    model_name="caseevent",
                    name="from_unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.unit",
                    ),
                ),
                migrations.AlterField(
                    model_name="caseevent",
                    name="to_unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.unit",
                    ),
                ),
                migrations.AlterField(
                    model_name="notification",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="org.unit",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop, restore)],
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("category__isnull", False)), fields=["category"], name="cases_case_category"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("citizen__isnull", False)), fields=["citizen"], name="cases_case_citizen"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("handler__isnull", False)), fields=["handler"], name="cases_case_handler"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("classification__isnull", False)),
                fields=["classification"],
                name="cases_case_classification",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("master__isnull", False)), fields=["master"], name="cases_case_master"
            ),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(
                condition=models.Q(("from_unit__isnull", False)), fields=["from_unit"], name="cases_event_from_unit"
            ),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(
                condition=models.Q(("to_unit__isnull", False)), fields=["to_unit"], name="cases_event_to_unit"
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("unit__isnull", False)), fields=["unit"], name="cases_notification_unit"
            ),
        ),
    ]
