"""list_sessions: newest first, search and filters, opaque cursors, only the caller's workspace."""

from datetime import timedelta

import pytest
from django.utils import timezone
from mcp.shared.exceptions import MCPError

from mcp_gateway.cursors import encode_cursor
from tests.factories import SessionFactory

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def many(workspace, foreign):
    now = timezone.now()
    return [
        SessionFactory(workspace=workspace, title=f"Session {n:02}", updated_at=now - timedelta(minutes=n))
        for n in range(25)
    ]


async def test_pages_through_all_sessions_newest_first(call, key, many):
    titles, cursor = [], None
    while True:
        arguments = {"limit": 10} | ({"cursor": cursor} if cursor else {})
        result = (await call(key, "list_sessions", arguments)).structured_content
        titles += [session["title"] for session in result["sessions"]]
        cursor = result.get("next_cursor")
        if not cursor:
            break
    assert titles == [f"Session {n:02}" for n in range(25)]


async def test_search_and_filters(call, key, many, dev):
    found = (await call(key, "list_sessions", {"query": "session 1"})).structured_content["sessions"]
    assert [s["title"] for s in found] == [f"Session {n}" for n in range(10, 20)]
    devs = (await call(key, "list_sessions", {"kind": "dev"})).structured_content["sessions"]
    assert [s["id"] for s in devs] == [dev.public_id]


async def test_never_lists_another_workspace(call, key, many, foreign):
    result = (await call(key, "list_sessions", {"query": "Secret"})).structured_content
    assert result["sessions"] == []
    assert "next_cursor" not in result


async def test_a_bad_cursor_is_a_clear_error(call, key, many):
    result = await call(key, "list_sessions", {"cursor": "not-a-cursor"})
    assert result.is_error
    assert "not one this tool issued" in result.content[0].text


async def test_a_cursor_of_another_list_is_refused(call, key, prototype):
    chat = (await call(key, "get_chat_history", {"session": prototype.public_id, "limit": 1})).structured_content
    result = await call(key, "list_sessions", {"cursor": chat["next_cursor"]})
    assert result.is_error


@pytest.mark.parametrize("arguments", [{"limit": 0}, {"limit": 101}, {"kind": "feature"}, {"status": "open"}])
async def test_out_of_range_arguments_are_json_rpc_errors(mcp, key, arguments):
    async with mcp(key) as client:
        with pytest.raises(MCPError, match="Invalid arguments for list_sessions"):
            await client.call_tool("list_sessions", arguments)


async def test_a_tampered_cursor_with_a_naive_time_is_refused(call, key, many):
    result = await call(key, "list_sessions", {"cursor": encode_cursor("sessions", "2026-01-01T00:00:00", 1)})
    assert result.is_error
    assert "not one this tool issued" in result.content[0].text
