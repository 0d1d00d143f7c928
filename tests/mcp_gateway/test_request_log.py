"""LOG_FORMAT=json writes one line per MCP request (logger alloy.requests): which request, whose, what and
how it went — never what was asked for or read. Plain logs write none."""

import json
import logging

import pytest
from mcp.shared.exceptions import MCPError

from alloy.log_format import FIELDS
from mcp_gateway.protocol.workers import run_in_worker

pytestmark = [pytest.mark.anyio]


@pytest.mark.django_db(transaction=True)
async def test_each_mcp_request_writes_one_line_without_content(call, mcp, key, prototype, settings, caplog):
    settings.LOG_FORMAT = "json"
    with caplog.at_level(logging.INFO, logger="alloy.requests"):
        await call(key, "get_chat_history", {"session": prototype.public_id})
        await call(key, "get_file_content", {"session": prototype.public_id, "path": "nope.txt"})
        async with mcp(key) as client:
            with pytest.raises(MCPError):
                await client.call_tool("made_up_tool_name", {})
    lines = [getattr(record, FIELDS) for record in caplog.records if record.name == "alloy.requests"]
    assert [(line["tool"], line["outcome"]) for line in lines] == [
        ("get_chat_history", "ok"),
        ("get_file_content", "error"),
        ("unknown", "invalid"),  # a caller's made-up name is not written
    ]
    first = lines[0]
    assert first["method"] == "tools/call"
    assert first["workspace"] == "acme"
    assert first["credential"] == "mcp_key"
    assert first["session_id"] == prototype.public_id
    assert first["duration_ms"] > 0
    assert first["request_id"] is not None
    text = json.dumps(lines)
    assert "nope.txt" not in text  # what was asked for
    chat = await run_in_worker(lambda: list(prototype.messages.values_list("content", flat=True)))
    assert not [content for content in chat if content in text]  # what was read


@pytest.mark.django_db(transaction=True)
async def test_plain_logs_write_no_request_lines(call, key, prototype, settings, caplog):
    settings.LOG_FORMAT = "plain"
    with caplog.at_level(logging.INFO, logger="alloy.requests"):
        await call(key, "get_session", {"session": prototype.public_id})
    assert not [record for record in caplog.records if record.name == "alloy.requests"]
