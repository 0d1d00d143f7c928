"""Reads of MCP keys."""

from __future__ import annotations

from mcp_gateway.models import McpKey, McpKeyQuerySet
from workspaces.models import Workspace


def mcp_keys_list(*, workspace: Workspace | None = None) -> McpKeyQuerySet:
    """Keys, newest first, with their workspace and creator; all workspaces when `workspace` is None."""
    keys = McpKey.objects.select_related("workspace", "created_by").order_by("-created_at", "-pk")
    return keys.filter(workspace=workspace) if workspace is not None else keys
