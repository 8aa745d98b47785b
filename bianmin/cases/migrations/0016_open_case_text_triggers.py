# ruff: noqa: S608  (SQL built from this file's own constants, no input)
"""Triggers that keep `cases_opencasetext` (the words of open cases, for the workbench's text search) in
step with `cases_case`, whatever writes it, and the rows for the cases open now.

The open states are those of `bianmin.cases.choices.OPEN_STATUSES` when this was written; a test checks
that the table holds exactly the open cases, so a new open state needs a migration that rewrites these."""

from django.db import migrations

from bianmin.database import per_vendor

OPEN = "('submitted', 'supplement', 'accepted', 'in_progress', 'paused', 'replied')"

SQLITE = [
    f"""CREATE TRIGGER cases_open_text_insert AFTER INSERT ON cases_case WHEN NEW.status IN {OPEN}
    BEGIN
        INSERT INTO cases_opencasetext (case_id, text) VALUES (NEW.id, NEW.title || char(10) || NEW.content);
    END""",
    # Only when the case opens or closes or its words change: a move between open states writes nothing.
    f"""CREATE TRIGGER cases_open_text_update AFTER UPDATE OF status, title, content ON cases_case
    WHEN (OLD.status IN {OPEN}) <> (NEW.status IN {OPEN}) OR OLD.title IS NOT NEW.title
        OR OLD.content IS NOT NEW.content
    BEGIN
        DELETE FROM cases_opencasetext WHERE case_id = OLD.id;
        INSERT INTO cases_opencasetext (case_id, text)
            SELECT NEW.id, NEW.title || char(10) || NEW.content WHERE NEW.status IN {OPEN};
    END""",
    f"""INSERT INTO cases_opencasetext (case_id, text)
        SELECT id, title || char(10) || content FROM cases_case WHERE status IN {OPEN}""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS cases_open_text_insert",
    "DROP TRIGGER IF EXISTS cases_open_text_update",
    "DELETE FROM cases_opencasetext",
]

POSTGRESQL = [
    f"""CREATE FUNCTION cases_open_text() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM cases_opencasetext WHERE case_id = OLD.id;
        END IF;
        IF NEW.status IN {OPEN} THEN
            INSERT INTO cases_opencasetext (case_id, text) VALUES (NEW.id, NEW.title || chr(10) || NEW.content);
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER cases_open_text_insert AFTER INSERT ON cases_case
    FOR EACH ROW WHEN (NEW.status IN {OPEN}) EXECUTE FUNCTION cases_open_text()""",
    f"""CREATE TRIGGER cases_open_text_update AFTER UPDATE OF status, title, content ON cases_case
    FOR EACH ROW WHEN ((OLD.status IN {OPEN}) IS DISTINCT FROM (NEW.status IN {OPEN})
        OR OLD.title IS DISTINCT FROM NEW.title OR OLD.content IS DISTINCT FROM NEW.content)
    EXECUTE FUNCTION cases_open_text()""",
    f"""INSERT INTO cases_opencasetext (case_id, text)
        SELECT id, title || chr(10) || content FROM cases_case WHERE status IN {OPEN}""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS cases_open_text_insert ON cases_case",
    "DROP TRIGGER IF EXISTS cases_open_text_update ON cases_case",
    "DROP FUNCTION IF EXISTS cases_open_text()",
    "DELETE FROM cases_opencasetext",
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_open_case_text")]

    operations = [
        migrations.RunPython(
            per_vendor({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            per_vendor({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
