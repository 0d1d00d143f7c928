"""Text PostgreSQL cannot hold, in any argument or inside a cursor, is a tool error that says so; it used
to fail in the database as "Error executing tool X" with a DataError traceback in the log."""

import base64
import json
import logging

import pytest

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("tool", "arguments", "argument"),
    [
        ("list_sessions", {"query": "to\x00do"}, "query"),
        ("get_file_content", {"session": "{proto}", "path": "src/\x00App.jsx"}, "path"),
        ("list_session_files", {"session": "{proto}", "path_prefix": "src\x00"}, "path_prefix"),
        ("get_file_diff", {"session": "{dev}", "path": "api/\x00views.py"}, "path"),
        ("get_chat_history", {"session": "{proto}", "cursor": "abc\x00"}, "cursor"),
    ],
)
async def test_a_nul_or_lone_surrogate_in_an_argument_is_a_tool_error(
    call, key, prototype, dev, caplog, tool, arguments, argument
):
    filled = {name: value.format(proto=prototype.public_id, dev=dev.public_id) for name, value in arguments.items()}
    with caplog.at_level(logging.WARNING):
        result = await call(key, tool, filled)
    assert result.is_error
    text = result.content[0].text
    assert text.startswith(f"The argument {argument} contains")
    assert "send it without that character" in text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_lone_surrogate_escaped_in_the_json_never_reaches_a_tool(http, key, dev):
    # JSON may escape half of a surrogate pair ("\\ud800"); the SDK's parser refuses the message whole.
    body = (
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_file_diff",'
        f'"arguments":{{"session":"{dev.public_id}","path":"api/\\ud800views.py"}}}}}}'
    )
    headers = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-06-18"}
    async with http(**headers, **{"X-MCP-API-Key": key}) as client:
        response = await client.post("/mcp", content=body.encode())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32700


def _cursor(*position) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(position)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("tool", "cursor"),
    [
        ("list_session_files", _cursor("files", "src/\x00")),
        ("get_file_diff", _cursor("diffs", "api/\x00", 0)),
        ("list_session_files", base64.urlsafe_b64encode(b"[" * 1500 + b"]" * 1500).decode()[:2048]),
        ("get_chat_history", base64.urlsafe_b64encode(b"[" * 1500).decode()[:2048]),
    ],
)
async def test_a_cursor_holding_unstorable_text_or_deep_nesting_is_refused_plainly(
    call, key, prototype, dev, caplog, tool, cursor
):
    session = dev if tool == "get_file_diff" else prototype
    with caplog.at_level(logging.WARNING):
        result = await call(key, tool, {"session": session.public_id, "cursor": cursor})
    assert result.is_error
    assert "That cursor is not one this tool issued" in result.content[0].text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
