"""The patrol's default checklist with its deductions (苍南县政务服务中心 2019: base 100 a month, late or early
within 10 minutes −1, missed sign-in −2, off post over 15 minutes −3, absent half a day −5), editable after."""

from decimal import Decimal
from typing import Any

from django.db import migrations

DEFAULTS = [
    ("late", "迟到早退（10分钟内）", "1"),
    ("no_sign_in", "未按规定签到签退", "2"),
    ("off_post", "离岗超过15分钟", "3"),
    ("absent_half_day", "旷岗半天", "5"),
    ("hired_at_window", "聘用人员在窗口上岗", "5"),
    ("phone_games", "上班玩手机、闲聊", "1"),
    ("attitude", "服务态度生硬、与群众争吵", "3"),
    ("other", "其他（不扣分，记录在案）", "0"),
]


def add(apps: Any, schema_editor: Any) -> None:
    kind = apps.get_model("hall", "FindingKind")
    for position, (code, name, points) in enumerate(DEFAULTS):
        kind.objects.get_or_create(code=code, defaults={"name": name, "points": Decimal(points), "position": position})


def remove(apps: Any, schema_editor: Any) -> None:
    apps.get_model("hall", "FindingKind").objects.filter(code__in=[c for c, _n, _p in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("hall", "0001_halls_windows_queue_patrols")]
    operations = [migrations.RunPython(add, remove)]
