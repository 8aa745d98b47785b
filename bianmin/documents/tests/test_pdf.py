"""PDF notices: the text reads back out of the file, the Chinese font travels inside it, long tables flow onto
numbered pages, and a missing font says what to do."""

from __future__ import annotations

import dataclasses
import datetime
import io
import re

import pytest
from pypdf import PdfReader

from bianmin.documents import pdf
from bianmin.documents.pdf import FontMissingError, Notice, column_widths, load_font, render

MATERIALS = (
    ("序号", "材料名称", "要求", "份数"),
    ("1", "居民身份证复印件", "正反面复印在同一张A4纸上，并由申请人本人签字确认", "1"),
    ("2", "户口簿首页及本人页复印件", "加盖户籍所在地派出所户籍专用章", "1"),
    ("3", "最低生活保障申请书", "使用统一格式，由申请人手写签名并按手印；代为申请的，附委托书和代理人身份证明", "1"),
)


def notice(**changes) -> Notice:
    base = Notice(
        title="补正材料一次性告知书",
        doc_number="白帝镇补告〔2026〕第20261126000012号",
        addressee="张三：",
        paragraphs=(
            "你于2026年11月20日提出的最低生活保障申请，经审查，申请材料不齐全，现一次性告知需要补正的全部材料如下：",
            "请自收到本告知书之日起五个工作日内补正上述材料。",
        ),
        table=MATERIALS,
        issuer="奉节县白帝镇人民政府",
        issued_on=datetime.date(2026, 11, 26),
        case_number="20261126000012",
        footer_lines=("咨询电话：023-56551234", "查询地址：奉节县行政服务中心一楼3号窗口"),
    )
    return dataclasses.replace(base, **changes)


def read(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in read(data).pages]


def squeezed(text: str) -> str:
    """The text without the line breaks and spaces that wrapping put in."""
    return re.sub(r"\s+", "", text)


def test_a_notice_reads_back_with_its_chinese_text_number_date_and_every_material():
    # given a one-page 补正材料一次性告知书 with a table of three materials
    # when it is rendered
    texts = page_texts(render(notice()))

    # then it is one page, and everything it says can be read back out of the PDF
    assert len(texts) == 1
    text = squeezed(texts[0])
    for expected in (
        "补正材料一次性告知书",
        "白帝镇补告〔2026〕第20261126000012号",
        "张三：",
        "申请材料不齐全，现一次性告知需要补正的全部材料如下：",
        "请自收到本告知书之日起五个工作日内补正上述材料。",
        "序号材料名称要求份数",
        "奉节县白帝镇人民政府",
        "2026年11月26日",
        "案件编号：20261126000012",
        "咨询电话：023-56551234",
        *(row[1] for row in MATERIALS[1:]),
    ):
        assert expected in text
    # and a single page carries no page number
    assert "第 1 页" not in texts[0]


def test_every_font_of_the_notice_is_embedded_in_it():
    reader = read(render(notice()))
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]

    assert fonts
    for font in fonts:
        descendants = font.get("/DescendantFonts")
        described = descendants[0].get_object() if descendants else font
        descriptor = described["/FontDescriptor"].get_object()
        # a subset of the font's outlines travels in the file: no machine needs the font installed
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
        assert re.fullmatch(r"/[A-Z]{6}\+NotoSerifSC-Regular", font["/BaseFont"])


def test_a_long_table_flows_onto_numbered_pages_without_losing_a_row():
    # given a notice listing 60 materials, each named differently
    rows = tuple((str(i), f"第{i}项证明材料", "原件及复印件各一份，复印件由申请人签字确认", "2") for i in range(1, 61))

    # when it is rendered
    texts = page_texts(render(notice(table=(MATERIALS[0], *rows))))

    # then it runs over several pages, each numbered with the total and repeating the table's header
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {len(texts)} 页" in text
    assert all("材料名称" in text for text in texts[:-1])
    # and every row is there, once, in order
    names = re.findall(r"第(\d+)项证明材料", squeezed("".join(texts)))
    assert names == [str(i) for i in range(1, 61)]
    assert "奉节县白帝镇人民政府" in texts[-1] and "2026年11月26日" in squeezed(texts[-1])


def test_no_line_starts_with_a_closing_mark():
    # given paragraphs that put a "，" or "；" at every possible place of the first line break
    paragraphs = tuple(
        "甲" * length + "，乙乙乙乙乙；丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙" for length in range(24, 36)
    )

    # when they are rendered
    lines = "\n".join(page_texts(render(notice(paragraphs=paragraphs, table=None)))).splitlines()

    # then the mark stays at the end of the line before (GB/T 15834)
    assert not [line for line in lines if line.strip().startswith(("，", "；"))]


def test_the_same_notice_renders_the_same_bytes_dated_by_the_notice():
    first = render(notice())
    assert render(notice()) == first
    assert read(first).metadata["/CreationDate"].startswith("D:20261126")
    assert render(notice(issued_on=datetime.date(2026, 11, 27))) != first


def test_markup_characters_are_printed_as_text():
    text = squeezed(page_texts(render(notice(addressee="A&B<重庆>有限公司：")))[0])
    assert "A&B<重庆>有限公司：" in text


def test_a_missing_font_file_says_which_file_and_what_to_run(monkeypatch, tmp_path):
    # given the font file is not where the install puts it
    missing = tmp_path / "NotoSerifSC-Regular.ttf"
    monkeypatch.setattr(pdf, "FONT_FILE", missing)

    # when a notice is rendered, then the error names the file and scripts/install
    with pytest.raises(FontMissingError, match=re.escape(str(missing))) as raised:
        render(notice())
    assert "scripts/install" in str(raised.value)


def test_columns_fill_the_width_keep_headers_on_one_line_and_widen_where_the_text_is():
    load_font()
    widths = column_widths(MATERIALS, 450)

    assert sum(widths) == pytest.approx(450)
    number, name, requirement, copies = widths
    assert requirement > name > number
    assert number >= pdf.pdfmetrics.stringWidth("序号", pdf.FONT_NAME, pdf.CELL_SIZE)
    assert copies >= pdf.pdfmetrics.stringWidth("份数", pdf.FONT_NAME, pdf.CELL_SIZE)


def test_a_table_row_with_a_missing_cell_is_refused():
    with pytest.raises(ValueError, match="as many cells as its header"):
        notice(table=(MATERIALS[0], ("1", "居民身份证复印件", "1")))
