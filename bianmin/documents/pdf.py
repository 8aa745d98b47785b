"""A4 PDF of an official notice (通知书), with a subset of its Chinese font embedded so it prints the same anywhere.

The font is Noto Serif SC, installed by scripts/install from the npm package pinned in assets.lock.json; nothing
is fetched and no system font is used at run time. ReportLab parses it once per process (about 0.15 s); after that
a one-page notice renders in milliseconds.
"""

from __future__ import annotations

import datetime
import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import paragraph as reportlab_paragraph
from reportlab.platypus.flowables import TopPadder

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "NotoSerifSC-Regular.ttf"
FONT_NAME = "NoticeSerif"

BODY_SIZE = 14  # 四号
CELL_SIZE = 10.5  # 五号
SMALL_SIZE = 9
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 28 * mm, 26 * mm, 30 * mm, 25 * mm
CELL_PADDING = 4

# ReportLab keeps a document's font subsets in the shared font object and some state in module globals.
build_lock = threading.Lock()


def _forbid_at_line_start(marks: str) -> None:
    """Teach ReportLab's CJK line breaking the Chinese closing marks it lacks (it knows the Japanese ones): GB/T
    15834 forbids a line to start with "，" or "；". Such a mark now hangs at the end of the line before. Both
    modules read the string at call time: a paragraph of one plain run breaks in textsplit, others in paragraph."""
    for module in (textsplit, reportlab_paragraph):
        known = vars(module)["ALL_CANNOT_START"]
        vars(module)["ALL_CANNOT_START"] = known + "".join(mark for mark in marks if mark not in known)


_forbid_at_line_start("，。、；：？！”’）》〉」』】〕")


class FontMissingError(RuntimeError):
    """The font file that every notice embeds is not installed."""


@dataclass(frozen=True)
class Notice:
    """One official notice: what it says and who issues it. `table`, when given, starts with its header row."""

    title: str
    doc_number: str
    addressee: str
    paragraphs: tuple[str, ...]
    issuer: str
    issued_on: datetime.date
    case_number: str
    table: tuple[tuple[str, ...], ...] | None = None
    footer_lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.table is not None:
            if not self.table or not self.table[0]:
                raise ValueError("a notice's table needs a header row")
            if any(len(row) != len(self.table[0]) for row in self.table):
                raise ValueError("every row of a notice's table must have as many cells as its header")


def render(notice: Notice) -> bytes:
    """The notice as PDF bytes; the same notice always gives the same bytes. Safe to call from several threads."""
    with build_lock:
        load_font()
        pdf, pages = _build(notice, total_pages=None)
        if pages > 1:  # page numbers need the total: lay it out again, knowing it (the footer never moves text)
            pdf, _ = _build(notice, total_pages=pages)
        return pdf


def chinese_date(day: datetime.date) -> str:
    """2026年11月26日: Arabic numerals without leading zeros, as GB/T 9704 writes the date of a document."""
    return f"{day.year}年{day.month}月{day.day}日"


def load_font() -> None:
    """Parse the font, once per process (about 0.15 s); FontMissingError when it is not installed. `render` calls
    it; call it at start-up to pay that cost early and to fail fast on a machine where the install step was missed."""
    _register_font(FONT_FILE)  # FONT_FILE read at each call: a test may point it elsewhere


@cache
def _register_font(path: Path) -> None:
    if not path.is_file():
        raise FontMissingError(
            f"The font for PDF notices is missing: {path}. Run scripts/install, which installs it from the "
            f"package pinned in assets.lock.json (offline: set BIANMIN_ASSETS_DIR to a folder holding its tarball)."
        )
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))


