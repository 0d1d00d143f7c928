"""Throttling on /mcp: calls per key or token, refused credentials per address.
Each limit's N+1th request gets 429 with Retry-After and a JSON-RPC error saying when to retry; other
credentials and other addresses are untouched. Across processes: tests/e2e/test_rate_limits.py."""

import asyncio
import uuid

import pytest

from mcp_gateway.auth.key_format import generate_key
from mcp_gateway.transport import rate_limits

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-06-18"}


def list_tools(request_id: int) -> dict:
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/list"}


def assert_too_many(response, request_id, says: str) -> None:
    assert response.status_code == 429
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    error = response.json()["error"]
    assert response.json()["id"] == request_id
    assert says in error["message"]
    assert f"retry in {retry_after} s" in error["message"]
    assert error["data"]["retry_after_seconds"] == retry_after


async def test_the_call_over_a_credentials_limit_gets_429(http, key, other_key, settings):
    settings.ALLOY_MCP_CALLS_PER_MINUTE = 3
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        statuses = [(await client.post("/mcp", json=list_tools(n))).status_code for n in range(3)]
        over = await client.post("/mcp", json=list_tools(4))
    assert statuses == [200, 200, 200]
    assert_too_many(over, 4, "Too many calls with this credential: at most 3 a minute")
    async with http(**HEADERS, **{"X-MCP-API-Key": other_key}) as client:  # another key has its own count
        assert (await client.post("/mcp", json=list_tools(5))).status_code == 200


async def test_an_address_sending_wrong_keys_is_stopped_and_others_are_not(http, key, settings):
    settings.ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE = 3
    for n in range(3):
        async with http(address="203.0.113.9", **HEADERS, **{"X-MCP-API-Key": generate_key()}) as client:
            assert (await client.post("/mcp", json=list_tools(n))).status_code == 401
    async with http(address="203.0.113.9", **HEADERS, **{"X-MCP-API-Key": generate_key()}) as client:
        assert_too_many(await client.post("/mcp", json=list_tools(9)), 9, "Too many refused credentials")
    # A valid key is still looked up from there (one misconfigured client behind a NAT must not lock its
    # neighbours out), and works; any other credential from there keeps getting 429, never a 401...
    async with http(address="203.0.113.9", **HEADERS, **{"X-MCP-API-Key": key}) as client:
        assert (await client.post("/mcp", json=list_tools(10))).status_code == 200
    for credential in (generate_key(), "alloy_mcp_not-even-a-key", "an-oauth-token"):
        async with http(address="203.0.113.9", **HEADERS, **{"Authorization": f"Bearer {credential}"}) as client:
            assert_too_many(await client.post("/mcp", json=list_tools(12)), 12, "Too many refused credentials")
    # ...while it works from any other address.
    async with http(address="198.51.100.7", **HEADERS, **{"X-MCP-API-Key": key}) as client:
        assert (await client.post("/mcp", json=list_tools(11))).status_code == 200


async def test_a_request_without_a_credential_is_not_a_failure(http, settings):
    # Claude's connector and mcp-remote first call without one, to discover OAuth.
    settings.ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE = 1
    async with http(**HEADERS) as client:
        statuses = {(await client.post("/mcp", json=list_tools(n))).status_code for n in range(3)}
    assert statuses == {401}


async def test_zero_turns_a_limit_off(http, key, settings):
    settings.ALLOY_MCP_CALLS_PER_MINUTE = 0
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        statuses = {(await client.post("/mcp", json=list_tools(n))).status_code for n in range(5)}
    assert statuses == {200}


async def test_counts_on_their_way_to_redis_still_count(settings):
    # Found in the e2e test: a request checked while the 0.1 s pipeline was in flight saw none of the
    # counts it carried, and a 5th wrong key got a 401 after the 4th got its 429.
    settings.REDIS_URL = "redis://127.0.0.1:6379/13"
    counters = rate_limits.SharedCounters(f"test-{uuid.uuid4().hex}")  # no count left by an earlier run
    for _ in range(3):
        counters.add("203.0.113.1")
    syncing = asyncio.get_running_loop().create_task(counters._sync())
    # Awaits Redis while the sync is in flight: never fewer than were counted (a total read from Redis
    # after the pipeline landed may include them twice until the sync ends: a moment's over-count).
    assert await counters.count("203.0.113.1") >= 3
    await syncing
    assert await counters.count("203.0.113.1") == 3
