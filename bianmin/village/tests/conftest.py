from __future__ import annotations

from typing import Any

import pytest

from bianmin.org.choices import Role
from bianmin.org.tests.factories import member


@pytest.fixture
def village(county: Any) -> Any:
    """The shared county with a supervision committee member of 浣花村 (`monitor`) and one of 石马村."""
    county.people["monitor"] = member(county["huanhua"], Role.VILLAGE_MONITOR, username="monitor")
    county.people["monitor_b"] = member(county["shima"], Role.VILLAGE_MONITOR, username="monitor_b")
    return county
