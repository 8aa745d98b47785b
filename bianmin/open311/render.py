"""GeoReport v2 answers in both formats from one description: the same plain values become XML (lxml, a
stable root without namespaces) or JSON, and errors are `[{code, description}]` in the format asked for."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # (no stubs shipped)

from bianmin.open311.choices import Format
from bianmin.open311.params import CONTROL, SHANGHAI

# The element of each member of a list, by the list's name (GeoReport v2's XML).
MEMBERS = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "services": "service",
    "service_requests": "request",
    "service_requests_updates": "request_update",
    "errors": "error",
}


def plain(value: Any) -> Any:
    """A value as JSON and XML both carry it: moments in Asia/Shanghai with their offset (ISO 8601),
    coordinates as numbers; text without the control characters XML cannot hold. (Exact type tests, most
    frequent first: a full list is some 20,000 values.)"""
    kind = type(value)
    if kind is str:
        return CONTROL.sub("", value) if CONTROL.search(value) else value
    if kind is dict:
        return {k: plain(v) for k, v in value.items()}
    if kind is list:
        return [plain(v) for v in value]
    if kind is datetime:
        return value.astimezone(SHANGHAI).isoformat(timespec="seconds")
    if kind is Decimal:
        return float(value)
    if value is None or kind in (int, float, bool):
        return value
    return plain(str(value))  # a lazy translation, a choice: its text


def _fill(element: etree._Element, name: str, value: Any) -> None:
    kind = type(value)
    if kind is str:
        element.text = value
    elif kind is dict:
        for key, inner in value.items():
            _fill(etree.SubElement(element, key), key, inner)
    elif kind is list:
        member = MEMBERS.get(name, "item")
        for inner in value:
            _fill(etree.SubElement(element, member), member, inner)
    elif kind is bool:
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def to_xml(root: str, value: Any) -> bytes:
    element = etree.Element(root)
    _fill(element, root, plain(value))
    return bytes(etree.tostring(element, xml_declaration=True, encoding="utf-8"))


def respond(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    """`value` under the XML root `root` (a list's members named by MEMBERS), or as JSON."""
    if fmt == Format.JSON:
        body = json.dumps(plain(value), ensure_ascii=False).encode()
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    return HttpResponse(to_xml(root, value), status=status, content_type="text/xml; charset=utf-8")


def errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    """GeoReport v2's error body: one {code, description} per problem, the code being the HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status)
