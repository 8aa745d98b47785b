"""The demo catalogue: every item passes the content rules; loading it again changes nothing."""

from __future__ import annotations

from bianmin.catalog.content import clean_content
from bianmin.catalog.demo import SPECS, content_for, load_demo_catalog
from bianmin.catalog.demo_items_work import HOMESTEAD
from bianmin.catalog.models import ItemVersion, ServiceItem


def test_every_demo_item_is_valid_and_the_levels_and_proxy_are_varied(county):
    contents = [clean_content(content_for(spec, county["rsj"])) for spec in [*SPECS, HOMESTEAD]]
    assert len(contents) >= 30
    assert {level for c in contents for level in c.levels} == {"county", "township", "village"}
    assert sum("proxy" in c.handling_forms for c in contents) >= 10
    assert sum(c.delegated_down for c in contents) >= 5
    joint = [c for c in contents if c.joint_handling]
    assert joint and all((c.legal_limit, c.legal_limit_unit) == (45, "working_days") for c in joint)
    assert len({c.name for c in contents}) == len(contents)


def test_loading_twice_writes_each_item_once(county):
    first = load_demo_catalog()
    versions = ItemVersion.objects.count()
    assert load_demo_catalog() == first
    assert ServiceItem.objects.count() == first and ItemVersion.objects.count() == versions == first
    homestead = ServiceItem.objects.get(name="农村宅基地建房审批")
    assert homestead.unit == county["baidi"]  # each township approves its own villagers' houses
