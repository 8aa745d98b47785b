"""No biometric data anywhere (DESIGN §4.6): no field of the app could hold a fingerprint, a face image or a
template; the only file is a home visit's photo of the visit."""

from __future__ import annotations

from django.apps import apps
from django.db import models

FORBIDDEN = ("finger", "face", "iris", "biometric", "template", "feature", "minutia", "vein", "palm", "voice")


def test_no_field_of_the_pension_app_can_hold_biometric_data():
    fields = [(m.__name__, f) for m in apps.get_app_config("pension").get_models() for f in m._meta.get_fields()]
    named = [f"{m}.{f.name}" for m, f in fields if any(word in f.name.lower() for word in FORBIDDEN)]
    binary = [f"{m}.{f.name}" for m, f in fields if isinstance(f, models.BinaryField)]
    files = sorted(f"{m}.{f.name}" for m, f in fields if isinstance(f, models.FileField))
    assert named == [] and binary == []
    assert files == ["Certification.photo", "ImportJob.file"]
