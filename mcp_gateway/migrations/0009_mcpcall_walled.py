"""The activity log behind the wall (alloy/database_roles.py, sessions_app migration 0014).

Its rows are read only for the transaction's workspace (or, by the operations role, every workspace once it
opened the wall), like the session tables. Any role may add a row: the log is written in batches of many
workspaces' calls by a thread of its own (mcp_gateway/activity/log.py). The serving role is granted SELECT,
INSERT, and UPDATE of the three credential columns alone (alloy/database_roles.py): deleting a key, an app or a
person clears them in the rows that named it (Django's SET_NULL), in the deleter's workspace; a trigger refuses
any other change, by any role. COPY is refused under row-level security, so the writer sends one multi-row
INSERT instead.
"""

from django.db import migrations

from alloy.migration_sql import on_postgresql

WORKSPACE = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"
OPENING = f"{WORKSPACE} IS NULL AND current_setting('alloy.all_workspaces', true) = 'on'"
TABLE = "mcp_gateway_mcpcall"

FORWARD = f"""
ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY;
ALTER TABLE {TABLE} FORCE ROW LEVEL SECURITY;
CREATE POLICY mcpcall_workspace_wall ON {TABLE} FOR SELECT USING (workspace_id = {WORKSPACE});
CREATE POLICY mcpcall_every_workspace ON {TABLE} TO CURRENT_USER USING ({OPENING});
CREATE POLICY mcpcall_added ON {TABLE} FOR INSERT WITH CHECK (true);
CREATE POLICY mcpcall_credential_deleted ON {TABLE} FOR UPDATE USING (workspace_id = {WORKSPACE});

CREATE FUNCTION mcp_gateway_mcpcall_only_forgets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.mcp_key_id IS NOT NULL AND NEW.mcp_key_id IS DISTINCT FROM OLD.mcp_key_id)
        OR (NEW.application_id IS NOT NULL AND NEW.application_id IS DISTINCT FROM OLD.application_id)
        OR (NEW.user_id IS NOT NULL AND NEW.user_id IS DISTINCT FROM OLD.user_id)
        OR (NEW.at, NEW.workspace_id, NEW.credential, NEW.tool, NEW.session_id, NEW.outcome, NEW.duration_ms,
            NEW.reason) IS DISTINCT FROM (OLD.at, OLD.workspace_id, OLD.credential, OLD.tool, OLD.session_id,
            OLD.outcome, OLD.duration_ms, OLD.reason)
    THEN
        RAISE EXCEPTION 'The activity log is only added to: a call forgets its key, app or person when it is deleted.';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER mcpcall_only_forgets BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION mcp_gateway_mcpcall_only_forgets();
"""

BACKWARD = f"""
DROP TRIGGER IF EXISTS mcpcall_only_forgets ON {TABLE};
DROP FUNCTION IF EXISTS mcp_gateway_mcpcall_only_forgets();
DROP POLICY IF EXISTS mcpcall_credential_deleted ON {TABLE};
DROP POLICY IF EXISTS mcpcall_added ON {TABLE};
DROP POLICY IF EXISTS mcpcall_every_workspace ON {TABLE};
DROP POLICY IF EXISTS mcpcall_workspace_wall ON {TABLE};
ALTER TABLE {TABLE} NO FORCE ROW LEVEL SECURITY;
ALTER TABLE {TABLE} DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):
    dependencies = [("mcp_gateway", "0008_mcpcall_reason")]

    operations = [on_postgresql(FORWARD, BACKWARD)]
