"""50 concurrent tool calls: no SynchronousOnlyOperation, no pool exhaustion, not serialised on one thread."""

import anyio
import pytest

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

CALLS = 50


async def test_fifty_concurrent_calls_run_in_parallel(mcp, key, prototype, dev, query_log, settings):
    # The pool's behaviour, not one credential's share (test_fair_share.py).
    settings.ALLOY_MCP_CALLS_PER_CREDENTIAL = CALLS
    # Every query is held for 50 ms, so overlap between calls is visible in `max_in_flight`.
    calls = [
        ("get_session", {"session": prototype.public_id}),
        ("get_chat_history", {"session": prototype.public_id}),
        ("list_session_files", {"session": dev.public_id}),
        ("get_file_content", {"session": prototype.public_id, "path": "src/App.jsx"}),
        ("get_file_diff", {"session": dev.public_id}),
        ("list_sessions", {}),
    ]
    results = []
    with query_log(delay=0.05) as log:
        async with mcp(key) as client:

            async def one(number: int) -> None:
                name, arguments = calls[number % len(calls)]
                results.append(await client.call_tool(name, arguments))

            async with anyio.create_task_group() as group:
                for number in range(CALLS):
                    group.start_soon(one, number)
    assert len(results) == CALLS
    assert not [result for result in results if result.is_error]
    # Worker threads overlap (up to ALLOY_MCP_WORKER_THREADS), instead of queueing on one thread.
    assert log.max_in_flight > 4
    assert log.max_in_flight <= settings.ALLOY_MCP_WORKER_THREADS
