"""On the real server: the /mcp limits hold across worker processes (they count together in Redis), and
a client's address is taken from X-Forwarded-For only when a configured proxy sends it."""

import time

import httpx2
import pytest
import redis

from mcp_gateway.auth.key_format import generate_key
from mcp_gateway.keys.services import mcp_key_create
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


def wrong_key_statuses(base_url: str, forwarded_for: list[str]) -> list[int]:
    statuses = []
    for address in forwarded_for:
        headers = {"X-MCP-API-Key": generate_key(), "accept": "application/json", "X-Forwarded-For": address}
        statuses.append(httpx2.post(f"{base_url}/mcp", json=LIST_TOOLS, headers=headers).status_code)
    return statuses


@pytest.mark.parametrize(
    ("trusted_proxies", "expected"),
    [
        # We are not a trusted proxy: X-Forwarded-For is ignored, every guess counts against our address.
        ("10.255.255.1", [401, 401, 401, 429, 429, 429]),
        # We are: each forwarded address is counted on its own (and the first is over its limit at once).
        ("127.0.0.1", [401, 401, 401, 401, 401, 401]),
    ],
)
def test_forwarded_addresses_are_believed_only_from_configured_proxies(tmp_path, trusted_proxies, expected):
    process, base_url = start_server(
        tmp_path / "uvicorn.log",
        workers=1,
        FORWARDED_ALLOW_IPS=trusted_proxies,
        ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE="3",
    )
    try:
        while time.time() % 60 > 55:  # one minute's window
            time.sleep(1)
        statuses = wrong_key_statuses(base_url, [f"198.51.100.{n}" for n in range(6)])
    finally:
        stop_server(process)
    assert statuses == expected
