"""Make the audit log append-only in the database itself, on SQLite and on PostgreSQL.

The model already refuses updates and deletes; these triggers also stop raw SQL and bulk
queryset calls, as GB/T 22239 level 3 (安全审计) expects of audit records.
"""

from django.db import migrations

TABLE = "accounts_auditentry"

SQLITE_UP = [
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
               f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

POSTGRES_UP = [
    # TRUNCATE is let through only for a session that declares qihub.allow_audit_truncate: the
    # test settings do, so test-database flushes work; the application's connections never do.
    f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'TRUNCATE'
             AND current_setting('qihub.allow_audit_truncate', true) = 'on' THEN
            RETURN NULL;
          END IF;
          RAISE EXCEPTION 'audit log is append-only';
        END; $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()""",
    # TRUNCATE bypasses row triggers; a statement trigger covers it.
    f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
]


def _statements(schema_editor, sqlite, postgres):
    vendor = schema_editor.connection.vendor
    return sqlite if vendor == "sqlite" else postgres if vendor == "postgresql" else []


def forwards(apps, schema_editor):
    for statement in _statements(schema_editor, SQLITE_UP, POSTGRES_UP):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in _statements(schema_editor, SQLITE_DOWN, POSTGRES_DOWN):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_users_organisations_tokens_audit")]
    operations = [migrations.RunPython(forwards, backwards)]
