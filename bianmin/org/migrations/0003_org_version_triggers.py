# ruff: noqa: S608  (SQL built from this file's own constants, no input)
"""The organisation version's row and the triggers that give it a new random token whenever a unit, a
membership or a work team's coverage changes (see `OrgVersion`). A random token, not a counter: a
transaction rolled back (as every test is) cannot bring back a token a worker has cached under."""

from django.db import migrations

from bianmin.database import per_vendor

TABLES = ("org_unit", "org_membership", "org_unit_covers")

SQLITE = ["INSERT INTO org_orgversion (id, token) VALUES (1, random())"] + [
    f"""CREATE TRIGGER org_version_{table}_{event.lower()} AFTER {event} ON {table}
    BEGIN UPDATE org_orgversion SET token = random() WHERE id = 1; END"""
    for table in TABLES
    for event in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS org_version_{table}_{event.lower()}"
    for table in TABLES
    for event in ("INSERT", "UPDATE", "DELETE")
] + ["DELETE FROM org_orgversion"]

RANDOM_BIGINT = "(random() * 9000000000000000000)::bigint"
POSTGRESQL = [
    f"INSERT INTO org_orgversion (id, token) VALUES (1, {RANDOM_BIGINT})",
    f"""CREATE FUNCTION org_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE org_orgversion SET token = {RANDOM_BIGINT} WHERE id = 1;
        RETURN NULL;
    END $$""",
] + [
    f"""CREATE TRIGGER org_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION org_version_bump()"""
    for table in TABLES
]
POSTGRESQL_REVERSE = [f"DROP TRIGGER IF EXISTS org_version_bump ON {table}" for table in TABLES] + [
    "DROP FUNCTION IF EXISTS org_version_bump()",
    "DELETE FROM org_orgversion",
]


class Migration(migrations.Migration):
    dependencies = [("org", "0002_org_version")]

    operations = [
        migrations.RunPython(
            per_vendor({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            per_vendor({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
