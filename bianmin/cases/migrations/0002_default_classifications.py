from django.db import migrations

# The four classifications of the source's three-level analysis; administrators may add more.
DEFAULTS = [
    ("reasonable", "合理诉求"),
    ("unreasonable", "不合理诉求"),
    ("policy", "政策咨询"),
    ("dispute", "矛盾纠纷"),
]


def add_defaults(apps, schema_editor):
    Classification = apps.get_model("cases", "Classification")
    for code, name in DEFAULTS:
        Classification.objects.get_or_create(code=code, defaults={"name": name})


def remove_defaults(apps, schema_editor):
    Classification = apps.get_model("cases", "Classification")
    Classification.objects.filter(code__in=[code for code, _name in DEFAULTS], case__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_case_core")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
