"""Reads of MCP keys."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from mcp_gateway.models import McpCall, McpKey, McpKeyQuerySet
from workspaces.models import Workspace


def mcp_keys_with_last_refusal(*, workspace: Workspace) -> McpKeyQuerySet:
    """The workspace's keys as the keys page shows them: each with `last_refused_at`, when a request with
    it was last refused (revoked, expired), from the activity log."""
    last_refusal = McpCall.objects.filter(mcp_key=OuterRef("pk"), outcome=McpCall.Outcome.REFUSED).order_by("-id")
    return mcp_keys_list(workspace=workspace).annotate(last_refused_at=Subquery(last_refusal.values("at")[:1]))


def mcp_keys_list(*, workspace: Workspace | None = None) -> McpKeyQuerySet:
    """Keys, newest first, with their workspace and creator; all workspaces when `workspace` is None."""
    keys = McpKey.objects.select_related("workspace", "created_by").order_by("-created_at", "-pk")
    return keys.filter(workspace=workspace) if workspace is not None else keys
