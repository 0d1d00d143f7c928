"""What a client sees when the server's database is down: a clear 503, never a 500 or a trace."""

import threading
import time
from dataclasses import dataclass

import httpx2
import pytest

from mcp_gateway.auth.key_format import generate_key
from tests.e2e.conftest import start_server, stop_server
from tests.e2e.own_postgres import OwnPostgres, manage, own_directory, stopped_at_the_end

LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


@pytest.fixture
def server_without_database(django_db_setup, tmp_path):
    # Port 9 (discard) has nothing listening: every connection attempt is refused.
    process, base_url = start_server(
        tmp_path / "uvicorn.log",
        workers=1,
        DATABASE_URL="postgres://postgres@127.0.0.1:9/alloy",
        DATABASE_POOL_MIN_SIZE="0",
        DATABASE_POOL_TIMEOUT="1",
    )
    yield base_url
    stop_server(process)


def test_an_unreachable_database_gets_503_with_a_plain_message(server_without_database):
    key = generate_key()  # well-formed, so the server must ask the database
    response = httpx2.post(
        f"{server_without_database}/mcp",
        json=LIST_TOOLS,
        headers={"X-MCP-API-Key": key, "accept": "application/json, text/event-stream"},
        timeout=30,
    )
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert "cannot reach its database" in response.json()["error"]["message"]
    assert "Traceback" not in response.text


@pytest.fixture
def own_postgres():
    with own_directory() as directory:
        database = OwnPostgres.new(directory)
        database.start()
        yield database
        stopped_at_the_end(database)


@dataclass
class Outcome:
    started: float
    seconds: float
    status: int


def test_an_outage_under_load_gets_fast_503s_and_heals_without_a_restart(own_postgres, tmp_path):
    manage(own_postgres.url, "migrate", "--verbosity", "0")
    manage(own_postgres.url, "seed_demo")
    key = manage(own_postgres.url, "create_mcp_key", "demo", "--name", "outage test")
    process, base_url = start_server(tmp_path / "uvicorn.log", workers=1, DATABASE_URL=own_postgres.url)
    try:
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "list_sessions", "arguments": {}}}
        headers = {"X-MCP-API-Key": key, "accept": "application/json, text/event-stream"}
        outcomes: list[Outcome] = []
        stop = threading.Event()

        def drive() -> None:
            with httpx2.Client(base_url=base_url, headers=headers, timeout=30) as client:
                while not stop.is_set():
                    started = time.monotonic()
                    response = client.post("/mcp", json=body)
                    status = response.status_code
                    if status == 200 and response.json()["result"].get("isError"):
                        status = -1  # an error result where a 503 or a page was due
                    outcomes.append(Outcome(started, time.monotonic() - started, status))

        threads = [threading.Thread(target=drive) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        own_postgres.stop()
        down_at = time.monotonic()
        time.sleep(5)
        own_postgres.start()
        up_at = time.monotonic()
        time.sleep(7)
        stop.set()
        for thread in threads:
            thread.join()
        assert process.poll() is None  # the same server throughout: nothing of ours restarted
    finally:
        stop_server(process)
    log = (tmp_path / "uvicorn.log").read_text()

    during = [outcome for outcome in outcomes if down_at < outcome.started < up_at]
    after = [outcome for outcome in outcomes if outcome.started > up_at + 5]
    assert {outcome.status for outcome in outcomes} <= {200, 503}, log[-3000:]
    assert during
    assert {outcome.status for outcome in during} == {503}
    assert max(outcome.seconds for outcome in outcomes if outcome.status == 503) < 2
    assert after
    assert {outcome.status for outcome in after} == {200}
    assert "Traceback" not in log, log[-3000:]
    assert " ERROR " not in log, log[-3000:]
