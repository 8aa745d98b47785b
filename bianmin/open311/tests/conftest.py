"""Fixtures of the Open311 tests: two services of the test county (道路交通 with a required list question and a
multi-choice one, 供水 without questions), a client key for 奉节县 filing at the service center, a client that
speaks GeoReport v2 in either format, and the schema checks every answer goes through."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from django.test import Client
from lxml import etree

from bianmin.cases.choices import LimitUnit
from bianmin.cases.models import Category
from bianmin.open311.choices import Datatype
from bianmin.open311.models import ClientKey, ServiceAttribute
from bianmin.open311.services import issue_key

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
PHONE = "13812345678"
# The contact details every filed request in these tests carries, and no answer may contain.
CONTACT = {
    "first_name": "大山",
    "last_name": "张",
    "phone": PHONE,
    "email": "zhang.dashan@example.cn",
    "device_id": "device-7f3a9",
    "account_id": "acct-5521",
}


@cache
def xml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "georeport-v2.xsd")))


@cache
def json_validator(name: str) -> Any:
    schema = json.loads((SCHEMAS / "georeport-v2.json").read_text())
    return jsonschema_rs.validator_for({**schema, "$ref": f"#/$defs/{name}"})


def check_xml(body: bytes) -> etree._Element:
    """The body parsed and valid against the shipped XSD (raises with the schema's complaint)."""
    document = etree.fromstring(body)
    schema = xml_schema()
    assert schema.validate(document), schema.error_log.last_error
    return document


def check_json(name: str, body: bytes) -> Any:
    value = json.loads(body)
    errors = [str(e) for e in json_validator(name).iter_errors(value)]
    assert not errors, errors
    return value


@dataclass
class Geo:
    """A GeoReport v2 client of the test server; every answer is checked against the schemas."""

    client: Client
    key: str

    def get(self, path: str, fmt: str = "json", schema: str = "", **params: Any) -> Any:
        response = self.client.get(f"/open311/v2/{path}.{fmt}", params)
        return self._checked(response, fmt, schema)

    def post(self, fmt: str = "json", headers: dict[str, str] | None = None, **form: Any) -> Any:
        fields = {"api_key": self.key, **form}
        response = self.client.post(f"/open311/v2/requests.{fmt}", fields, headers=headers or {})
        return self._checked(response, fmt, "created")

    def _checked(self, response: Any, fmt: str, schema: str) -> Any:
        assert response.status_code < 500, response.content
        name = schema if response.status_code < 400 else "errors"
        if fmt == "xml":
            assert response["Content-Type"].startswith("text/xml")
            response.document = check_xml(response.content)
        else:
            assert response["Content-Type"].startswith("application/json")
            response.data = check_json(name, response.content) if name else json.loads(response.content)
        return response


@dataclass
class World:
    road: Category
    water: Category
    key: ClientKey
    secret: str


@pytest.fixture
def world(county) -> World:
    road = Category.objects.create(code="road", name="道路交通", limit_value=10, limit_unit=LimitUnit.WORKING_DAYS)
    water = Category.objects.create(code="water", name="供水", parent=None)
    ServiceAttribute.objects.create(
        category=road,
        code="damage",
        order=1,
        datatype=Datatype.SINGLEVALUELIST,
        required=True,
        description="损坏类型",
        values=[{"key": "collapse", "name": "塌方"}, {"key": "pothole", "name": "坑洼"}],
    )
    ServiceAttribute.objects.create(
        category=road,
        code="hazards",
        order=2,
        datatype=Datatype.MULTIVALUELIST,
        description="危险情况",
        values=[{"key": "night", "name": "夜间无照明"}, {"key": "school", "name": "上学路段"}],
    )
    ServiceAttribute.objects.create(category=road, code="width", order=3, datatype=Datatype.NUMBER, description="宽度")
    key, secret = issue_key(
        actor=county.people["county_admin"],
        name="测试客户端",
        jurisdiction=county["county"],
        intake_unit=county["center"],
    )
    return World(road=road, water=water, key=key, secret=secret)


@pytest.fixture
def geo(world: World) -> Geo:
    return Geo(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), world.secret)


def road_form(**changes: Any) -> dict[str, Any]:
    """A valid request for 道路交通 in 浣花村 (by its division code) with a photo."""
    form = {
        "service_code": "road",
        "address_id": "500236101201",
        "lat": "31.0185",
        "long": "109.4632",
        "attribute[damage]": "collapse",
        "description": "村道塌方，车辆无法通行。",
        "media_url": "https://photos.example.cn/p/123.jpg",
        **CONTACT,
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}
