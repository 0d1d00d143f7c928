"""Through PgBouncer in transaction mode (Debian's, 1.18: no prepared statements across transactions, no
startup options): every tool, a page, the OAuth flow and the statement budget work with
DATABASE_TRANSACTION_POOLING=true and the pooler's connect_query, as the README says to run it."""

import asyncio
import json
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import httpx2
import psycopg
import pytest
from django.db import connection
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from mcp_gateway.keys.services import mcp_key_create
from tests.e2e.conftest import calls_for, free_port, start_server, stop_server
from tests.e2e.oauth_clients import MemoryStorage, oauth_provider_for
from tests.e2e.own_postgres import AS_OWNER, own_directory
from tests.e2e.people import sign_in_and_consent, signed_in
from tests.factories import pasted_link

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

BUDGET_MS = 1000
# Fewer server connections than the app's pools hold (8 for each of 2 workers): consecutive transactions of one
# app connection land on different server connections, as they do in production.
SERVER_CONNECTIONS = 3
INI = """[databases]
* = host={host} port={port} connect_query='SET statement_timeout = {budget}; SET lock_timeout = {budget}'
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {directory}/users.txt
pool_mode = transaction
default_pool_size = {server_connections}
logfile = {directory}/pgbouncer.log
"""


@pytest.fixture
def pgbouncer():
    """PgBouncer in front of the test database (on the shared server); its address."""
    database = connection.settings_dict
    with own_directory() as directory:
        listen = free_port()
        (directory / "users.txt").write_text('"alloy" ""\n"postgres" ""\n')
        (directory / "pgbouncer.ini").write_text(
            INI.format(
                host=database["HOST"],
                port=database["PORT"],
                budget=BUDGET_MS,
                listen=listen,
                directory=directory,
                server_connections=SERVER_CONNECTIONS,
            )
        )
        process = subprocess.Popen([*AS_OWNER, "/usr/sbin/pgbouncer", "--quiet", str(directory / "pgbouncer.ini")])
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", listen), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"pgbouncer did not start:\n{(directory / 'pgbouncer.log').read_text()}")
                time.sleep(0.1)
        yield f"postgres://{database['USER']}@127.0.0.1:{listen}/{database['NAME']}"
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def server_through_pgbouncer(pgbouncer, tmp_path, static_root):
    log_path = tmp_path / "uvicorn.log"
    process, base_url = start_server(
        log_path,
        DATABASE_URL=pgbouncer,
        DATABASE_TRANSACTION_POOLING="true",
        DATABASE_STATEMENT_TIMEOUT=str(BUDGET_MS / 1000),
        STATIC_ROOT=str(static_root),
    )
    yield base_url
    stop_server(process)
    log = log_path.read_text()
    assert "Traceback" not in log, log[-3000:]
    assert "prepared statement" not in log, log[-3000:]


def calls(prototype, dev) -> list[tuple[str, dict]]:
    return [*calls_for(prototype, dev), ("search_session", {"session": dev.public_id, "query": "api"})]


@pytest.fixture
def key(workspace):
    return mcp_key_create(workspace=workspace, name="through pgbouncer").key


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_every_tool_many_times_over_through_the_pooler(server_through_pgbouncer, key, prototype, dev, mode):
    async def one_client() -> None:
        async with (
            httpx2.AsyncClient(headers={"X-MCP-API-Key": key}, timeout=30) as http,
            Client(streamable_http_client(f"{server_through_pgbouncer}/mcp", http_client=http), mode=mode) as client,
        ):
            # Past the count at which statements would be kept prepared (DATABASE_PREPARE_THRESHOLD, 5).
            for _ in range(8):
                for name, arguments in calls(prototype, dev):
                    result = await client.call_tool(name, arguments)
                    assert not result.is_error, (name, result.content)
                    assert json.loads(result.content[0].text) == result.structured_content

    await asyncio.gather(*(one_client() for _ in range(4)))


def test_a_session_page_through_the_pooler(server_through_pgbouncer, person, prototype):
    browser = signed_in(server_through_pgbouncer, person.email)
    response = browser.get(httpx2.URL(pasted_link(prototype)).path)
    browser.close()
    assert response.status_code == 200
    assert prototype.title in unescape(response.text)


async def test_the_oauth_flow_through_the_pooler(server_through_pgbouncer, person, prototype):
    async def consent(url: str) -> httpx2.URL:
        return await sign_in_and_consent(url, email=person.email, workspace_label="Acme (acme)")

    auth = oauth_provider_for(server_through_pgbouncer, MemoryStorage(), consent)
    async with (
        httpx2.AsyncClient(auth=auth, timeout=30) as http,
        Client(streamable_http_client(f"{server_through_pgbouncer}/mcp", http_client=http), mode="legacy") as client,
    ):
        found = await client.call_tool("get_session", {"session": pasted_link(prototype)})
    assert not found.is_error, found.content
    assert found.structured_content["title"] == prototype.title


def test_the_poolers_connect_query_holds_the_statement_budget(server_through_pgbouncer, key, prototype):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call"}
    body["params"] = {"name": "get_session", "arguments": {"session": prototype.public_id}}
    headers = {"accept": "application/json, text/event-stream", "X-MCP-API-Key": key}

    def get_session() -> tuple[int, str, float]:
        started = time.monotonic()
        response = httpx2.post(f"{server_through_pgbouncer}/mcp", json=body, headers=headers, timeout=30)
        return response.status_code, response.text, time.monotonic() - started

    assert get_session()[0] == 200  # the key is cached: what waits below is the session read
    database = connection.settings_dict
    with psycopg.connect(
        dbname=database["NAME"], user="postgres", host=database["HOST"], port=database["PORT"]
    ) as lock:
        lock.execute("LOCK TABLE sessions_app_session IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(lambda _: get_session(), range(3)))
    for status, text, seconds in answers:
        assert status == 503, text
        assert "database is busy" in text
        assert seconds < BUDGET_MS / 1000 + 3
    assert get_session()[0] == 200


def test_without_transaction_pooling_set_the_pooler_refuses_the_connection(pgbouncer, tmp_path, key):
    """Why the setting exists: PgBouncer 1.18 refuses the startup options that carry the budget."""
    process, base_url = start_server(tmp_path / "uvicorn.log", workers=1, DATABASE_URL=pgbouncer)
    try:
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        headers = {"accept": "application/json, text/event-stream", "X-MCP-API-Key": key}
        response = httpx2.post(f"{base_url}/mcp", json=body, headers=headers, timeout=30)
    finally:
        stop_server(process)
    assert response.status_code == 503
    assert "unsupported startup parameter: options" in (tmp_path / "uvicorn.log").read_text()
