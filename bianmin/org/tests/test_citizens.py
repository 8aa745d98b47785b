"""Citizen accounts (issue 20 item 1): sign in or up with a mobile number and a one-time code, see only one's
own matters, and claim the matters filed with that number by phone or at a hall."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.tests.factories import new_case
from bianmin.errors import DomainError
from bianmin.org import citizens
from bianmin.org.models import SignInCode, User

PHONE = "13912345678"


@pytest.fixture
def outbox(tmp_path, settings, django_capture_on_commit_callbacks):
    """The codes as the file channel writes them (what an SMS gateway would send)."""
    settings.NOTIFY_CHANNEL, settings.DATA_DIR = "file", tmp_path

    def codes() -> list[str]:
        path = tmp_path / "notifications.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        return [re.search(r"\b(\d{6})\b", json.loads(line)["text"]).group(1) for line in lines]

    return codes


@pytest.mark.django_db
def test_a_code_signs_a_citizen_up_once_and_nothing_is_kept_in_clear(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        citizens.send_code(PHONE, address="10.0.0.1")
    code = outbox()[-1]
    stored = str(list(SignInCode.objects.values()))
    assert PHONE not in stored and code not in stored
    user = citizens.sign_in(PHONE, code)
    assert (user.phone, user.display_name, user.has_usable_password()) == (PHONE, "139****5678", False)
    assert PHONE not in user.username
    with pytest.raises(DomainError):  # used once
        citizens.sign_in(PHONE, code)
    with django_capture_on_commit_callbacks(execute=True):
        citizens.send_code(PHONE, address="10.0.0.1")
    assert citizens.sign_in(PHONE, outbox()[-1]) == user  # the same account next time


@pytest.mark.django_db
def test_wrong_tries_use_up_a_code_and_an_old_code_expires(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        citizens.send_code(PHONE, address="10.0.0.1")
    code = outbox()[-1]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(DomainError) as refused:
            citizens.sign_in(PHONE, wrong)
        assert refused.value.code == "sign_in_wrong_code"
    with pytest.raises(DomainError):  # the right code no longer works after five wrong tries
        citizens.sign_in(PHONE, code)
    with django_capture_on_commit_callbacks(execute=True):
        citizens.send_code(PHONE, address="10.0.0.1")
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError):
        citizens.sign_in(PHONE, outbox()[-1])


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_guesses_compares_no_more_than_the_limit(tmp_path, settings):
    """Twenty guesses at the same moment: five are compared, the rest refused unread (one UPDATE spends a try)."""
    from django.db import connection

    from bianmin.cases.tests.test_concurrency import run_together

    settings.NOTIFY_CHANNEL, settings.DATA_DIR = "file", tmp_path
    citizens.send_code(PHONE, address="10.0.0.1")
    code = re.search(r"\b(\d{6})\b", (tmp_path / "notifications.jsonl").read_text(encoding="utf-8")).group(1)
    wrong = "000000" if code != "000000" else "111111"

    def guess() -> str:
        try:
            citizens.sign_in(PHONE, wrong)
        except DomainError as refused:
            return refused.code
        return "signed in"

    assert run_together([guess for _ in range(20)]) == ["sign_in_wrong_code"] * 20
    assert SignInCode.objects.get().failed_attempts == settings.SIGN_IN_CODE_ATTEMPTS
    with pytest.raises(DomainError):
        citizens.sign_in(PHONE, code)
    connection.close()


@pytest.mark.django_db
def test_codes_are_throttled_per_number(outbox):
    for _ in range(3):
        citizens.send_code(PHONE, address="10.0.0.1")
    with pytest.raises(DomainError) as refused:
        citizens.send_code(PHONE, address="10.0.0.2")
    assert (refused.value.status, refused.value.code) == (429, "sign_in_throttled")
    with pytest.raises(DomainError):
        citizens.send_code("12345", address="10.0.0.1")  # not a mobile number


@pytest.mark.django_db
def test_the_sign_in_page_keeps_the_number_out_of_urls_and_lands_on_my_matters(
    outbox, county, django_capture_on_commit_callbacks
):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/signin/", {"phone": PHONE})
    assert sent.status_code == 302 and PHONE not in sent.headers["Location"]
    page = client.get(sent.headers["Location"]).content.decode()
    assert "139****5678" in page and 'autocomplete="one-time-code"' in page and 'type="tel"' in page
    wrong = client.post("/signin/", {"code": "12345"}).content.decode()
    assert "六位" in wrong
    signed_in = client.post("/signin/", {"code": outbox()[-1]})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/me/"
    assert "我的事项" in client.get("/me/").content.decode()
    assert client.get("/").headers["Location"] == "/me/"


@pytest.mark.django_db
def test_a_citizen_sees_only_their_own_matters_and_claims_those_filed_with_their_number(county):
    filed_by_phone = new_case(
        county.people["cadre_a"], village=county["huanhua"], citizen_phone=PHONE, title="路灯坏了"
    )
    someone_elses = new_case(county.people["cadre_a"], village=county["huanhua"], citizen_phone="13700000000")
    user = citizens._citizen_of(PHONE)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    page = client.get("/me/").content.decode()
    assert "路灯坏了" in page and "加入我的账户" in page and someone_elses.number not in page
    assert client.post(f"/me/claim/{someone_elses.number}/").status_code == 302
    assert Case.objects.get(pk=someone_elses.pk).citizen is None
    claimed = client.post(f"/me/claim/{filed_by_phone.number}/", follow=True).content.decode()
    assert "已加入您的账户" in claimed
    case = Case.objects.get(pk=filed_by_phone.pk)
    assert case.citizen == user
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert (event.action, event.actor, event.data["by"]) == ("claim", user, "citizen")
    assert "路灯坏了" in client.get("/me/").content.decode()
    tracked = client.get("/service/track/", {"number": case.number}).content.decode()
    assert "路灯坏了" in tracked  # the signed-in owner follows it without the phone digits


@pytest.mark.django_db
def test_staff_accounts_claim_nothing(county):
    staff = county.people["cadre_a"]
    User.objects.filter(pk=staff.pk).update(phone=PHONE)
    new_case(staff, village=county["huanhua"], citizen_phone=PHONE)
    assert not Case.objects.claimable_by(User.objects.get(pk=staff.pk)).exists()


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="zh-hans")
def test_real_name_details_are_optional_and_checked(county):
    user = citizens._citizen_of(PHONE)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    bad = client.post("/me/details/", {"name": "张大山", "id_number": "500236199001011234"}).content.decode()
    assert "身份证号码" in bad
    assert client.post("/me/details/", {"name": "张大山", "id_number": ""}).status_code == 302
    assert User.objects.get(pk=user.pk).display_name == "张大山"


@pytest.mark.django_db
def test_a_matter_is_claimed_in_any_status_but_merged_and_only_once(county):
    from bianmin.cases.services import perform
    from bianmin.cases.tests.test_workflow_table import STATUSES, TABLE
    from bianmin.errors import Conflict

    user = citizens._citizen_of(PHONE)
    wrong, claimed = [], []
    for status in STATUSES:
        case = new_case(county.people["cadre_a"], village=county["huanhua"], citizen_phone=PHONE)
        Case.objects.filter(pk=case.pk).update(status=status)
        expected = TABLE["claim"].get(status)
        try:
            done = perform(case.number, "claim", actor=user, by_citizen=True)
        except Conflict:
            if expected is not None:
                wrong.append(f"{status}: refused")
            continue
        if expected is None or (done.status, done.citizen_id) != (expected, user.pk):
            wrong.append(f"{status}: led to {done.status}")
        claimed.append(done)
    assert not wrong, wrong
    with pytest.raises(Conflict) as again:  # already in an account
        perform(claimed[0].number, "claim", actor=user, by_citizen=True)
    assert "已归属" in str(again.value.message)
    other = new_case(county.people["cadre_a"], village=county["huanhua"], citizen_phone="13600000000")
    with pytest.raises(DomainError) as not_theirs:  # the door checks the number, whatever a page offers
        perform(other.number, "claim", actor=user, by_citizen=True)
    assert not_theirs.value.status == 403


@pytest.mark.django_db
def test_an_application_filed_for_a_signed_up_citizen_goes_to_their_account():
    from bianmin.cases.applications.intake import citizen_account

    assert citizen_account(PHONE) is None
    user = citizens._citizen_of(PHONE)
    assert citizen_account(PHONE) == user and citizens.account_of(PHONE) == user
