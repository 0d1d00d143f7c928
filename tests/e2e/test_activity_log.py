"""The activity log of a real server: one caller's bad call never costs anyone else their records."""

import time

import httpx2
import pytest

from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.models import McpCall

pytestmark = pytest.mark.django_db(transaction=True)  # the server process must see the keys

HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


def call_tool(server: str, key: str, name: str, arguments: dict) -> httpx2.Response:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
    return httpx2.post(f"{server}/mcp", json=body, headers={**HEADERS, "X-MCP-API-Key": key}, timeout=10)


def recorded(*workspaces, wanted: int) -> list[McpCall]:
    """The workspaces' calls once `wanted` are written (each worker writes about once a second)."""
    deadline = time.monotonic() + 15
    while True:
        calls = list(McpCall.objects.filter(workspace__in=workspaces).order_by("id"))
        if len(calls) >= wanted or time.monotonic() > deadline:
            return calls
        time.sleep(0.2)


def test_a_tool_name_with_a_nul_loses_no_record_of_anyone(server, workspace, other_workspace, prototype, foreign):
    ours = mcp_key_create(workspace=workspace, name="ours").key
    theirs = mcp_key_create(workspace=other_workspace, name="theirs").key
    for _ in range(5):
        assert call_tool(server, ours, "get_session", {"session": prototype.public_id}).status_code == 200
        assert call_tool(server, theirs, "get_session", {"session": foreign.public_id}).status_code == 200
    bad = call_tool(server, theirs, "x\u0000", {})
    assert bad.status_code == 200
    assert "Unknown tool" in bad.json()["error"]["message"]
    calls = recorded(workspace, other_workspace, wanted=11)
    assert len(calls) == 11
    assert sorted(call.tool for call in calls) == ["get_session"] * 10 + ["x\ufffd"]
    refused = next(call for call in calls if call.tool != "get_session")
    assert (refused.workspace_id, refused.outcome) == (other_workspace.pk, "invalid")
