"""What a workspace's MCP policy decides, as pure functions of a snapshot of it: each refusal is a sentence that
names the setting and who can change it. No database here (selectors.py reads the snapshot).

Where each is decided (mcp_gateway/auth/credentials.py, transport/http.py, protocol/server.py):
- on the credential, once per fresh check (a cached principal was allowed at its policy's revision, and every
  request compares that revision): MCP on, the credential's kind, the OAuth app;
- on each request: the network a key is used from;
- on each call: the tool (and the prompts and file resources that need tools).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# The tools in groups, as the settings page offers them; the API takes tool names.
TOOL_GROUPS: dict[str, tuple[str, ...]] = {
    "sessions": ("get_session", "list_sessions"),
    "chat": ("get_chat_history",),
    "files and diffs": ("list_session_files", "get_file_content", "get_file_diff"),
    "search": ("search_session",),
}
ALL_TOOLS: tuple[str, ...] = tuple(name for names in TOOL_GROUPS.values() for name in names)
# Claude's OAuth callbacks (claude.ai and Claude Desktop use the first, Claude Code a loopback one).
CLAUDE_REDIRECT_HOST = "claude.ai"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class PolicySnapshot:
    """A workspace's policy as one request sees it. `revision` 0: the workspace has never set one."""

    workspace_slug: str
    enabled: bool = True
    accept_keys: bool = True
    accept_oauth: bool = True
    oauth_apps: tuple[str, ...] = ()
    max_key_lifetime_days: int | None = None
    tools: frozenset[str] | None = None
    key_networks: tuple[Network, ...] = field(default=())
    revision: int = 0

    @property
    def where_to_change(self) -> str:
        return (
            f"the workspace {self.workspace_slug}'s MCP policy, which its owners and admins change in its "
            f"settings or at /api/v1/workspaces/{self.workspace_slug}/mcp-policy/"
        )

    def tool_allowed(self, name: str) -> bool:
        return self.tools is None or name in self.tools

    def allowed_tools(self) -> tuple[str, ...]:
        return tuple(name for name in ALL_TOOLS if self.tool_allowed(name))


# A workspace that has never set a policy, for a principal made without one (tests).
NO_POLICY = PolicySnapshot(workspace_slug="")


def credential_refusal(
    policy: PolicySnapshot, *, kind: str, client_id: str = "", redirect_uris: Iterable[str] = ()
) -> str | None:
    """Why this workspace refuses the credential, or None: MCP off, its kind not accepted, its app not listed."""
    if not policy.enabled:
        return f"MCP is turned off for this workspace, by {policy.where_to_change}."
    if kind == "mcp_key" and not policy.accept_keys:
        return (
            f"This workspace accepts OAuth connections only, not MCP keys, by {policy.where_to_change}. "
            "Add Alloy as a connector in Claude instead."
        )
    if kind == "oauth_token" and not policy.accept_oauth:
        return (
            f"This workspace accepts MCP keys only, not OAuth connections, by {policy.where_to_change}. "
            "Ask them for an MCP key."
        )
    if kind == "oauth_token" and not app_allowed(policy, client_id=client_id, redirect_uris=redirect_uris):
        return f"This app may not connect to this workspace: it is not on the list of apps in {policy.where_to_change}."
    return None


def app_allowed(policy: PolicySnapshot, *, client_id: str, redirect_uris: Iterable[str]) -> bool:
    """Whether an OAuth client is on the list: by its client ID metadata document URL (its client_id), or by the
    host of any of its redirect URIs. An empty list allows any app."""
    if not policy.oauth_apps:
        return True
    hosts = {(urlsplit(uri).hostname or "").lower() for uri in redirect_uris}
    return any(entry == client_id or entry.lower() in hosts for entry in policy.oauth_apps)


def network_refusal(policy: PolicySnapshot, *, kind: str, address: str) -> str | None:
    """Why a key may not be used from `address`, or None (OAuth tokens, and keys anywhere when no network is set)."""
    if kind != "mcp_key" or not policy.key_networks:
        return None
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        client = None
    if client is not None and any(client in network for network in policy.key_networks):
        return None
    listed = ", ".join(str(network) for network in policy.key_networks)
    return f"This MCP key may be used only from {listed}, not from {address}, by {policy.where_to_change}."


def tool_refusal(policy: PolicySnapshot, tool: str) -> str | None:
    """Why a tool may not be called, or None."""
    if policy.tool_allowed(tool):
        return None
    on = ", ".join(policy.allowed_tools()) or "none"
    return f"The tool {tool} is turned off, by {policy.where_to_change}. The tools on are: {on}."
