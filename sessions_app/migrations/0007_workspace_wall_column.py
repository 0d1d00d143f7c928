"""The workspace on message and file rows, for a row-level-security policy that costs nothing per row.

Migration 0006's policies looked up each message's (and file's) session to learn its workspace;
PostgreSQL planned that as a hash of all of the workspace's sessions, so a chat page in a workspace of
50,000 sessions cost 46 ms. Now each row carries its session's workspace, filled in by a trigger
(whoever inserts — the import, the admin, a test) and backfilled here, and the policies compare it.
"""

import django.db.models.deletion
from django.db import migrations, models

SETTING = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"

FORWARD = f"""
UPDATE sessions_app_message m SET workspace_id = s.workspace_id FROM sessions_app_session s WHERE s.id = m.session_id;

UPDATE sessions_app_sessionfile f SET workspace_id = s.workspace_id FROM sessions_app_session s WHERE s.id = f.session_id;

CREATE FUNCTION alloy_row_workspace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.workspace_id IS NULL THEN
        SELECT workspace_id INTO NEW.workspace_id FROM sessions_app_session WHERE id = NEW.session_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER message_workspace BEFORE INSERT OR UPDATE OF session_id ON sessions_app_message
    FOR EACH ROW EXECUTE FUNCTION alloy_row_workspace();

CREATE TRIGGER sessionfile_workspace BEFORE INSERT OR UPDATE OF session_id ON sessions_app_sessionfile
    FOR EACH ROW EXECUTE FUNCTION alloy_row_workspace();

DROP POLICY message_workspace_wall ON sessions_app_message;

CREATE POLICY message_workspace_wall ON sessions_app_message
    USING ({SETTING} IS NULL OR workspace_id = {SETTING});

DROP POLICY sessionfile_workspace_wall ON sessions_app_sessionfile;

CREATE POLICY sessionfile_workspace_wall ON sessions_app_sessionfile
    USING ({SETTING} IS NULL OR workspace_id = {SETTING});
"""

BACKWARD = f"""
DROP POLICY sessionfile_workspace_wall ON sessions_app_sessionfile;

CREATE POLICY sessionfile_workspace_wall ON sessions_app_sessionfile
    USING ({SETTING} IS NULL OR EXISTS (
        SELECT 1 FROM sessions_app_session s WHERE s.id = session_id AND s.workspace_id = {SETTING}));

DROP POLICY message_workspace_wall ON sessions_app_message;

CREATE POLICY message_workspace_wall ON sessions_app_message
    USING ({SETTING} IS NULL OR EXISTS (
        SELECT 1 FROM sessions_app_session s WHERE s.id = session_id AND s.workspace_id = {SETTING}));

DROP TRIGGER sessionfile_workspace ON sessions_app_sessionfile;

DROP TRIGGER message_workspace ON sessions_app_message;

DROP FUNCTION alloy_row_workspace();
"""


def _run(schema_editor, script: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # One statement at a time, but the function body holds semicolons: split on blank lines.
        for statement in filter(None, (part.strip() for part in script.split("\n\n"))):
            schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0006_row_level_security"),
        ("workspaces", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="workspace",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="workspaces.workspace",
            ),
        ),
        migrations.AddField(
            model_name="sessionfile",
            name="workspace",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="workspaces.workspace",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
