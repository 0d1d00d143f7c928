"""The /mcp limits hold across worker processes (they count together in Redis), and /login/ locks out
after too many wrong passwords, on the real server."""

import time

import httpx2
import pytest
import redis

from mcp_gateway.services import mcp_key_create
from tests.e2e.conftest import REDIS_URL, start_server, stop_server

pytestmark = pytest.mark.django_db(transaction=True)
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


def test_a_keys_limit_is_shared_by_every_worker(workspace, tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    key = mcp_key_create(workspace=workspace, name="busy client").key
    process, base_url = start_server(tmp_path / "uvicorn.log", workers=2, ALLOY_MCP_CALLS_PER_MINUTE="10")
    try:
        while time.time() % 60 > 50:  # the calls must fall in one minute's window
            time.sleep(1)
        statuses = []
        for _ in range(20):
            # A new connection each time, so both workers take calls; a pause so each has told Redis.
            with httpx2.Client(base_url=base_url, headers={"X-MCP-API-Key": key, "accept": "application/json"}) as c:
                statuses.append(c.post("/mcp", json=LIST_TOOLS).status_code)
            time.sleep(0.3)
    finally:
        stop_server(process)
    assert statuses == [200] * 10 + [429] * 10
