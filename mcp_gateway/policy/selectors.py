"""Reading a workspace's MCP policy."""

from __future__ import annotations

import ipaddress

from mcp_gateway.models import McpPolicy
from mcp_gateway.policy.rules import PolicySnapshot
from sessions_app.tenancy import only_workspace
from workspaces.models import Workspace


def mcp_policy_of(*, workspace: Workspace) -> PolicySnapshot:
    """The workspace's policy (the defaults, revision 0, when it has never set one): one indexed query."""
    with only_workspace(workspace.pk):  # policies are behind the wall (mcp_gateway migration 0012)
        row = McpPolicy.objects.filter(workspace_id=workspace.pk).first()
    return snapshot_of(row, workspace_slug=workspace.slug)


def snapshot_of(row: McpPolicy | None, *, workspace_slug: str) -> PolicySnapshot:
    if row is None:
        return PolicySnapshot(workspace_slug=workspace_slug)
    return PolicySnapshot(
        workspace_slug=workspace_slug,
        enabled=row.enabled,
        accept_keys=row.accept_keys,
        accept_oauth=row.accept_oauth,
        oauth_apps=tuple(row.oauth_apps),
        max_key_lifetime_days=row.max_key_lifetime_days,
        tools=None if row.tools is None else frozenset(row.tools),
        key_networks=tuple(ipaddress.ip_network(block) for block in row.key_networks),
        revision=row.revision,
    )


def policy_fields(policy: PolicySnapshot) -> dict[str, object]:
    """The policy as the API, the command and the audit trail spell it."""
    return {
        "enabled": policy.enabled,
        "credentials": [kind for kind, on in (("keys", policy.accept_keys), ("oauth", policy.accept_oauth)) if on],
        "oauth_apps": list(policy.oauth_apps),
        "max_key_lifetime_days": policy.max_key_lifetime_days,
        "tools": None if policy.tools is None else [name for name in policy.allowed_tools()],
        "key_networks": [str(network) for network in policy.key_networks],
        "revision": policy.revision,
    }
