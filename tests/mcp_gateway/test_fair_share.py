"""One credential's burst of slow calls cannot hold every tool thread: past its share a call waits a moment
for one of its own slots, then is told to retry; a burst of quick calls is served in turn."""

import anyio
import pytest
from django.utils import timezone

from mcp_gateway.models import McpKey

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]


async def test_calls_past_a_credentials_share_are_answered_busy_at_once(mcp, key, other_key, dev, settings, query_log):
    settings.ALLOY_MCP_CALLS_PER_CREDENTIAL = 2
    results: dict[int, object] = {}
    # Every statement is held for 500 ms, so the first two calls still run when the third has waited its second.
    with query_log(delay=0.5):
        async with mcp(key) as client, mcp(other_key) as other_client:

            async def one(number: int) -> None:
                results[number] = await client.call_tool("get_file_diff", {"session": dev.public_id})

            async with anyio.create_task_group() as group:
                group.start_soon(one, 0)
                group.start_soon(one, 1)
                await anyio.sleep(0.1)
                busy = await client.call_tool("get_session", {"session": dev.public_id})
                answered_while_running = not results  # within its wait, not queued behind the running calls
                # Another credential's calls are not counted against this one's share.
                others = await other_client.call_tool("list_sessions", {})
    assert busy.is_error
    assert answered_while_running
    assert busy.content[0].text == (
        "Busy: this credential already has 2 tool calls running here, the most one credential may run at once."
        " Retry in 1 s, or make fewer calls at the same time."
    )
    assert not others.is_error
    assert not results[0].is_error
    assert not results[1].is_error


async def test_a_burst_of_quick_calls_is_served_in_turn(mcp, key, dev, settings):
    settings.ALLOY_MCP_CALLS_PER_CREDENTIAL = 1
    results = []
    async with mcp(key) as client:

        async def one() -> None:
            results.append(await client.call_tool("get_session", {"session": dev.public_id}))

        async with anyio.create_task_group() as group:
            for _ in range(4):
                group.start_soon(one)
    assert [result.is_error for result in results] == [False] * 4


async def test_a_finished_call_gives_its_share_back(mcp, key, dev, settings):
    settings.ALLOY_MCP_CALLS_PER_CREDENTIAL = 1
    async with mcp(key) as client:
        for _ in range(3):
            assert not (await client.call_tool("get_session", {"session": dev.public_id})).is_error
        failing = await client.call_tool("get_session", {"session": "doesNotExist1234"})
        assert failing.is_error
        assert "Busy" not in failing.content[0].text
        assert not (await client.call_tool("get_session", {"session": dev.public_id})).is_error


async def test_a_revoked_key_over_its_share_is_refused_not_told_to_retry(mcp, http, key, dev, settings):
    settings.ALLOY_MCP_CALLS_PER_CREDENTIAL = 0
    async with mcp(key) as client:
        assert (await client.call_tool("get_session", {"session": dev.public_id})).is_error
    await McpKey.objects.filter(workspace=dev.workspace).aupdate(revoked_at=timezone.now())
    async with http() as raw:
        response = await raw.post(
            "/mcp",
            headers={"X-MCP-API-Key": key, "Accept": "application/json, text/event-stream"},
            json={
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": "get_session", "arguments": {"session": dev.public_id}},
            },
        )
    assert response.status_code == 401
