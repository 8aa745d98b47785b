"""The written notices of the application workflow (行政许可法 第32条, 第38条): acceptance, not-acceptance,
the one-time notice of missing materials and the decision, rendered as PDF when the action is taken (each
transition row names the notice it issues) and kept with the case (`CaseDocument`), written with the action.

Official documents are issued in Chinese whatever language the interface speaks, so their wording is
written here in Chinese rather than translated."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

from django.http import FileResponse

from bianmin.cases import sla
from bianmin.cases.choices import Decision
from bianmin.cases.models import Case, CaseDocument
from bianmin.catalog.choices import ItemKind
from bianmin.documents.pdf import Notice, render
from bianmin.org.models import User

ACCEPTANCE = "acceptance"
REFUSAL = "refusal"
SUPPLEMENT = "supplement"
DECISION = "decision"

# kind → (title, the character of the document number)
TITLES = {
    ACCEPTANCE: ("受理通知书", "受"),
    REFUSAL: ("不予受理通知书", "不受"),
    SUPPLEMENT: ("补正材料一次性告知书", "补"),
    DECISION: ("决定书", "决"),
}
FORMS = {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件", "electronic": "电子材料"}
LICENSING_LAW = "《中华人民共和国行政许可法》第三十二条"


def remedies(case: Case) -> str:
    """The applicant's rights against a refusal or a denial, with their time limits (行政复议法 第20条, 第24条:
    to the county government, within 60 days; 行政诉讼法 第46条: to a people's court, within six months)."""
    county = case.unit.county()
    government = f"{county.name}人民政府" if county is not None else "上一级人民政府"
    return (
        f"如不服本决定，可以自收到本决定书之日起六十日内向{government}申请行政复议，"
        "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
    )


def basis(item: Any) -> str:
    """What a notice cites: the licensing law for a licence, the item's own 设定依据 (its first source) for any
    other kind of item."""
    if item.kind == ItemKind.LICENSE:
        return LICENSING_LAW
    first = item.legal_basis.replace("\n", "；").split("；")[0].strip().rstrip("。")
    return first or LICENSING_LAW


def _date(moment: Any) -> str:
    day = sla.local_date(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def _limit(value: int, unit: str) -> str:
    return f"{value}个工作日" if unit == "working_days" else f"{value}日"


def _body(
    case: Case, kind: str, note: str, data: dict[str, Any]
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...] | None]:
    application = case.application
    item = application.item_version
    received = _date(case.received_at)
    if kind == SUPPLEMENT:
        rows = [("序号", "材料名称", "要求", "份数")]
        rows += [
            (str(i), m["name"], FORMS.get(m["form"], m["form"]), str(m["copies"]))
            for i, m in enumerate(application.missing, 1)
        ]
        paragraphs = [
            f"你（单位）于{received}提出的“{item.name}”申请（申请编号：{case.number}），经审查，申请材料不齐全或者"
            f"不符合法定形式。根据{basis(item)}的规定，现一次性告知你（单位）需要补正的全部内容如下：",
        ]
        if note:
            paragraphs.append(f"其他需要补正的内容：{note}")
        paragraphs.append("请按上述要求补正全部材料后重新提交。补正期间，本申请的办理时限暂停计算。")
        return tuple(paragraphs), tuple(rows) if len(rows) > 1 else None
    if kind == ACCEPTANCE:
        accepted = _date(case.accepted_at)
        lead = f"你（单位）于{received}提出的“{item.name}”申请（申请编号：{case.number}），" + (
            (
                f"本机关未在法定期限内告知补正，依照{LICENSING_LAW}的规定，自收到申请材料之日起即为受理。"
                if item.kind == ItemKind.LICENSE
                else "本机关未在承诺期限内告知补正，按照本机关的服务承诺，自收到申请材料之日起即为受理。"
            )
            if application.deemed_accepted
            else f"申请材料齐全、符合法定形式，本机关决定于{accepted}予以受理。"
        )
        limits = (
            f"本事项法定办结时限为{_limit(application.legal_limit_value, application.legal_limit_unit)}，"
            f"承诺办结时限为{_limit(case.limit_value, case.limit_unit)}，"
            f"本机关将于{_date(case.due_at)}前作出决定。听证、检验、检测、专家评审等所需时间不计算在期限内。"
        )
        return (lead, limits), None
    if kind == REFUSAL:
        return (
            f"你（单位）于{received}提出的“{item.name}”申请（申请编号：{case.number}），经审查，本机关决定不予受理。",
            f"理由：{note}",
            f"你（单位）可以向{data['proper_channel']}提出申请。",
            remedies(case),
        ), None
    approved = application.decision == Decision.APPROVED
    paragraphs = [
        f"你（单位）于{received}提出的“{item.name}”申请（申请编号：{case.number}），本机关已于"
        f"{_date(case.accepted_at)}受理。经审查，"
        + ("符合法定条件、标准，本机关决定准予。" if approved else "不符合法定条件、标准，本机关决定不予准予。"),
    ]
    if note:
        paragraphs.append(("说明：" if approved else "理由：") + note)
    if approved:
        paragraphs.append(f"办理结果将于{_date(application.delivery_due_at)}前送达。")
    else:
        paragraphs.append(remedies(case))
    return tuple(paragraphs), None


def notice_response(document: CaseDocument) -> FileResponse:
    """A kept notice as the PDF download the pages and the API serve (the caller checked the case's scope)."""
    response = FileResponse(
        io.BytesIO(bytes(document.pdf)),
        filename=f"{document.title}-{document.case.number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def draft(
    case: Case,
    kind: str,
    *,
    actor: User | None,
    now: Any,
    note: str,
    data: dict[str, Any],
    numbered: Callable[[int, int, str], int],
) -> CaseDocument:
    """The notice of `kind` for the case as the action leaves it, rendered, as a row for the action to add
    (the action's note and data give the reason, the channel to turn to, what else is missing). Its number
    is the next of the issuing unit's series for the kind and year (`numbered(unit_id, year, mark)`)."""
    application = case.application
    title, mark = TITLES[kind]
    if kind == DECISION:
        title = (
            ("准予" if application.decision == Decision.APPROVED else "不予准予")
            + application.item_version.name
            + title
        )
    paragraphs, table = _body(case, kind, note, data)
    year = sla.local_date(now).year
    doc_number = f"{case.unit.name}{mark}〔{year}〕{numbered(case.unit_id, year, mark)}号"
    pdf = render(
        Notice(
            title=title,
            doc_number=doc_number,
            addressee=f"{case.citizen_name}：",
            paragraphs=paragraphs,
            table=table,
            issuer=case.unit.organ_name,
            issued_on=sla.local_date(now),
            footer_lines=(
                f"咨询电话：{application.item_version.consult_phone}    "
                f"投诉电话：{application.item_version.complaint_phone}",
                f"申请编号：{case.number}（可凭编号和手机号后四位在便民服务网站查询办理进度）",
            ),
            case_number=case.number,
        )
    )
    return CaseDocument(
        case=case,
        kind=kind,
        title=title,
        doc_number=doc_number,
        pdf=pdf,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_by=actor,
        issued_at=now,
    )
