"""OAuth's authorization codes and tokens behind the wall, for the serving role (alloy/database_roles.py).

The serving role sees a code or token when its transaction set the row's workspace (`alloy.workspace_id`:
the connected-apps page and API, and /token and /revoke once they know it), or when it presents the row's
secret: `alloy.presented_token` holds the SHA-256 of the code or token a request carried (what the table
keeps of it), and only the row with that digest shows (mcp_gateway/oauth/views.py, auth/resolve.py). A list
across workspaces shows nothing. A row is written in its workspace in one insert (oauth/validators.py).

One kind of row belongs to no workspace: the registration access token /register issues with a client's
registration (RFC 7592), stored as an access token without a workspace or a use at /mcp (auth/resolve.py
refuses a token without a workspace). A client registers before anyone chooses a workspace, and the toolkit
writes that token itself, with a secret it has just made, so the wall shows such rows; they hold nothing of a
workspace's, and a client's registration is no more hidden than the client (`mcp_gateway_oauthapplication`,
which is not walled for the same reason).

As for MCP keys (0010), row-level security is enabled, not forced: the operations role, which owns the tables,
reads them whole (the admin, `cleartokens`, `revoke_oauth_tokens`), and so does
`mcp_gateway_token_is_live(token, at)`, the liveness every tool read checks before the read's workspace is set
(mcp_gateway/auth/credentials.py): PL/pgSQL, its tables named with their schema, no search_path of its own
(0010 says why). Its membership check is the join the SQL it replaces made.
"""

from django.db import migrations

from alloy.migration_sql import on_postgresql

WORKSPACE = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"
PRESENTED = "NULLIF(current_setting('alloy.presented_token', true), '')"

# Each table, with what else shows: the row whose secret's SHA-256 was presented (and, for access tokens,
# the clients' registration access tokens).
ALSO_SHOWN = {
    "mcp_gateway_oauthgrant": f"code = {PRESENTED}",
    "mcp_gateway_oauthaccesstoken": f"token_checksum = {PRESENTED} OR workspace_id IS NULL",
    "mcp_gateway_oauthrefreshtoken": f"token_checksum = {PRESENTED}",
}

FORWARD = "\n".join(
    [
        """
CREATE FUNCTION mcp_gateway_token_is_live(token_id bigint, at timestamptz) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM public.mcp_gateway_oauthaccesstoken t
        JOIN public.workspaces_membership m ON m.workspace_id = t.workspace_id AND m.user_id = t.user_id
        WHERE t.id = token_id AND t.expires > at
    );
END $$;
"""
    ]
    + [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\n"
        f"CREATE POLICY {table.removeprefix('mcp_gateway_')}_wall ON {table} USING ("
        f"workspace_id = {WORKSPACE} OR {also});"
        for table, also in ALSO_SHOWN.items()
    ]
)

BACKWARD = "\n".join(
    [
        f"DROP POLICY IF EXISTS {table.removeprefix('mcp_gateway_')}_wall ON {table};\n"
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;"
        for table in ALSO_SHOWN
    ]
    + ["DROP FUNCTION IF EXISTS mcp_gateway_token_is_live(bigint, timestamptz);"]
)


class Migration(migrations.Migration):
    dependencies = [("mcp_gateway", "0010_mcpkey_walled")]

    operations = [on_postgresql(FORWARD, BACKWARD)]
