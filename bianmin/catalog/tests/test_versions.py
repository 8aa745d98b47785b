"""Items are versioned: an edit writes a new version, old versions never change, nothing changed means no
new version; every rule of DESIGN §4.1 is checked with a message on the field."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from bianmin.catalog.content import MaterialContent, clean_content, content_of
from bianmin.catalog.models import ItemMaterial, ItemVersion, ServiceItem
from bianmin.catalog.services import attach_material_file, create_item, set_active, update_item
from bianmin.catalog.tests.factories import content, new_item
from bianmin.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.org.models import AuditEntry


def test_an_edit_writes_a_new_version_and_leaves_the_old_one_alone(county):
    item = new_item(county["rsj"])
    first = item.current
    first_materials = list(first.materials.values_list("name", "position"))

    edited = content(unit=county["rsj"], promised_limit=15, materials=(MaterialContent("低保申请书"),))
    item, changed = update_item(item, actor=county.people["county_admin"], content=edited, version=1)

    assert changed and item.current.number == 2 and item.current.promised_limit == 15
    old = ItemVersion.objects.get(pk=first.pk)
    assert (old.number, old.promised_limit) == (1, 20)
    assert list(old.materials.values_list("name", "position")) == first_materials
    assert list(item.current.materials.values_list("name", flat=True)) == ["低保申请书"]
    assert AuditEntry.objects.filter(action="catalog.item.version", object_id=str(item.pk)).count() == 2


def test_saving_the_same_content_writes_no_version(county):
    item = new_item(county["rsj"])
    same = content_of(item.current)
    _item, changed = update_item(item, actor=None, content=same)
    assert not changed and item.versions.count() == 1


def test_a_stale_edit_is_refused(county):
    item = new_item(county["rsj"])
    update_item(item, actor=None, content=content(promised_limit=10))
    with pytest.raises(Conflict):
        update_item(item, actor=None, content=content(promised_limit=5), version=1)
    assert ServiceItem.objects.get(pk=item.pk).current.promised_limit == 10


def test_only_administrators_of_the_implementing_unit_may_edit(county):
    item = new_item(county["rsj"])
    for persona in ("township_admin", "supervisor", "dept", "outsider"):
        with pytest.raises(PermissionDenied):
            update_item(item, actor=county.people[persona], content=content(trips=0))
    assert item.versions.count() == 1


def test_validation_reports_every_broken_rule_on_its_field_in_chinese(county):
    bad = content(
        name=" ",
        levels=(),
        promised_limit=40,
        consult_phone="12",
        charges=True,
        fee_basis="",
        delegated_down=True,
        handling_forms=("window", "fax"),
        materials=(MaterialContent("身份证"), MaterialContent("身份证", copies=0)),
    )
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as caught:
        create_item(
            actor=None, basic_code="000200001000", code="11500236000000001000200001000", unit=county["rsj"], content=bad
        )
    fields = {name: str(text) for name, text in caught.value.fields.items()}
    assert fields["name"] == "该字段为必填项。"
    assert "至少" in fields["levels"] and "县级" in fields["levels"]
    assert "承诺办结时限不能超过法定办结时限" in fields["promised_limit"]
    assert "12345" in fields["consult_phone"]
    assert "收费依据" in fields["fee_basis"]
    assert "乡镇" in fields["delegated_down"]
    assert "代办" in fields["handling_forms"]
    assert "同名" in fields["materials.1.name"] and "1" in fields["materials.1.copies"]
    assert ServiceItem.objects.count() == 0


def test_an_item_handled_jointly_has_a_legal_limit_of_at_most_45_working_days(county):
    # Given the homestead approval, handled jointly by several departments (行政许可法 第42条: 45 days)
    assert content("农村宅基地建房审批").joint_handling
    # When its legal limit is one working day longer, then it is refused on that field, in the user's language
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as caught:
        new_item(county["baidi"], "农村宅基地建房审批", legal_limit=46)
    assert {name: str(text) for name, text in caught.value.fields.items()} == {
        "legal_limit": "联合办理的事项，法定办结时限最长为45个工作日。"
    }
    with translation.override("en"), pytest.raises(InvalidInput) as english:
        clean_content(content("农村宅基地建房审批", legal_limit=46))
    message = str(english.value.fields["legal_limit"])
    assert message == "An item handled jointly has a legal time limit of at most 45 working days."
    assert not ServiceItem.objects.exists()
    # And 45 working days are accepted
    version = new_item(county["baidi"], "农村宅基地建房审批", legal_limit=45).current
    assert (version.joint_handling, version.legal_limit, version.legal_limit_unit) == (True, 45, "working_days")


def test_codes_are_checked(county):
    with pytest.raises(InvalidInput) as caught:
        new_item(county["rsj"], code="abc")
    assert set(caught.value.fields) == {"code"}
    new_item(county["rsj"], code="115002360000000010002000001")
    with pytest.raises(InvalidInput) as again:
        new_item(county["rsj"], "临时救助", code="115002360000000010002000001")
    assert "已被" in str(again.value.fields["code"])


def test_a_file_added_to_a_material_is_a_new_version_and_kept_by_later_edits(county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = new_item(county["rsj"])
    pdf = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 blank form")
    item = attach_material_file(item, actor=county.people["county_admin"], position=1, which="blank_form", upload=pdf)
    assert item.current.number == 2
    form = ItemMaterial.objects.get(version=item.current, position=1).blank_form
    with form.open("rb") as stored:
        assert form.name.endswith("申请书.pdf") and stored.read() == b"%PDF-1.4 blank form"
    assert not ItemMaterial.objects.get(version__number=1, version__item=item, position=1).blank_form

    # An edit that does not mention the file keeps it (matched by the material's name).
    again = replace(content(), promised_limit=12)
    item, _changed = update_item(item, actor=None, content=again)
    assert ItemMaterial.objects.get(version=item.current, position=1).blank_form.name == form.name

    with pytest.raises(InvalidInput):
        attach_material_file(
            item, actor=None, position=1, which="sample", upload=SimpleUploadedFile("x.pdf", b"MZ not a pdf")
        )
    assert item.versions.count() == 3


def test_deactivated_items_keep_their_versions(county):
    item = new_item(county["rsj"])
    set_active(item, actor=county.people["county_admin"], active=False)
    assert not ServiceItem.objects.get(pk=item.pk).active and item.versions.count() == 1
