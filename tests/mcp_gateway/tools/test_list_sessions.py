"""list_sessions: newest first, search and filters, opaque cursors, only the caller's workspace."""

from datetime import timedelta

import pytest
from django.utils import timezone
from mcp.shared.exceptions import MCPError

from mcp_gateway.protocol.cursors import encode_cursor
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(workspace, foreign):
    now = timezone.now()
    return [
        SessionFactory(workspace=workspace, title=f"Session {n:02}", updated_at=now - timedelta(minutes=n))
        for n in range(25)
    ]


def test_pages_through_all_sessions_newest_first(tool, key, many):
    titles, cursor = [], None
    while True:
        arguments = {"limit": 10} | ({"cursor": cursor} if cursor else {})
        result = tool(key, "list_sessions", arguments).structured_content
        titles += [session["title"] for session in result["sessions"]]
        cursor = result.get("next_cursor")
        if not cursor:
            break
    assert titles == [f"Session {n:02}" for n in range(25)]


def test_search_and_filters(tool, key, many, dev):
    found = tool(key, "list_sessions", {"query": "session 1"}).structured_content["sessions"]
    assert [s["title"] for s in found] == [f"Session {n}" for n in range(10, 20)]
    devs = tool(key, "list_sessions", {"kind": "dev"}).structured_content["sessions"]
    assert [s["id"] for s in devs] == [dev.public_id]


def test_never_lists_another_workspace(tool, key, many, foreign):
    result = tool(key, "list_sessions", {"query": "Secret"}).structured_content
    assert result["sessions"] == []
    assert "next_cursor" not in result


def test_a_bad_cursor_is_a_clear_error(tool, key, many):
    result = tool(key, "list_sessions", {"cursor": "not-a-cursor"})
    assert result.is_error
    assert "not one this tool issued" in result.content[0].text


def test_a_cursor_of_another_list_is_refused(tool, key, prototype):
    chat = tool(key, "get_chat_history", {"session": prototype.public_id, "limit": 1}).structured_content
    result = tool(key, "list_sessions", {"cursor": chat["next_cursor"]})
    assert result.is_error


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)  # through the whole stack: the server checks the arguments
@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"limit": 0}, "limit should be greater than or equal to 1"),
        ({"limit": 101}, "limit should be less than or equal to 100"),
        ({"kind": "feature"}, "kind should be 'prototype' or 'dev'"),
        ({"status": "open"}, "status should be"),
        ({"limit": "many"}, "limit should be a valid integer"),
    ],
)
async def test_out_of_range_arguments_are_tool_errors_claude_can_read(call, key, arguments, says):
    # SEP-1303 (2025-11-25): input validation errors are tool execution errors, not JSON-RPC errors.
    result = await call(key, "list_sessions", arguments)
    assert result.is_error
    assert result.content[0].text.startswith("Invalid arguments for list_sessions: ")
    assert says in result.content[0].text


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)  # through the whole stack: the server checks the arguments
async def test_an_unknown_tool_stays_a_json_rpc_error(mcp, key):
    async with mcp(key) as client:
        with pytest.raises(MCPError, match="Unknown tool 'list_session'; the tools are: ") as raised:
            await client.call_tool("list_session", {})
    assert raised.value.error.code == -32602


def test_a_tampered_cursor_with_a_naive_time_is_refused(tool, key, many):
    result = tool(key, "list_sessions", {"cursor": encode_cursor("sessions", "2026-01-01T00:00:00", 1)})
    assert result.is_error
    assert "not one this tool issued" in result.content[0].text


def test_the_list_says_the_workspace_once_and_no_creator_email(tool, key, prototype, owner):
    result = tool(key, "list_sessions", {}).structured_content
    assert result["workspace"] == {"slug": "acme", "name": "Acme"}
    (item,) = result["sessions"]
    assert "workspace" not in item
    assert item["created_by"] == {"name": "Olive Owner"}
    # One session alone is whole: its workspace and its creator's email.
    whole = tool(key, "get_session", {"session": prototype.public_id}).structured_content
    assert whole["workspace"] == {"slug": "acme", "name": "Acme"}
    assert whole["created_by"] == {"name": "Olive Owner", "email": "owner@acme.test"}
