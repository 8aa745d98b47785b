"""A worker keeps each API caller's grants, scope units and unit rows while the organisation's version stays
the same; every change to units, memberships or coverage, however it is written, must show on the next
request (bianmin.org.scope, migration org 0003)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.cases.tests.factories import new_case
from bianmin.org.models import Membership, OrgVersion, Unit
from bianmin.org.scope import Access, kept_unit


def test_a_removed_membership_takes_effect_on_the_next_request(county, api_as):
    # Given a township's staff member whose grants the worker keeps after a first request
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    api = api_as(county.people["township_staff"])
    assert api.get(f"/cases/{case.number}").status_code == 200
    with CaptureQueriesContext(connection) as kept:
        assert api.get(f"/cases/{case.number}").status_code == 200
    assert not [q for q in kept.captured_queries if "org_membership" in q["sql"]], "grants were read again"
    # When their membership ends
    Membership.objects.filter(user=county.people["township_staff"]).delete()
    # Then the next request no longer sees the township's cases
    assert api.get(f"/cases/{case.number}").status_code == 404


def test_a_change_written_in_plain_sql_takes_effect_too(county, api_as):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    api = api_as(county.people["cadre_b"])  # 石马村's cadre: not 浣花村's
    assert api.get(f"/cases/{case.number}").status_code == 404
    with connection.cursor() as cursor:  # an administrator's repair, behind the ORM's back
        cursor.execute(
            "UPDATE org_membership SET unit_id = %s WHERE user_id = %s",
            [county["huanhua"].pk, county.people["cadre_b"].pk],
        )
    assert api.get(f"/cases/{case.number}").status_code == 200


def test_a_work_team_stationed_in_another_village_sees_it_at_once(county, api_as):
    case = new_case(county.people["cadre_b"], village=county["shima"])
    api = api_as(county.people["work_team"])
    assert api.get(f"/cases/{case.number}").status_code == 404
    county["team"].covers.add(county["shima"])
    assert api.get(f"/cases/{case.number}").status_code == 200
    county["team"].covers.remove(county["shima"])
    assert api.get(f"/cases/{case.number}").status_code == 404


def test_a_renamed_unit_is_read_again_and_a_kept_unit_is_never_shared(county, api_as):
    staff = county.people["township_staff"]
    case = new_case(staff, unit=county["baidi"])
    api = api_as(staff)
    first = api.post(f"/cases/{case.number}/actions/assign", {"version": case.version, "handler": staff.username})
    assert first.status_code == 200 and first.json()["unit"]["name"] == "白帝镇"
    Unit.objects.filter(pk=county["baidi"].pk).update(name="白帝镇人民政府")
    done = api.post(f"/cases/{case.number}/actions/reply", {"version": first.json()["version"], "reply": "已答复"})
    assert done.status_code == 200 and done.json()["unit"]["name"] == "白帝镇人民政府"
    # A caller that changes the unit it was given changes only its own copy
    staff.__dict__["access"] = Access(org_version=OrgVersion.objects.get().token)  # as the token's check leaves it
    kept_unit(staff, county["baidi"].pk).name = "改过的名字"
    assert kept_unit(staff, county["baidi"].pk).name == "白帝镇人民政府"


def test_without_the_version_row_nothing_is_kept_and_nothing_breaks(county, api_as):
    case = new_case(county.people["cadre_a"], village=county["huanhua"])
    OrgVersion.objects.all().delete()  # as after a test database's flush
    api = api_as(county.people["township_staff"])
    assert api.get(f"/cases/{case.number}").status_code == 200
    Membership.objects.filter(user=county.people["township_staff"]).delete()
    assert api.get(f"/cases/{case.number}").status_code == 404


def test_the_org_versions_triggers_survive_every_migration(db):
    """A migration that makes SQLite remake org_unit (adding a column with a default) drops its triggers;
    such a migration must make them again (0005_unit_official_name does)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'org_version_%'")
            expected = {
                f"org_version_{t}_{e}"
                for t in ("org_unit", "org_membership", "org_unit_covers")
                for e in ("insert", "update", "delete")
            }
        else:
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'org_version_bump'")
            expected = {"org_unit", "org_membership", "org_unit_covers"}
        assert {row[0] for row in cursor.fetchall()} == expected
