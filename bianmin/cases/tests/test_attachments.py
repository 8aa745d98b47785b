"""Attachments: limits by size and by content, stored under the data dir, downloaded only in scope."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.cases.events import verify_chains
from bianmin.cases.models import CaseAttachment, CaseEvent
from bianmin.cases.tests.factories import new_case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(api, number: str, name: str, content: bytes):
    return api.client.post(
        f"/api/v1/cases/{number}/attachments", {"file": SimpleUploadedFile(name, content)}, headers=api.headers
    )


def test_a_photo_is_attached_recorded_in_the_history_and_downloadable_in_scope(
    county, api_as, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    response = upload(api_as(county.people["cadre_a"]), case.number, "塌方现场.png", PNG)
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["size"], body["content_type"]) == ("塌方现场.png", len(PNG), "image/png")
    stored = CaseAttachment.objects.get(pk=body["id"])
    assert stored.file.path.startswith(str(tmp_path))
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert event.action == "attach" and event.data["sha256"] == body["sha256"]
    assert list(verify_chains([case.number])) == []
    client.force_login(county.people["township_leader"])
    download = client.get(body["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    client.force_login(county.people["cadre_b"])
    assert client.get(body["url"]).status_code == 404


def test_a_disguised_or_unknown_file_is_refused_and_nothing_is_kept(county, api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    api = api_as(county.people["cadre_a"])
    disguised = upload(api, case.number, "photo.jpg", b"MZ\x90\x00 this is a program")
    assert disguised.status_code == 400 and "不符" in disguised.json()["fields"]["file"]
    unknown = upload(api, case.number, "run.exe", b"MZ\x90\x00")
    assert unknown.status_code == 400 and ".pdf" in unknown.json()["fields"]["file"]
    assert CaseAttachment.objects.count() == 0 and not any(tmp_path.rglob("*.*"))


def test_a_file_over_the_limit_is_refused(county, api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 1024
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    response = upload(api_as(county.people["cadre_a"]), case.number, "big.png", PNG + b"\x00" * 2000)
    assert response.status_code == 400 and "MB" in response.json()["fields"]["file"]


def test_out_of_scope_cases_cannot_take_attachments(county, api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    assert upload(api_as(county.people["cadre_b"]), case.number, "a.png", PNG).status_code == 404


def test_the_case_page_uploads_a_file(county, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    client.force_login(county.people["cadre_a"])
    page = client.post(
        f"/cases/{case.number}/", {"action": "attach", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")}, follow=True
    )
    assert "a.pdf" in page.content.decode() and CaseAttachment.objects.filter(case=case).count() == 1