def _build(notice: Notice, *, total_pages: int | None) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=notice.title,
        author=notice.issuer,
        subject=notice.doc_number,
        creator="Bianmin",
        lang="zh-CN",
        invariant=True,  # a fixed document id, no time stamp of the moment of rendering
        initialFontName=FONT_NAME,  # else every page names Helvetica, a font the PDF would not embed
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
    )

    def decorate(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        _decorate_page(canvas, notice.case_number, canvas.getPageNumber(), total_pages)

    doc.build(_story(notice, doc.width), decorate, decorate, canvasmaker=canvas_dated(notice.issued_on))
    return buffer.getvalue(), doc.page


def canvas_dated(day: datetime.date) -> Callable[..., Canvas]:
    """A canvas whose creation date is the notice's date, so that rendering again gives the same bytes."""
    stamp = f"D:{day:%Y%m%d}000000+08'00'"

    def make(*args: Any, **kwargs: Any) -> Canvas:
        canvas = Canvas(*args, **kwargs)
        canvas.setDateFormatter(lambda *_: stamp)
        return canvas

    return make


def _decorate_page(canvas: Canvas, case_number: str, page: int, total_pages: int | None) -> None:
    width, height = A4
    canvas.saveState()
    canvas.setFont(FONT_NAME, SMALL_SIZE)
    canvas.setFillColor(colors.dimgrey)
    canvas.drawRightString(width - MARGIN_RIGHT, height - 15 * mm, f"案件编号：{case_number}")
    if total_pages is not None:
        canvas.drawCentredString(width / 2, 12 * mm, f"第 {page} 页 / 共 {total_pages} 页")
    canvas.restoreState()


def style(name: str, size: float, leading: float, **options: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=FONT_NAME, fontSize=size, leading=leading, wordWrap="CJK", **options)


def _text(text: str) -> str:
    return escape(text)  # Paragraph reads markup: a name like "A&B" or "<" must stay text


class _BoldParagraph(Paragraph):
    """Text filled then stroked: a bold look with the one regular font the notices embed."""

    def beginText(self, x: float, y: float) -> PDFTextObject:  # Paragraph.draw writes its text through this hook
        text = super().beginText(x, y)
        text.setTextRenderMode(2)
        return text

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setLineWidth(0.5)
        super().draw()
        self.canv.restoreState()


def _story(notice: Notice, width: float) -> list[Flowable]:
    body = style("body", BODY_SIZE, 26, firstLineIndent=2 * BODY_SIZE)  # ReportLab cannot justify CJK lines
    signature = style("signature", BODY_SIZE, 26, alignment=TA_RIGHT, rightIndent=2 * BODY_SIZE)
    story: list[Flowable] = [
        _BoldParagraph(_text(notice.title), style("title", 22, 32, alignment=TA_CENTER, spaceAfter=6)),
        Paragraph(_text(notice.doc_number), style("number", 12, 18, alignment=TA_CENTER, spaceAfter=18)),
        Paragraph(_text(notice.addressee), style("addressee", BODY_SIZE, 26)),
        *(Paragraph(_text(text), body) for text in notice.paragraphs),
    ]
    if notice.table:
        story += [Spacer(1, 6), _table(notice.table, width)]
    story.append(
        KeepTogether(
            [
                Spacer(1, 40),  # room for the seal
                Paragraph(_text(notice.issuer), signature),
                Paragraph(chinese_date(notice.issued_on), signature),
            ]
        )
    )
    if notice.footer_lines:
        story += [Spacer(1, 12), TopPadder(_footer(notice.footer_lines, width))]
    return story


def _table(rows: tuple[tuple[str, ...], ...], width: float) -> Table:
    header = style("header", CELL_SIZE, 15, alignment=TA_CENTER)
    cell = style("cell", CELL_SIZE, 15)
    data = [[Paragraph(_text(text), header) for text in rows[0]]]
    data += [[Paragraph(_text(text), cell) for text in row] for row in rows[1:]]
    table = Table(data, colWidths=column_widths(rows, width), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),  # cells set it even when they hold paragraphs
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                *((side + "PADDING", (0, 0), (-1, -1), CELL_PADDING) for side in ("LEFT", "RIGHT", "TOP", "BOTTOM")),
            ]
        )
    )
    return table


def column_widths(rows: Sequence[Sequence[str]], width: float) -> list[float]:
    """Widths filling `width`: each column gets room for its header on one line, and what is left goes to the
    columns whose longest cell needs more, in proportion to that need (so 序号 stays narrow and 要求 wraps).
    Measures with the notice font: call `load_font` first."""

    def needed(text: str) -> float:
        return pdfmetrics.stringWidth(text, FONT_NAME, CELL_SIZE) + 2 * CELL_PADDING + 1

    least = [needed(text) for text in rows[0]]
    if sum(least) >= width:  # headers too long for one line each: they wrap, in proportion
        return [width * w / sum(least) for w in least]
    extra = [max(needed(row[i]) for row in rows) - least[i] for i in range(len(least))]
    spare = width - sum(least)
    if sum(extra) == 0:
        return [w + spare / len(least) for w in least]
    return [w + spare * e / sum(extra) for w, e in zip(least, extra, strict=True)]


def _footer(lines: tuple[str, ...], width: float) -> Table:
    small = style("footer", SMALL_SIZE, 13, textColor=colors.dimgrey)
    footer = Table([[Paragraph(_text(line), small)] for line in lines], colWidths=[width])
    footer.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.grey),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, 0), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return footer
