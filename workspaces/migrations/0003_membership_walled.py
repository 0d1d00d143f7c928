"""Memberships behind the wall, for the serving role (alloy/database_roles.py).

The serving role sees the memberships of the workspace its transaction set (`alloy.workspace_id`), and those
of every workspace the signed-in person belongs to (`alloy.person_id`, set for each signed-in page request by
alloy.middleware.person_behind_the_wall): the person's own and their co-members', never another workspace's.
Row-level security is enabled, not forced: the operations role, which owns the table, reads it whole (the
admin, imports, commands), and so do two SECURITY DEFINER functions the policies and checks use:

- `workspaces_person_workspaces()`: the workspaces of the person the transaction set (what the policies of
  this table and of the MCP keys ask, without a policy reading its own table);
- `workspaces_is_member(workspace, person)`: whether a person belongs to a workspace — an OAuth token's
  liveness, checked on every tool read before the read's workspace is set. PL/pgSQL with its table named with
  its schema and no search_path of its own, for the reason mcp_gateway migration 0010 gives.
"""

from django.db import migrations

from alloy.migration_sql import on_postgresql

WORKSPACE = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"
PERSON = "NULLIF(current_setting('alloy.person_id', true), '')::bigint"

FORWARD = f"""
CREATE FUNCTION workspaces_person_workspaces() RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 5 AS $$
    SELECT workspace_id FROM workspaces_membership WHERE user_id = {PERSON}
$$;
CREATE FUNCTION workspaces_is_member(workspace bigint, person bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM public.workspaces_membership WHERE workspace_id = workspace AND user_id = person);
END $$;
ALTER TABLE workspaces_membership ENABLE ROW LEVEL SECURITY;
CREATE POLICY membership_wall ON workspaces_membership
    USING (workspace_id = {WORKSPACE} OR workspace_id IN (SELECT workspaces_person_workspaces()));
"""

BACKWARD = """
DROP POLICY IF EXISTS membership_wall ON workspaces_membership;
ALTER TABLE workspaces_membership DISABLE ROW LEVEL SECURITY;
DROP FUNCTION IF EXISTS workspaces_is_member(bigint, bigint);
DROP FUNCTION IF EXISTS workspaces_person_workspaces();
"""


class Migration(migrations.Migration):
    dependencies = [("workspaces", "0002_user_diff_view")]

    operations = [on_postgresql(FORWARD, BACKWARD)]
