"""The activity log behind the wall (alloy/database_roles.py, sessions_app migration 0014).

Its rows are read only for the transaction's workspace (or, by the operations role, every workspace once it
opened the wall), like the session tables. Any role may add a row: the log is written in batches of many
workspaces' calls by a thread of its own (mcp_gateway/activity/log.py); the serving role is granted only
SELECT and INSERT on it, so what it wrote it cannot change. COPY is refused under row-level security, so
the writer sends one multi-row INSERT instead.
"""

from django.db import migrations

WORKSPACE = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"
OPENING = f"{WORKSPACE} IS NULL AND current_setting('alloy.all_workspaces', true) = 'on'"
TABLE = "mcp_gateway_mcpcall"

FORWARD = f"""
ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY;
ALTER TABLE {TABLE} FORCE ROW LEVEL SECURITY;
CREATE POLICY mcpcall_workspace_wall ON {TABLE} FOR SELECT USING (workspace_id = {WORKSPACE});
CREATE POLICY mcpcall_every_workspace ON {TABLE} TO CURRENT_USER USING ({OPENING});
CREATE POLICY mcpcall_added ON {TABLE} FOR INSERT WITH CHECK (true);
"""

BACKWARD = f"""
DROP POLICY IF EXISTS mcpcall_added ON {TABLE};
DROP POLICY IF EXISTS mcpcall_every_workspace ON {TABLE};
DROP POLICY IF EXISTS mcpcall_workspace_wall ON {TABLE};
ALTER TABLE {TABLE} NO FORCE ROW LEVEL SECURITY;
ALTER TABLE {TABLE} DISABLE ROW LEVEL SECURITY;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("mcp_gateway", "0008_mcpcall_reason")]

    operations = [migrations.RunPython(forward, backward)]
