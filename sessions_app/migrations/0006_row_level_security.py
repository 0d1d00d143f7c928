"""Row-level security on the session tables (PostgreSQL only); see sessions_app/tenancy.py.

FORCE makes the policies apply to the table owner too — the role the application connects as.
(Superusers bypass row-level security whatever is set, so production must not connect as one.)
"""

from django.db import migrations

# NULLIF: an unset or empty setting means "no restriction" (admin, imports, commands).
SETTING = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"

FORWARD = f"""
ALTER TABLE sessions_app_session ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions_app_session FORCE ROW LEVEL SECURITY;
CREATE POLICY session_workspace_wall ON sessions_app_session
    USING ({SETTING} IS NULL OR workspace_id = {SETTING});

ALTER TABLE sessions_app_message ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions_app_message FORCE ROW LEVEL SECURITY;
CREATE POLICY message_workspace_wall ON sessions_app_message
    USING ({SETTING} IS NULL OR EXISTS (
        SELECT 1 FROM sessions_app_session s WHERE s.id = session_id AND s.workspace_id = {SETTING}));

ALTER TABLE sessions_app_sessionfile ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions_app_sessionfile FORCE ROW LEVEL SECURITY;
CREATE POLICY sessionfile_workspace_wall ON sessions_app_sessionfile
    USING ({SETTING} IS NULL OR EXISTS (
        SELECT 1 FROM sessions_app_session s WHERE s.id = session_id AND s.workspace_id = {SETTING}));
"""

BACKWARD = """
DROP POLICY IF EXISTS sessionfile_workspace_wall ON sessions_app_sessionfile;
ALTER TABLE sessions_app_sessionfile NO FORCE ROW LEVEL SECURITY;
ALTER TABLE sessions_app_sessionfile DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS message_workspace_wall ON sessions_app_message;
ALTER TABLE sessions_app_message NO FORCE ROW LEVEL SECURITY;
ALTER TABLE sessions_app_message DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS session_workspace_wall ON sessions_app_session;
ALTER TABLE sessions_app_session NO FORCE ROW LEVEL SECURITY;
ALTER TABLE sessions_app_session DISABLE ROW LEVEL SECURITY;
"""


def _run(schema_editor, script: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in filter(None, (part.strip() for part in script.split(";"))):
            schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0005_session_counter_caches")]

    operations = [migrations.RunPython(forward, backward)]
