"""File contents behind the wall, a content search keyed by workspace, and a wall that fails closed.

- A content's workspace is now required and unique with its digest: a workspace stores a content once,
  and two workspaces never share a row (migration 0011 split the shared ones).
- `sessions_app_blob` gets the row-level security of the other session tables.
- The wall fails closed (PostgreSQL only; see sessions_app/tenancy.py). Before, a connection that set no
  workspace saw every row; now it sees none. A set workspace shows that workspace's rows; the admin,
  imports and commands ask for every workspace by name, `alloy.all_workspaces = on`, which counts only
  while no workspace is set (a set workspace always narrows).
- `sessions_app_blobsearch` (blob, workspace, trigrams): the trigrams of each text content (pg_trgm's
  `show_trgm`), with a GIN index on (workspace, trigrams). A file search asks it for the contents of the
  caller's workspace holding a word's trigrams, then reads those contents through the wall. Under
  row-level security a LIKE is never an index condition (migration 0008), so the trigram index on the
  contents themselves, which spanned every workspace, is dropped. Like the chat's search table
  (migration 0009) it has no policy of its own: it holds trigram sets, not contents, and is read only
  for ids, joined to the walled rows. Triggers keep it in step with the contents.
"""

import django.db.models.deletion
from django.db import migrations, models

WORKSPACE = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"
WALL = f"workspace_id = {WORKSPACE} OR ({WORKSPACE} IS NULL AND current_setting('alloy.all_workspaces', true) = 'on')"
# What migrations 0006 and 0007 wrote: an unset workspace let every row through.
OPEN_WALL = f"{WORKSPACE} IS NULL OR workspace_id = {WORKSPACE}"
POLICIES = {
    "sessions_app_session": "session_workspace_wall",
    "sessions_app_message": "message_workspace_wall",
    "sessions_app_sessionfile": "sessionfile_workspace_wall",
    "sessions_app_blob": "blob_workspace_wall",
}

CONTENT_SEARCH = """
CREATE TABLE sessions_app_blobsearch (
    blob_id bigint PRIMARY KEY,
    workspace_id bigint NOT NULL,
    trigrams text[] NOT NULL
);
CREATE INDEX blobsearch_trigrams ON sessions_app_blobsearch USING gin (workspace_id, trigrams);

CREATE FUNCTION sessions_app_index_contents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sessions_app_blobsearch WHERE blob_id IN (SELECT id FROM changed);
    INSERT INTO sessions_app_blobsearch (blob_id, workspace_id, trigrams)
    SELECT id, workspace_id, show_trgm(text) FROM changed WHERE NOT is_binary;
    RETURN NULL;
END $$;
CREATE TRIGGER contents_inserted AFTER INSERT ON sessions_app_blob
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sessions_app_index_contents();
CREATE TRIGGER contents_updated AFTER UPDATE ON sessions_app_blob
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sessions_app_index_contents();

-- No foreign key (Django's flush truncates the tables it knows): deletions follow by trigger.
CREATE FUNCTION sessions_app_unindex_contents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sessions_app_blobsearch WHERE blob_id IN (SELECT id FROM gone);
    RETURN NULL;
END $$;
CREATE TRIGGER contents_deleted AFTER DELETE ON sessions_app_blob
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION sessions_app_unindex_contents();

INSERT INTO sessions_app_blobsearch (blob_id, workspace_id, trigrams)
    SELECT id, workspace_id, show_trgm(text) FROM sessions_app_blob WHERE NOT is_binary;

DROP INDEX IF EXISTS blob_text_trgm;
"""

CONTENT_SEARCH_BACKWARD = """
DROP TRIGGER IF EXISTS contents_deleted ON sessions_app_blob;
DROP FUNCTION IF EXISTS sessions_app_unindex_contents();
DROP TRIGGER IF EXISTS contents_updated ON sessions_app_blob;
DROP TRIGGER IF EXISTS contents_inserted ON sessions_app_blob;
DROP FUNCTION IF EXISTS sessions_app_index_contents();
DROP TABLE IF EXISTS sessions_app_blobsearch;
CREATE INDEX IF NOT EXISTS blob_text_trgm ON sessions_app_blob USING gin (upper(text::text) gin_trgm_ops);
"""


def _policies(wall: str) -> str:
    return "\n".join(
        f"DROP POLICY IF EXISTS {policy} ON {table};\nCREATE POLICY {policy} ON {table} USING ({wall});"
        for table, policy in POLICIES.items()
    )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # This migration's own reads (the backfill) see every workspace, whatever the wall says after it.
    schema_editor.execute("SELECT set_config('alloy.all_workspaces', 'on', true)")
    schema_editor.execute(CONTENT_SEARCH)
    schema_editor.execute(
        "ALTER TABLE sessions_app_blob ENABLE ROW LEVEL SECURITY;\n"
        "ALTER TABLE sessions_app_blob FORCE ROW LEVEL SECURITY;\n" + _policies(WALL)
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        _policies(OPEN_WALL) + "\nDROP POLICY blob_workspace_wall ON sessions_app_blob;\n"
        "ALTER TABLE sessions_app_blob NO FORCE ROW LEVEL SECURITY;\n"
        "ALTER TABLE sessions_app_blob DISABLE ROW LEVEL SECURITY;"
    )
    schema_editor.execute(CONTENT_SEARCH_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0011_blob_workspace")]

    operations = [
        migrations.AlterField(
            model_name="blob",
            name="workspace",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="workspaces.workspace",
            ),
        ),
        migrations.AddConstraint(
            model_name="blob",
            constraint=models.UniqueConstraint(fields=("workspace", "digest"), name="blob_unique_digest_per_workspace"),
        ),
        migrations.AlterField(
            model_name="sessionfile",
            name="before",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="sessions_app.blob",
            ),
        ),
        migrations.AlterField(
            model_name="sessionfile",
            name="after",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="sessions_app.blob",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
