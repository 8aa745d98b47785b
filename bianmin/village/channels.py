"""Every channel from one record, with identical content (ANCHORS §3: "content must be identical across
channels"): the text of a published version rendered for the notice board's A4 sheet (PDF with the embedded
Chinese font and a QR code to the web version of that very version), the script the village loudspeakers read
(numbers and amounts as they are read aloud), and group messages. The web board and the screen page render the
same version in templates."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

import segno
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from bianmin.documents import pdf as documents_pdf
from bianmin.documents.pdf import FONT_NAME, chinese_date, load_font, style

# The notice's own paragraph style and dated canvas, so a village sheet prints like every other notice.
from bianmin.documents.pdf import canvas_dated as dated_canvas
from bianmin.village import spoken
from bianmin.village.models import Publication, PublicationVersion

GROUP_TEXT_CHARS = 120  # a group message carries the beginning and the address of the whole text
QR_SIZE = 32 * mm


@dataclass(frozen=True)
class Sheet:
    """What every channel shows of one version: the same title, paragraphs, village, date and fingerprint."""

    village: str
    title: str
    paragraphs: tuple[str, ...]
    published_on: str
    day: date
    version: int
    fingerprint: str  # the first 16 hex digits of the version's SHA-256, printed and shown on the web
    signer: str
    url: str


def sheet(pub: Publication, version: PublicationVersion, url: str) -> Sheet:
    day = timezone.localdate(version.published_at)
    return Sheet(
        village=pub.village.name,
        title=version.title,
        paragraphs=tuple(line.strip() for line in version.body.splitlines() if line.strip()),
        published_on=chinese_date(day),
        day=day,
        version=version.number,
        fingerprint=version.sha256[:16],
        signer=str(version.signed_by) if version.signed_by else "",
        url=url,
    )


def broadcast_script(s: Sheet) -> str:
    """Plain speech for the village loudspeakers (村村响), read twice as broadcasters do."""
    body = "。".join(p.rstrip("。；;.") for p in s.paragraphs) + "。"
    core = spoken.speak(f"{s.title}。{body}")
    return (
        f"各位村民请注意，现在播报{s.village}村务公开。{core}"
        f"以上内容已在村务公开栏张贴，对公开内容有疑问的，请在十日内向村务监督委员会反映。"
        f"现在重播一遍。{core}播报完毕。"
    )


def group_text(s: Sheet) -> str:
    """A short text for the village's group chats: the title, the beginning, where to read and check it all."""
    text = "".join(s.paragraphs)
    if len(text) > GROUP_TEXT_CHARS:
        text = text[:GROUP_TEXT_CHARS] + "……"
    return f"【{s.village}村务公开】{s.title}\n{text}\n全文及核验：{s.url}（第{s.version}版 {s.fingerprint}）"


class QrCode(Flowable):
    """The version's web address as a QR code, drawn module by module (crisp at any printer's resolution)."""

    def __init__(self, url: str, size: float = QR_SIZE) -> None:
        super().__init__()
        self.code = segno.make(url, error="m")
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        matrix = self.code.matrix
        border = 2
        count = len(matrix) + 2 * border
        cell = self.size / count
        self.canv.setFillColor(colors.black)
        for y, row in enumerate(matrix):
            for x, dark in enumerate(row):
                if dark:
                    self.canv.rect((x + border) * cell, self.size - (y + border + 1) * cell, cell, cell, 0, 1)


def notice_pdf(s: Sheet) -> bytes:
    """The A4 sheet for the notice board and the fixed notice points: the text, who published and signed it,
    the fingerprint, and a QR code to this version on the web board. The same sheet gives the same bytes."""
    load_font()  # before any Paragraph: each parses its markup against the registered font at once
    body = style("body", 14, 24, firstLineIndent=28)
    small = style("small", 9, 13, textColor=colors.dimgrey)
    story: list[Flowable] = [
        Paragraph(escape(f"{s.village}村务公开"), style("head", 12, 18, alignment=TA_CENTER, textColor=colors.darkred)),
        Spacer(1, 4),
        Paragraph(escape(s.title), style("title", 20, 30, alignment=TA_CENTER, spaceAfter=14)),
        *(Paragraph(escape(p), body) for p in s.paragraphs),
        Spacer(1, 24),
        Paragraph(escape(f"{s.village}村民委员会"), style("issuer", 14, 24, alignment=TA_RIGHT)),
        Paragraph(escape(s.published_on), style("date", 14, 24, alignment=TA_RIGHT)),
    ]
    if s.signer:
        story.append(Paragraph(escape(f"村务监督委员会审核：{s.signer}"), style("signer", 12, 20, alignment=TA_RIGHT)))
    story += [
        Spacer(1, 18),
        QrCode(s.url),
        Spacer(1, 4),
        Paragraph(escape(f"扫码查看网上公开的同一文本（第{s.version}版，指纹 {s.fingerprint}）"), small),
        Paragraph(escape(s.url), small),
        Paragraph(escape("对公开内容有疑问的，可扫码在线提出或到村便民服务室反映，10日内答复。"), small),
    ]
    buffer = io.BytesIO()
    with documents_pdf.build_lock:  # ReportLab keeps a document's font subsets in the shared font object
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=s.title,
            author=f"{s.village}村民委员会",
            creator="Bianmin",
            lang="zh-CN",
            invariant=True,
            initialFontName=FONT_NAME,
            leftMargin=25 * mm,
            rightMargin=25 * mm,
            topMargin=22 * mm,
            bottomMargin=20 * mm,
        )
        doc.build(story, canvasmaker=dated_canvas(s.day))  # the version's date, not the moment of rendering
    return buffer.getvalue()
