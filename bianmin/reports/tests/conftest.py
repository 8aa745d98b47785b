"""Fixtures of the report tests: the case tests' service items, to file applications against."""

from bianmin.cases.tests.conftest import Items, items

__all__ = ["Items", "items"]
