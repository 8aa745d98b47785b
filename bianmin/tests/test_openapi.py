"""The OpenAPI document names each schema once: django-ninja keys components by class name, so two
schemas of one name would silently share a definition and one endpoint would be documented wrongly."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import bianmin.api  # noqa: F401 (registers every router and its schemas)


def subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= subclasses(sub)
    return found


def test_no_two_api_schemas_share_a_name():
    by_name: dict[str, set[str]] = defaultdict(set)
    for schema in subclasses(Schema):
        if schema.__module__.startswith("bianmin."):
            by_name[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")
    assert {name: places for name, places in by_name.items() if len(places) > 1} == {}
