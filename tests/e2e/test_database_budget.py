"""A stalled database holds no call past its budget: with the sessions table locked for real, a tool call
answers 503 within DATABASE_STATEMENT_TIMEOUT and says why, and the worker serves the next call at once."""

import time
from concurrent.futures import ThreadPoolExecutor

import httpx2
import psycopg
import pytest
from django.db import connection

from mcp_gateway.keys.services import mcp_key_create
from tests.e2e.conftest import start_server, stop_server

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
BUDGET_SECONDS = 1


@pytest.fixture
def server_with_budget(tmp_path, static_root):
    process, base_url = start_server(
        tmp_path / "uvicorn.log",
        workers=1,
        DATABASE_STATEMENT_TIMEOUT=str(BUDGET_SECONDS),
        STATIC_ROOT=str(static_root),
    )
    yield base_url
    stop_server(process)


def get_session(base_url: str, key: str, session_id: str) -> tuple[httpx2.Response, float]:
    body = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "get_session"}}
    body["params"]["arguments"] = {"session": session_id}
    started = time.monotonic()
    response = httpx2.post(f"{base_url}/mcp", json=body, headers={**HEADERS, "X-MCP-API-Key": key}, timeout=30)
    return response, time.monotonic() - started


def test_a_call_blocked_by_a_held_lock_answers_503_within_the_budget_and_the_next_one_is_served(
    server_with_budget, workspace, prototype
):
    key = mcp_key_create(workspace=workspace, name="budget").key
    assert get_session(server_with_budget, key, prototype.public_id)[0].status_code == 200  # warm: key cached
    database = connection.settings_dict
    as_superuser = {"dbname": database["NAME"], "user": "postgres", "host": database["HOST"], "port": database["PORT"]}
    with psycopg.connect(**as_superuser) as lock:
        lock.execute("LOCK TABLE sessions_app_session IN ACCESS EXCLUSIVE MODE")  # held until the block ends
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: get_session(server_with_budget, key, prototype.public_id), range(4)))
        for response, seconds in answers:
            assert response.status_code == 503
            assert response.headers["retry-after"]
            assert "database is busy" in response.json()["error"]["message"]
            assert seconds < BUDGET_SECONDS + 3
    response, seconds = get_session(server_with_budget, key, prototype.public_id)  # the lock is gone
    assert response.status_code == 200
    assert prototype.title in response.text
