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
