"""What the written notices say (issue 20 item 5): the legal basis of the item's own kind, the issuing organ in
full, the applicant's rights with their time limits, and acceptance kept apart from the decision for licences."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from bianmin.cases.models import CaseDocument
from bianmin.cases.services import perform
from bianmin.cases.tests.factories import new_application
from bianmin.catalog.choices import ItemKind
from bianmin.catalog.tests.factories import new_item
from bianmin.errors import PermissionDenied
from bianmin.org.choices import Role
from bianmin.org.tests.factories import member


def text_of(document: CaseDocument) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(document.pdf))).pages).replace("\n", "")


def test_a_benefit_cites_its_own_basis_and_a_denial_names_the_organ_and_the_rights(county, items):
    staff = county.people["township_staff"]
    case = new_application(county.people["cadre_a"], items.subsistence, village=county["huanhua"])
    case = perform(case, "request_supplement", actor=staff, missing=[1])
    notice = text_of(CaseDocument.objects.get(case=case, kind="supplement"))
    assert "《社会救助暂行办法》第九条至第十一条" in notice and "行政许可法" not in notice
    case = perform(case, "supplement", actor=staff)
    case = perform(case, "accept", actor=staff)
    case = perform(case, "review", actor=staff, handler="township_staff")
    case = perform(case, "deny", actor=county.people["township_leader"], reason="家庭人均收入高于当地低保标准")
    decision = text_of(CaseDocument.objects.get(case=case, kind="decision"))
    assert "白帝镇人民政府" in decision  # the issuing organ in full, not 白帝镇
    assert "六十日内向奉节县人民政府申请行政复议" in decision and "六个月内依法向人民法院提起行政诉讼" in decision


def test_a_licence_cites_the_licensing_law_and_is_decided_by_someone_else_than_who_accepted_it(county, items):
    licence = new_item(county["baidi"], "最低生活保障申请", kind=ItemKind.LICENSE)
    staff, leader = county.people["township_staff"], county.people["township_leader"]
    case = new_application(county.people["cadre_a"], licence, village=county["huanhua"])
    case = perform(case, "request_supplement", actor=staff, missing=[1])
    assert "《中华人民共和国行政许可法》第三十二条" in text_of(CaseDocument.objects.get(case=case, kind="supplement"))
    case = perform(perform(case, "supplement", actor=staff), "accept", actor=staff)
    case = perform(case, "review", actor=staff, handler="township_staff")
    with pytest.raises(PermissionDenied):
        perform(case, "approve", actor=staff)  # 受理与决定分离
    assert perform(case, "approve", actor=leader).application.decision == "approved"


def test_an_organ_is_named_in_full_unless_its_official_name_says_otherwise(county):
    dept = member(county["rsj"], Role.DEPARTMENT_HANDLER, username="rsj_staff").memberships.get().unit
    assert (county["baidi"].organ_name, county["kuimen"].organ_name) == ("白帝镇人民政府", "夔门街道办事处")
    assert (county["huanhua"].organ_name, dept.organ_name) == ("浣花村村民委员会", "奉节县人力社保局")
    county["baidi"].official_name = "奉节县白帝镇人民政府"
    assert county["baidi"].organ_name == "奉节县白帝镇人民政府"


def test_each_unit_numbers_its_notices_of_a_kind_in_one_series_per_year(county, items, monkeypatch):
    """白帝镇受〔2026〕1号, 2号…: a series per unit, kind and year, taken in the action's transaction, so an
    attempt that is not written (another writer changed the case first) gives its number back: no gaps."""
    from django.utils import timezone

    from bianmin.cases import store

    staff = county.people["township_staff"]
    year = timezone.localdate().year
    first, second = (
        new_application(county.people["cadre_a"], items.subsistence, village=county["huanhua"]) for _ in "12"
    )
    first = perform(first, "accept", actor=staff)
    write, lost = store.write_action, []

    def loses_the_race_once(action_write):  # the first attempt finds the case changed by someone else
        if not lost:
            lost.append(action_write.rows[-1].doc_number)
            return False
        return write(action_write)

    monkeypatch.setattr(store, "write_action", loses_the_race_once)
    second = perform(second, "accept", actor=staff)
    monkeypatch.undo()
    assert lost == [f"白帝镇受〔{year}〕2号"]  # drafted, not written, given back and taken again
    numbers = list(CaseDocument.objects.filter(kind="acceptance").order_by("pk").values_list("doc_number", flat=True))
    assert numbers == [f"白帝镇受〔{year}〕1号", f"白帝镇受〔{year}〕2号"]
    first = perform(first, "review", actor=staff, handler="township_staff")
    perform(first, "deny", actor=county.people["township_leader"], reason="家庭人均收入高于当地低保标准")
    decision = CaseDocument.objects.get(case=first, kind="decision")
    assert decision.doc_number == f"白帝镇决〔{year}〕1号" and decision.doc_number in text_of(decision)
