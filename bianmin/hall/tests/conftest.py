from __future__ import annotations

from importlib import import_module

import pytest

from bianmin.conftest import County
from bianmin.hall.tests.factories import HallData, make_hall


@pytest.fixture
def hall(county: County) -> HallData:
    return make_hall(county["center"])


@pytest.fixture
def finding_kinds(db: None) -> None:
    """The default checklist, as migration 0002 writes it (a transactional test's flush removes it)."""
    from django.apps import apps

    import_module("bianmin.hall.migrations.0002_default_finding_kinds").add(apps, None)
