"""The three national pension schemes, by their insurance-type codes (险种类型), each on a 12-month cycle."""

from typing import Any

from django.db import migrations

SCHEMES = (
    ("170", "城乡居民基本养老保险"),
    ("110", "企业职工基本养老保险"),
    ("120", "机关事业单位养老保险"),
)


def add(apps: Any, schema_editor: Any) -> None:
    Scheme = apps.get_model("pension", "Scheme")
    for code, name in SCHEMES:
        Scheme.objects.get_or_create(code=code, defaults={"name": name, "cycle_months": 12, "grace_days": 0})


class Migration(migrations.Migration):
    dependencies = [("pension", "0001_register")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
