"""The catalogue in the staff's Excel layout: a round trip changes nothing, a bad file changes nothing and
says where each problem is."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from bianmin.catalog.excel import ImportFailed, export_items, import_items
from bianmin.catalog.models import ItemVersion, ServiceItem
from bianmin.catalog.tests.factories import new_item


@pytest.fixture
def two_items(county):
    return [new_item(county["rsj"]), new_item(county["baidi"], "农村宅基地建房审批")]


def exported(items=None) -> io.BytesIO:
    buffer = io.BytesIO()
    export_items(items if items is not None else ServiceItem.objects.all(), buffer)
    buffer.seek(0)
    return buffer


def test_the_workbook_has_the_staff_layout(two_items):
    book = load_workbook(exported())
    assert book.sheetnames == ["事项", "材料"]
    items, materials = book["事项"], book["材料"]
    headings = [cell.value for cell in items[1]]
    assert headings[:6] == ["基本编码", "实施编码", "事项名称", "事项类型", "设定依据", "行使层级"]
    row = {h: c.value for h, c in zip(headings, items[2], strict=True)}
    assert row["事项名称"] == "最低生活保障申请" and row["事项类型"] == "行政给付"
    assert row["行使层级"] == "乡镇级、村级" and row["办理形式"] == "窗口办理、代办"
    assert (row["承诺办结时限"], row["承诺时限单位"]) == (20, "工作日") and row["是否下放"] == "是"
    homestead = {h: c.value for h, c in zip(headings, items[3], strict=True)}
    assert (row["是否联合办理"], homestead["是否联合办理"]) == ("否", "是")
    assert headings.index("是否联合办理") == headings.index("是否下放") + 1
    assert [c.value for c in materials[1]][:4] == ["实施编码", "序号", "材料名称", "是否必要"]
    assert materials.max_row - 1 == sum(i.current.materials.count() for i in two_items)


def test_round_trip_changes_nothing_and_writes_no_version(two_items):
    versions = ItemVersion.objects.count()
    result = import_items(exported(), actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert ItemVersion.objects.count() == versions


def test_import_into_an_empty_catalogue_recreates_the_same_items(two_items):
    before = {i.code: _snapshot(i) for i in ServiceItem.objects.all()}
    file = exported()
    _wipe()
    assert import_items(file, actor=None).created == 2
    assert {i.code: _snapshot(i) for i in ServiceItem.objects.all()} == before
    assert [i.current.joint_handling for i in ServiceItem.objects.order_by("basic_code")] == [False, True]


def _wipe():
    from bianmin.catalog.models import ItemMaterial

    ServiceItem.objects.update(current=None)
    ItemMaterial.objects.all().delete()
    ItemVersion.objects.all().delete()
    ServiceItem.objects.all().delete()


def _snapshot(item):
    from bianmin.catalog.content import content_of

    return (item.basic_code, item.unit_id, item.active, content_of(item.current))


def test_an_edited_cell_makes_one_new_version(two_items):
    book = load_workbook(exported())
    sheet = book["事项"]
    headings = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headings.index("承诺办结时限") + 1, value=15)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = import_items(buffer, actor=None)
    assert (result.updated, result.unchanged) == (1, 1)
    assert ServiceItem.objects.get(code=two_items[0].code).current.promised_limit == 15
    assert ItemVersion.objects.filter(item=two_items[0]).count() == 2


def test_the_joint_handling_cell_is_read_back(two_items):
    book = load_workbook(exported())
    sheet = book["事项"]
    col = {c.value: i + 1 for i, c in enumerate(sheet[1])}
    sheet.cell(row=2, column=col["是否联合办理"], value="是")  # 低保 (legal limit 30 working days) becomes joint
    sheet.cell(row=3, column=col["是否联合办理"], value="否")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    assert import_items(buffer, actor=None).updated == 2
    assert [i.current.joint_handling for i in ServiceItem.objects.order_by("basic_code")] == [True, False]


def test_a_bad_file_changes_nothing_and_says_where(two_items):
    book = load_workbook(exported())
    sheet = book["事项"]
    headings = [c.value for c in sheet[1]]
    col = {h: i + 1 for i, h in enumerate(headings)}
    sheet.cell(row=2, column=col["承诺办结时限"], value=15)  # a good change on row 2 ...
    sheet.cell(row=3, column=col["法定办结时限"], value="二十天")  # ... and bad cells on row 3
    sheet.cell(row=3, column=col["行使层级"], value="省级")
    sheet.append(["000200099000", "NEW0002000990001", "新事项", "行政许可"])  # a new row missing most cells
    book["材料"].cell(row=2, column=5, value="传真")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with translation.override("zh-hans"), pytest.raises(ImportFailed) as caught:
        import_items(buffer, actor=None)
    problems = "\n".join(caught.value.problems)
    assert "工作表「事项」第 3 行「法定办结时限」" in problems
    assert "工作表「事项」第 3 行「行使层级」" in problems and "县级、乡镇级、村级" in problems
    assert "工作表「材料」第 2 行「材料形式」" in problems
    assert "「实施主体编码」" in problems  # the new row has no unit
    assert ServiceItem.objects.get(code=two_items[0].code).current.promised_limit == 20
    assert not ServiceItem.objects.filter(code="NEW0002000990001").exists()


def test_a_rule_broken_on_a_later_row_rolls_back_the_rows_before(two_items):
    book = load_workbook(exported())
    sheet = book["事项"]
    col = {c.value: i + 1 for i, c in enumerate(sheet[1])}
    sheet.cell(row=2, column=col["承诺办结时限"], value=15)
    sheet.cell(row=3, column=col["承诺办结时限"], value=99)  # longer than the legal limit: a service rule
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with translation.override("zh-hans"), pytest.raises(ImportFailed) as caught:
        import_items(buffer, actor=None)
    assert "第 3 行「承诺办结时限」" in caught.value.problems[0]
    assert ServiceItem.objects.get(code=two_items[0].code).current.promised_limit == 20


def test_an_administrator_imports_only_within_their_scope(county, two_items):
    with pytest.raises(ImportFailed) as caught:
        import_items(exported(), actor=county.people["township_admin"])  # the file holds a county item
    assert "「实施编码」" in caught.value.problems[0]
    own = exported(ServiceItem.objects.filter(unit=county["baidi"]))
    assert import_items(own, actor=county.people["township_admin"]).unchanged == 1


def test_not_a_workbook(db):
    with pytest.raises(ImportFailed):
        import_items(io.BytesIO(b"hello"), actor=None)


def test_the_command_exports_and_imports(two_items, tmp_path):
    path = tmp_path / "catalogue.xlsx"
    out = io.StringIO()
    call_command("catalog", "export", str(path), stdout=out)
    call_command("catalog", "import", str(path), stdout=out)
    assert "2 unchanged" in out.getvalue()
    with pytest.raises(CommandError, match="no such file"):
        call_command("catalog", "import", str(tmp_path / "missing.xlsx"))
