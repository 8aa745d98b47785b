"""The register's workbook: every bad row reported by row, column and message, nothing written on error
unless told to skip bad rows; idempotent on the identity number; a later date is the office's data comparison."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook

from bianmin.pension.choices import EventKind, Method, PensionerStatus
from bianmin.pension.excel import COLUMNS, import_register
from bianmin.pension.models import Certification, Pensioner, PensionerEvent
from bianmin.pension.tests.factories import new_id, scheme

HEAD = [h for _f, h, _r in COLUMNS]


def workbook(rows: list[list[object]], head: list[str] = HEAD) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.fixture
def rows(county):
    scheme("170")
    huanhua, shima = county["huanhua"].code, county["shima"].code
    return [
        ["王德明", new_id(), "170", huanhua, "13812345678", "浣花村1组", "2026-03-01", "否"],
        ["李秀英", new_id(), "170", shima, "", "", date(2025, 12, 31), "是"],
        ["张光荣", new_id(), "170", huanhua, "023-56551234", "", "", ""],
    ]


def test_a_clean_file_is_written_and_importing_it_again_changes_nothing(county, rows):
    result = import_register(workbook(rows), actor=county.people["township_staff"])
    assert (result.written, result.created, result.problems) == (True, 3, [])
    first = Pensioner.objects.get(id_number=rows[0][1])
    assert (first.due_on, first.needs_home_visit) == (date(2027, 3, 1), False)
    assert Pensioner.objects.get(id_number=rows[1][1]).needs_home_visit
    stamps = dict(Pensioner.objects.values_list("id", "updated_at"))
    again = import_register(workbook(rows), actor=county.people["township_staff"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert dict(Pensioner.objects.values_list("id", "updated_at")) == stamps
    assert PensionerEvent.objects.count() == 3


def test_every_bad_row_is_reported_and_nothing_is_written(county, rows):
    bad = [
        *rows,
        ["", "11010519491231002X", "170", county["huanhua"].code, "", "", "", ""],  # no name, a real-format number
        ["赵", "500236195001010000", "999", county["other_village"].code, "12345", "", "2026-13-01", "也许"],
        ["钱", rows[0][1], "170", county["huanhua"].code, "", "", "", ""],  # the same person twice
    ]
    result = import_register(workbook(bad), actor=county.people["township_staff"])
    assert not result.written and Pensioner.objects.count() == 0
    found = {(p.row, p.column) for p in result.problems}
    assert found == {
        (5, "姓名"),
        (6, "公民身份号码"),
        (6, "险种类型"),
        (6, "村（社区）代码"),  # another county's village: not in the staff's scope
        (6, "联系电话"),
        (6, "上次认证日期"),
        (6, "需上门认证"),
        (7, "公民身份号码"),
    }
    assert "第" in str(result.problems[0]) or "Row" in str(result.problems[0])
    # When asked to skip the bad rows, the good ones are written
    skipped = import_register(workbook(bad), actor=county.people["township_staff"], skip_bad=True)
    assert (skipped.written, skipped.created, skipped.skipped) == (True, 3, 3)


def test_a_missing_column_is_reported_once(county):
    result = import_register(workbook([["王", new_id()]], head=["姓名", "公民身份号码"]), actor=None)
    assert [(p.row, p.column) for p in result.problems] == [(1, "险种类型、村（社区）代码")]


def test_a_later_date_is_a_data_comparison_that_resumes_a_suspended_pension(county, rows):
    import_register(workbook(rows), actor=None)
    p = Pensioner.objects.get(id_number=rows[1][1])
    Pensioner.objects.filter(pk=p.pk).update(status=PensionerStatus.SUSPENDED, suspended_from=date(2026, 2, 1))
    rows[1][6] = "2026-05-10"
    rows[1][4] = "13900001111"
    result = import_register(workbook(rows), actor=None)
    p.refresh_from_db()
    assert (result.updated, result.unchanged, result.certified) == (1, 2, 1)
    assert (p.status, p.phone, p.due_on) == (PensionerStatus.ACTIVE, "13900001111", date(2027, 5, 10))
    assert Certification.objects.get(pensioner=p).method == Method.DATA_COMPARISON
    assert PensionerEvent.objects.filter(pensioner=p, kind=EventKind.RESUMED).get().months == 3


def test_the_export_reads_back_as_the_same_register(county, rows, client):
    import_register(workbook(rows), actor=None)
    client.force_login(county.people["township_staff"])
    response = client.get("/pension/register.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    exported = list(book.active.iter_rows(values_only=True))
    assert list(exported[0][: len(HEAD)]) == HEAD and len(exported) == 4
    result = import_register(io.BytesIO(b"".join(client.get("/pension/register.xlsx").streaming_content)), actor=None)
    assert (result.unchanged, result.problems) == (3, [])
    # A township leader (who does not certify) gets masked numbers
    client.force_login(county.people["township_leader"])
    book = load_workbook(io.BytesIO(b"".join(client.get("/pension/register.xlsx").streaming_content)), read_only=True)
    assert all("*" in row[1] for row in list(book.active.iter_rows(values_only=True))[1:])


def test_the_import_page_reports_bad_rows_in_chinese(county, rows, client):
    client.force_login(county.people["township_staff"])
    rows[0][1] = "123"
    upload = workbook(rows)
    upload.name = "register.xlsx"
    response = client.post("/pension/register/", {"file": upload}, follow=True)
    text = response.content.decode()
    assert "文件未导入" in text and "第 2 行" in text and Pensioner.objects.count() == 0


def test_the_bulk_insert_names_every_column_of_a_pensioner():
    from bianmin.pension.store import NEW_PENSIONER

    columns = {f.attname for f in Pensioner._meta.concrete_fields if not f.primary_key}
    assert set(NEW_PENSIONER) == columns and len(NEW_PENSIONER) == len(columns)


def test_the_import_api_answers_every_problem_in_the_callers_language(county, rows, api_as):
    rows[1][1] = "500236"
    sheet = workbook(rows)
    sheet.name = "register.xlsx"
    api = api_as(county.people["township_staff"])
    body = api.client.post("/api/v1/pension/imports", {"file": sheet}, headers=api.headers).json()
    assert body["written"] is False and Pensioner.objects.count() == 0
    assert body["problems"] == [{"row": 3, "column": "公民身份号码", "message": "不是有效的居民身份证号码（18位）。"}]


def test_the_offices_monthly_file_is_recorded_in_a_fixed_number_of_statements(county):
    """Given a village's register, a third of it suspended and one person stopped, the office's file with a
    later date for each costs the same statements for 6 people as for 30: a `certify` per person took seven."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bianmin.pension import services

    scheme("170")

    def register(n: int) -> list[list[object]]:
        people = [["人", new_id(), "170", county["shima"].code, "", "", "2025-03-01", "否"] for _ in range(n)]
        import_register(workbook(people), actor=None)
        found = Pensioner.objects.filter(id_number__in=[r[1] for r in people]).order_by("pk")
        found.filter(pk__in=[p.pk for p in found[::3]]).update(
            status=PensionerStatus.SUSPENDED, suspended_from=date(2026, 4, 1)
        )
        for row in people:
            row[6] = "2026-06-15"
        return people

    def cost(people: list[list[object]]) -> tuple[int, object]:
        with CaptureQueriesContext(connection) as seen:
            result = import_register(workbook(people), actor=None)
        return len(seen), result

    small, small_result = cost(register(6))
    people = register(30)
    stopped = Pensioner.objects.get(id_number=people[1][1])
    services.stop_pensioner(stopped, actor=None, reason="death", ended_on=date(2026, 5, 2))
    large, result = cost(people)
    # When the file is imported, then the cost does not grow with the file
    assert large == small
    assert (small_result.certified, result.certified) == (6, 29)
    # And each one was recorded as `certify` does: suspended ones resumed with the months back-paid
    resumed = Pensioner.objects.get(id_number=people[0][1])
    assert (resumed.status, resumed.due_on, resumed.last_certified_on) == (
        PensionerStatus.ACTIVE,
        date(2027, 6, 15),
        date(2026, 6, 15),
    )
    event = PensionerEvent.objects.get(pensioner=resumed, kind=EventKind.RESUMED)
    assert (event.months, event.effective_month, event.certification.certified_on) == (
        2,
        date(2026, 6, 1),
        date(2026, 6, 15),
    )
    assert resumed.updated_at > event.certification.created_at - timedelta(seconds=1)
    # The stopped one is left alone
    assert not Certification.objects.filter(pensioner=stopped).exists()
    # A comparison older than a certification recorded meanwhile is kept but moves no date
    stale = Pensioner.objects.get(id_number=people[2][1])
    assert services.record_comparisons([(stale, date(2026, 6, 10))]) == 1
    stale.refresh_from_db()
    assert (stale.last_certified_on, stale.certifications.count()) == (date(2026, 6, 15), 2)


