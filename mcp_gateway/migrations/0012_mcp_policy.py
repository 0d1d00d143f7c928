"""Each workspace's MCP policy (mcp_gateway/policy/), behind the wall, and the credential checks that compare
its revision.

The serving role reads and writes a workspace's policy only with that workspace set (`alloy.workspace_id`);
row-level security is enabled, not forced, as for keys: the operations role reads them all (the admin,
`mcp_policy`). The two liveness functions every tool read calls (0010, 0011) take one more argument, the
policy revision the caller's principal was checked against, and hold only while it is still the workspace's
(0 for a workspace without a row): a changed policy fails the check like a revoked key, and the transport
then checks the credential afresh against the new policy (mcp_gateway/auth/credentials.py). One function
call a read still, its policy a join on a unique index.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from alloy.migration_sql import on_postgresql

WORKSPACE = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"

FORWARD = f"""
ALTER TABLE mcp_gateway_mcppolicy ENABLE ROW LEVEL SECURITY;
CREATE POLICY mcppolicy_wall ON mcp_gateway_mcppolicy USING (workspace_id = {WORKSPACE});
DROP FUNCTION mcp_gateway_key_is_live(bigint, timestamptz);
DROP FUNCTION mcp_gateway_token_is_live(bigint, timestamptz);
CREATE FUNCTION mcp_gateway_key_is_live(key bigint, at timestamptz, policy_revision integer) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM public.mcp_gateway_mcpkey k
        LEFT JOIN public.mcp_gateway_mcppolicy p ON p.workspace_id = k.workspace_id
        WHERE k.id = key AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > at)
        AND COALESCE(p.revision, 0) = policy_revision
    );
END $$;
CREATE FUNCTION mcp_gateway_token_is_live(token_id bigint, at timestamptz, policy_revision integer) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM public.mcp_gateway_oauthaccesstoken t
        JOIN public.workspaces_membership m ON m.workspace_id = t.workspace_id AND m.user_id = t.user_id
        LEFT JOIN public.mcp_gateway_mcppolicy p ON p.workspace_id = t.workspace_id
        WHERE t.id = token_id AND t.expires > at AND COALESCE(p.revision, 0) = policy_revision
    );
END $$;
"""

BACKWARD = """
DROP FUNCTION IF EXISTS mcp_gateway_key_is_live(bigint, timestamptz, integer);
DROP FUNCTION IF EXISTS mcp_gateway_token_is_live(bigint, timestamptz, integer);
CREATE FUNCTION mcp_gateway_key_is_live(key bigint, at timestamptz) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM public.mcp_gateway_mcpkey
        WHERE id = key AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > at)
    );
END $$;
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


class Migration(migrations.Migration):
    dependencies = [
        ("mcp_gateway", "0011_oauth_walled"),
        ("workspaces", "0003_membership_walled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="McpPolicy",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "enabled",
                    models.BooleanField(
                        default=True, help_text="Off: every key and token of the workspace is refused."
                    ),
                ),
                ("accept_keys", models.BooleanField(default=True, help_text="MCP keys may connect.")),
                (
                    "accept_oauth",
                    models.BooleanField(default=True, help_text="OAuth apps (Claude's connector) may connect."),
                ),
                (
                    "oauth_apps",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="The apps that may connect: client ID URLs or redirect hosts; empty: any.",
                    ),
                ),
                (
                    "max_key_lifetime_days",
                    models.PositiveIntegerField(
                        blank=True, help_text="The longest a key may live, in days; empty: no cap.", null=True
                    ),
                ),
                (
                    "tools",
                    models.JSONField(blank=True, help_text="The tools Claude may use, by name; empty: all.", null=True),
                ),
                (
                    "key_networks",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="The networks (CIDR blocks) keys may be used from; empty: anywhere.",
                    ),
                ),
                ("revision", models.PositiveIntegerField(default=0, editable=False)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "workspace",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mcp_policy",
                        to="workspaces.workspace",
                    ),
                ),
            ],
            options={
                "verbose_name": "MCP policy",
                "verbose_name_plural": "MCP policies",
            },
        ),
        on_postgresql(FORWARD, BACKWARD),
    ]
