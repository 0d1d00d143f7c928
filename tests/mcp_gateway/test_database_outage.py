"""The database unreachable mid-request: 503, Retry-After and a JSON-RPC error for the request's own id,
never "Error executing tool" and never a traceback. The real outage — a PostgreSQL
stopped under load and started again — is tests/e2e/test_failures.py; here every statement fails the way
psycopg fails when the server is gone, through Django's execute hook."""

import contextlib
import logging

import pytest
from django.db import OperationalError
from django.db.backends.signals import connection_created

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-06-18"}


def _refuse(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@contextlib.contextmanager
def database_down():
    wrapped = []

    def install(sender, connection, **kwargs):
        connection.execute_wrappers.append(_refuse)
        wrapped.append(connection)

    connection_created.connect(install, weak=False)
    try:
        yield
    finally:
        connection_created.disconnect(install)
        for connection in wrapped:
            connection.execute_wrappers.remove(_refuse)


def call_session(session_id: str, request_id: int = 7) -> dict:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": "get_session", "arguments": {"session": session_id}},
    }


def assert_outage_answer(response, request_id) -> None:
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert body["id"] == request_id
    assert body["error"]["code"] == -32603
    assert "cannot reach its database" in body["error"]["message"]


def assert_no_error_logged(caplog) -> None:
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not [record for record in caplog.records if record.exc_info]


async def test_a_tool_call_during_an_outage_gets_503_with_retry_after(http, key, prototype, caplog):
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        assert (await client.post("/mcp", json=call_session(prototype.public_id))).status_code == 200  # cached now
        with database_down(), caplog.at_level(logging.WARNING):
            response = await client.post("/mcp", json=call_session(prototype.public_id, 8))
        assert_outage_answer(response, 8)
        assert_no_error_logged(caplog)
        assert any("Database unavailable during a tool call" in record.message for record in caplog.records)
        again = await client.post("/mcp", json=call_session(prototype.public_id, 9))  # back at once
    assert again.status_code == 200
    assert not again.json()["result"].get("isError")


async def test_authentication_during_an_outage_gets_503(http, other_key, caplog):
    async with http(**HEADERS, **{"X-MCP-API-Key": other_key}) as client:
        with database_down(), caplog.at_level(logging.WARNING):
            response = await client.post("/mcp", json={"jsonrpc": "2.0", "id": "a", "method": "tools/list"})
    assert_outage_answer(response, "a")
    assert_no_error_logged(caplog)


async def test_a_request_without_a_tool_during_an_outage_gets_503(http, key, caplog):
    list_tools = {"jsonrpc": "2.0", "id": 3, "method": "tools/list"}
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        assert (await client.post("/mcp", json=list_tools)).status_code == 200
        with database_down(), caplog.at_level(logging.WARNING):
            response = await client.post("/mcp", json=list_tools)
    assert_outage_answer(response, 3)
    assert_no_error_logged(caplog)