def test_a_problem_with_the_whole_file_names_no_column(county):
    result = import_register(io.BytesIO(b"hello"), actor=None)
    assert [str(p) for p in result.problems] == ["第 1 行：这不是 Excel 工作簿（.xlsx）。"]


def test_a_person_on_another_townships_register_is_a_problem_not_a_move(county, rows):
    """Given a 宝塔坪社区 (夔门街道) pensioner, 白帝镇's staff import a file naming them in 浣花村."""
    from bianmin.pension.tests.factories import pensioner

    theirs = pensioner(county["baotaping"], name="周光明", last_certified_on=date(2026, 2, 1))
    rows.append(["周光明", theirs.id_number, "170", county["huanhua"].code, "", "", "2026-06-01", "否"])
    staff = county.people["township_staff"]
    # Then the row is refused, and nothing is written
    result = import_register(workbook(rows), actor=staff)
    assert not result.written and Pensioner.objects.count() == 1
    assert [(p.row, p.column) for p in result.problems] == [(5, "公民身份号码")]
    # And when told to skip bad rows the others are written and the person stays where they are
    result = import_register(workbook(rows), actor=staff, skip_bad=True)
    assert (result.written, result.created, result.skipped) == (True, 3, 1)
    theirs.refresh_from_db()
    assert (theirs.village, theirs.last_certified_on) == (county["baotaping"], date(2026, 2, 1))
    # The county's administrator keeps both registers: for them it is a move
    moved = import_register(workbook(rows), actor=county.people["county_admin"])
    theirs.refresh_from_db()
    assert moved.problems == [] and theirs.village == county["huanhua"]
