"""Citizens search in their own words (DESIGN §2.3); the same SQL answers on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bianmin.catalog.models import SearchSynonym, ServiceItem
from bianmin.catalog.presenters import filter_items
from bianmin.catalog.search import normalize, query_terms
from bianmin.catalog.tests.factories import BY_NAME, new_item

NAMES = [
    "最低生活保障申请",
    "特困人员救助供养申请",
    "临时救助",
    "残疾人证办理",
    "困难残疾人生活补贴和重度残疾人护理补贴申请",
    "农村宅基地建房审批",
    "农村危房改造补助申请",
    "生育登记",
    "出生登记（新生儿落户）",
    "城乡居民基本养老保险参保登记",
    "城乡居民基本医疗保险参保登记",
    "高龄津贴申领",
    "就业登记",
    "农机购置补贴",
    "居民身份证申领",
]


@pytest.fixture
def catalogue(county):
    for name in NAMES:
        unit = county["baidi"] if name == "农村宅基地建房审批" else county["rsj"]
        new_item(unit, name)
    return county


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("吃低保", "最低生活保障申请"),
        ("办残疾证", "残疾人证办理"),
        ("盖房子", "农村宅基地建房审批"),
        ("我想盖房子，要办什么手续？", "农村宅基地建房审批"),
        ("准生证", "生育登记"),
        ("新农合", "城乡居民基本医疗保险参保登记"),
        ("家里老人80岁了有补贴吗", "高龄津贴申领"),
        ("怎么办理身份证", "居民身份证申领"),
        ("五保户", "特困人员救助供养申请"),
        ("ＸＸ农机购置补贴", "农机购置补贴"),  # full-width letters are folded
    ],
)
def test_colloquial_queries_find_the_item_first(catalogue, query, first):
    found = list(filter_items(ServiceItem.objects.all(), q=query))
    assert found and found[0].name == first, [item.name for item in found]


def test_a_related_item_ranks_after_the_exact_one(catalogue):
    names = [item.name for item in filter_items(ServiceItem.objects.all(), q="办残疾证")]
    assert names[:2] == ["残疾人证办理", "困难残疾人生活补贴和重度残疾人护理补贴申请"]
    assert "最低生活保障申请" not in names


def test_nothing_is_found_for_unrelated_words_or_only_stop_words(catalogue):
    assert not filter_items(ServiceItem.objects.all(), q="火星签证").exists()
    assert not filter_items(ServiceItem.objects.all(), q="怎么办？").exists()


def test_a_synonym_added_by_an_administrator_works_at_once(catalogue):
    assert not filter_items(ServiceItem.objects.all(), q="买铁牛").filter(name="农机购置补贴").exists()
    SearchSynonym.objects.create(phrase="铁牛", canonical="农机")
    assert filter_items(ServiceItem.objects.all(), q="买铁牛").first().name == "农机购置补贴"


def test_filters_by_level_life_event_unit_and_proxy(catalogue):
    def names(**filters):
        return {item.name for item in filter_items(ServiceItem.objects.all(), **filters)}

    assert names(life_event="disability") == {
        "残疾人证办理",
        "困难残疾人生活补贴和重度残疾人护理补贴申请",
        "特困人员救助供养申请",
    }
    assert "残疾人证办理" in names(level="county") and "残疾人证办理" not in names(level="village")
    assert names(unit="500236101000") == {"农村宅基地建房审批"}
    proxied = names(proxy=True)
    assert "最低生活保障申请" in proxied and "残疾人证办理" not in proxied
    assert names(proxy=False) & proxied == set()
    assert names(q="低保", level="county") == set()


def test_query_terms_are_bigrams_without_stop_words():
    assert normalize("  最低生活保障（申请）ABC ") == "最低生活保障 申请 abc"
    assert query_terms("吃低保", [("低保", "最低生活保障")]) == ["最低", "低生", "生活", "活保", "保障"]
    assert query_terms("办残疾证 2024", []) == ["残疾", "疾证", "2024"]
    assert set(BY_NAME) >= set(NAMES)
