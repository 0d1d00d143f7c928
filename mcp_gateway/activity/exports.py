"""The activity log as JSON lines, one call a line (never content): what `export_mcp_activity` writes and the
activity page's export sends, with the same fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from mcp_gateway.activity.selectors import ActivityFilters, mcp_calls_list
from mcp_gateway.models import McpCall
from workspaces.models import Workspace

EXPORT_PAGE = 1_000


def call_record(call: McpCall, *, workspace_slug: str) -> dict[str, Any]:
    return {
        "id": call.pk,
        "at": call.at.isoformat(),
        "workspace": workspace_slug,
        "credential": call.credential,
        "mcp_key_id": call.mcp_key_id,
        "client_id": call.application.client_id if call.application else None,
        "person": call.user.email if call.user else None,
        "tool": call.tool,
        "session_id": call.session_id,
        "outcome": call.outcome,
        "reason": call.reason,
        "duration_ms": call.duration_ms,
    }


def filtered_calls_as_json_lines(*, workspace: Workspace, filters: ActivityFilters) -> Iterator[str]:
    """Every call the filters match, newest first, a line each: read a page at a time (each its own short
    transaction), so a large log is streamed, never held."""
    before = filters.before
    while True:
        page = mcp_calls_list(workspace=workspace, filters=replace(filters, before=before), limit=EXPORT_PAGE)
        for call in page.calls:
            yield json.dumps(call_record(call, workspace_slug=workspace.slug)) + "\n"
        if page.next_before is None:
            return
        before = page.next_before
