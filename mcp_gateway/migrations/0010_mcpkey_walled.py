"""MCP keys behind the wall, for the serving role (alloy/database_roles.py).

The serving role sees a key when its transaction set the key's workspace (`alloy.workspace_id`), when the
signed-in person belongs to the key's workspace (`alloy.person_id`: the keys pages and API), or when it
presents the key itself: `alloy.presented_key` holds the keyed hash of the key a request carried
(mcp_gateway/auth/resolve.py), and only the key with that hash shows. A list across workspaces shows
nothing. Row-level security is enabled, not forced: the operations role, which owns the table, reads it
whole (the admin, commands), and so does `mcp_gateway_key_is_live(key, at)`, the liveness every tool read
checks before the read's workspace is set (mcp_gateway/auth/credentials.py). It is PL/pgSQL, its table named
with its schema, and sets no search_path: its plan is kept per connection, and a SET clause alone cost 0.1 ms a
call (pgbench: 0.218 ms a call as SQL with a search_path, 0.135 ms as this, 0.115 ms for the query inline) —
on every tool read.
"""

from django.db import migrations

from alloy.migration_sql import on_postgresql

WORKSPACE = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"
PRESENTED = "NULLIF(current_setting('alloy.presented_key', true), '')"

FORWARD = f"""
CREATE FUNCTION mcp_gateway_key_is_live(key bigint, at timestamptz) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM public.mcp_gateway_mcpkey
        WHERE id = key AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > at)
    );
END $$;
ALTER TABLE mcp_gateway_mcpkey ENABLE ROW LEVEL SECURITY;
CREATE POLICY mcpkey_wall ON mcp_gateway_mcpkey USING (
    workspace_id = {WORKSPACE} OR key_hash = {PRESENTED} OR workspace_id IN (SELECT workspaces_person_workspaces())
);
"""

BACKWARD = """
DROP POLICY IF EXISTS mcpkey_wall ON mcp_gateway_mcpkey;
ALTER TABLE mcp_gateway_mcpkey DISABLE ROW LEVEL SECURITY;
DROP FUNCTION IF EXISTS mcp_gateway_key_is_live(bigint, timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [("mcp_gateway", "0009_mcpcall_walled"), ("workspaces", "0003_membership_walled")]

    operations = [on_postgresql(FORWARD, BACKWARD)]
