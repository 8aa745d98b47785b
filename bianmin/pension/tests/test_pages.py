"""The pages do what they say: the lists by tab and search, the record's forms, the hall page's parts."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from bianmin.pension.choices import PensionerStatus
from bianmin.pension.models import Pensioner, PensionerEvent
from bianmin.pension.tests.factories import pensioner


def test_the_lists_sort_people_into_tabs_and_search_them(county, client, django_assert_max_num_queries):
    today = timezone.localdate()
    due = pensioner(
        county["huanhua"], name="王德明", last_certified_on=today.replace(year=today.year - 1) + timedelta(days=5)
    )
    late = pensioner(
        county["huanhua"], name="李秀英", last_certified_on=today.replace(year=today.year - 1) - timedelta(days=5)
    )
    home = pensioner(county["shima"], name="张光荣", needs_home_visit=True, last_certified_on=today)
    Pensioner.objects.filter(pk=home.pk).update(status=PensionerStatus.SUSPENDED)
    client.force_login(county.people["township_staff"])
    pages = {
        w: client.get(f"/pension/?list={w}").content.decode() for w in ("due", "overdue", "suspended", "home_visit")
    }
    assert "王德明" in pages["due"] and "李秀英" not in pages["due"]
    assert "李秀英" in pages["overdue"] and "王德明" not in pages["overdue"]
    assert "张光荣" in pages["suspended"] and "张光荣" in pages["home_visit"]
    assert due.id_number in pages["due"]  # the township's staff certify: full numbers
    with django_assert_max_num_queries(16):  # the same few queries however long the page
        found = client.get(f"/pension/?list=all&q={late.id_number[:10]}").content.decode()
    assert "李秀英" in found and "王德明" in found  # same prefix of the area and birth year
    assert "王德明" not in client.get("/pension/?list=all&q=李").content.decode()
    only_shima = client.get(f"/pension/?list=all&unit={county['shima'].code}").content.decode()
    assert "张光荣" in only_shima and "李秀英" not in only_shima
    client.force_login(county.people["township_leader"])
    assert due.id_number not in client.get("/pension/?list=due").content.decode()


def test_the_record_page_certifies_flags_and_stops(county, client):
    p = pensioner(county["huanhua"], last_certified_on=date(2025, 1, 2))
    Pensioner.objects.filter(pk=p.pk).update(status=PensionerStatus.SUSPENDED, suspended_from=date(2025, 2, 1))
    client.force_login(county.people["township_staff"])
    page = client.post(f"/pension/{p.pk}/certify/", {"method": "home_visit", "result": "passed"}, follow=True)
    assert "补发" in page.content.decode()
    client.post(f"/pension/{p.pk}/home_visit/", {"needs_home_visit": "1"})
    p.refresh_from_db()
    assert (p.status, p.needs_home_visit) == (PensionerStatus.ACTIVE, True)
    bad = client.post(f"/pension/{p.pk}/stop/", {"reason": "death", "ended_on": "soon"}, follow=True)
    assert p.status == PensionerStatus.ACTIVE and "2026-03-15" in bad.content.decode()
    client.post(
        f"/pension/{p.pk}/stop/",
        {"reason": "death", "ended_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
    )
    p.refresh_from_db()
    assert p.status == PensionerStatus.STOPPED
    assert list(PensionerEvent.objects.filter(pensioner=p).values_list("kind", flat=True)) == [
        "registered",
        "resumed",
        "stopped",
    ]


def test_the_hall_page_keeps_its_script_static(county, client):
    client.force_login(county.people["cadre_a"])
    page = client.get("/pension/hall/").content.decode()
    assert 'src="/static/pension/hall.js"' in page and "<script>" not in page
    assert 'data-api="/api/v1/pension/certifications"' in page and "autofocus" in page


def test_a_home_visit_keeps_its_photo_and_refuses_other_files(county, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = pensioner(county["huanhua"], last_certified_on=date(2026, 1, 2))
    client.force_login(county.people["cadre_a"])
    bad = SimpleUploadedFile("visit.jpg", b"MZ not a photo", content_type="image/jpeg")
    page = client.post(f"/pension/{p.pk}/certify/", {"method": "home_visit", "photo": bad}, follow=True)
    assert "JPEG" in page.content.decode() and not p.certifications.exists()
    good = SimpleUploadedFile("visit.jpg", b"\xff\xd8\xff\xe0 jpeg", content_type="image/jpeg")
    client.post(f"/pension/{p.pk}/certify/", {"method": "home_visit", "photo": good, "location": "29.0,109.5"})
    record = p.certifications.get()
    assert record.photo.name.startswith("pension/visits/") and record.location == "29.0,109.5"


def test_the_api_list_reads_a_fixed_number_of_queries_and_the_pages_speak_english(
    county, api_as, client, django_assert_max_num_queries
):
    for _ in range(12):
        pensioner(county["huanhua"], last_certified_on=date(2025, 12, 20))
    api = api_as(county.people["township_staff"])
    api.get("/pension/pensioners", list="overdue")  # the token and the scope, read once per worker
    with django_assert_max_num_queries(6):
        body = api.get("/pension/pensioners", list="all", limit=50).json()
    assert body["count"] == 12 and len(body["items"]) == 12
    client.force_login(county.people["township_staff"])
    english = client.get("/pension/?list=due", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Due in 30 days" in english and "Needs a home visit" in english


def test_a_long_import_reports_its_progress(county, client):
    from django.core.files.base import ContentFile

    from bianmin.pension.models import ImportJob
    from bianmin.pension.tests.factories import new_id, scheme
    from bianmin.pension.tests.test_excel import workbook
    from bianmin.pension.views_register import run_job

    scheme("170")
    staff = county.people["township_staff"]
    rows = [[f"人{i}", new_id(), "170", county["shima"].code, "", "", "2026-05-01", "否"] for i in range(5)]
    job = ImportJob(actor=staff)
    job.file.save("register.xlsx", ContentFile(workbook(rows).getvalue()), save=True)
    client.force_login(staff)
    assert client.get(f"/pension/imports/{job.pk}/status").json()["state"] == "running"
    run_job(job.pk)
    status = client.get(f"/pension/imports/{job.pk}/status").json()
    assert (status["state"], status["written"], status["rows"]) == ("done", 5, 5)
    assert "新增 5 人" in client.get(f"/pension/imports/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert not job.file  # the uploaded register is not kept
    client.force_login(county.people["township_admin"])
    assert client.get(f"/pension/imports/{job.pk}/status").status_code == 404  # another person's import


def test_a_refusal_on_the_record_page_says_what_to_fix_without_field_codes(county, client):
    p = pensioner(county["huanhua"], last_certified_on=date(2026, 1, 2))
    client.force_login(county.people["cadre_a"])
    page = client.post(f"/pension/{p.pk}/certify/", {"method": "in_person_hall", "result": "failed"}, follow=True)
    text = page.content.decode()
    assert "请填写认证未通过的原因。" in text and "failure_reason:" not in text
    assert not p.certifications.exists()


def test_the_navigation_offers_only_the_pages_the_role_opens(county, client):
    nav = {}
    for who in ("cadre_a", "township_staff", "township_leader"):
        client.force_login(county.people[who])
        nav[who] = client.get("/pension/report/").content.decode()
    # A leader watches the figures: no hall, no import, but the (masked) export their role may download
    assert "/pension/hall/" not in nav["township_leader"] and "/pension/register/" not in nav["township_leader"]
    assert 'href="/pension/register.xlsx"' in nav["township_leader"]
    export = client.get("/pension/register.xlsx")
    export.close()  # a streamed file: closing the response closes it
    assert export.status_code == 200
    # An assistant certifies but does not keep the register; the township's staff do both
    assert "/pension/hall/" in nav["cadre_a"] and "/pension/register/" not in nav["cadre_a"]
    assert "/pension/hall/" in nav["township_staff"] and "/pension/register/" in nav["township_staff"]


def test_the_record_shows_where_a_visit_was_why_a_pension_stopped_and_when_the_grace_ends(county, client):
    today = timezone.localdate()
    late = pensioner(county["huanhua"], last_certified_on=today.replace(year=today.year - 1) - timedelta(days=3))
    client.force_login(county.people["township_staff"])
    page = client.get(f"/pension/{late.pk}/").content.decode()
    assert late.suspend_after.isoformat() in page and 'id="grace-ends"' in page
    client.post(f"/pension/{late.pk}/certify/", {"method": "home_visit", "location": "浣花村3组11号 家中"})
    page = client.get(f"/pension/{late.pk}/").content.decode()
    assert "浣花村3组11号 家中" in page and 'id="grace-ends"' not in page
    client.post(f"/pension/{late.pk}/stop/", {"reason": "death", "ended_on": today.isoformat()})
    page = client.get(f"/pension/{late.pk}/").content.decode()
    assert "死亡 · " in page and '<dd id="stop-reason">死亡' in page


def test_an_import_that_breaks_is_marked_failed_and_its_file_deleted(county, client, monkeypatch):
    from django.core.files.base import ContentFile

    from bianmin.pension import views_register
    from bianmin.pension.models import ImportJob

    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    staff = county.people["township_staff"]
    job = ImportJob(actor=staff)
    job.file.save("register.xlsx", ContentFile(b"PK"), save=True)
    monkeypatch.setattr(views_register, "import_register", broken)
    views_register.run_job(job.pk)
    job.refresh_from_db()
    assert (job.state, job.file.name, job.finished_at is not None) == (ImportJob.State.FAILED, "", True)
    client.force_login(staff)
    assert "文件未导入" in client.get(f"/pension/imports/{job.pk}/").content.decode()
