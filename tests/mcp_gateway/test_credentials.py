"""Credentials on the hot path: cached in the process, yet a revoked one is refused on the next request.

The cache saves the lookup (a query and a thread hop) per request; it is never the authority: the
tool's own transaction confirms the key is live in the statement that walls it to the workspace, and
a request that runs no tool confirms it with one query before its answer leaves.
"""

import re
import time

import pytest

from mcp_gateway.auth import resolve
from mcp_gateway.auth.credentials import PrincipalCache, authenticate, fingerprint
from mcp_gateway.auth.principal import Principal
from mcp_gateway.auth.resolve import InvalidCredential
from mcp_gateway.keys.services import mcp_key_revoke
from mcp_gateway.models import McpKey
from mcp_gateway.protocol.workers import run_in_worker
from workspaces.models import Workspace

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

HEADERS = {
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
    "mcp-protocol-version": "2025-11-25",
}
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


def get_session(session_id: str) -> dict:
    arguments = {"session": session_id}
    return {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "get_session", "arguments": arguments},
    }


def revoke_all_keys() -> None:
    for key in McpKey.objects.all():
        mcp_key_revoke(key=key, by=None)


def delete_all_keys() -> None:
    McpKey.objects.all().delete()


@pytest.mark.parametrize("change", [revoke_all_keys, delete_all_keys], ids=["revoked", "deleted"])
@pytest.mark.parametrize("request_body", ["tool call", "tools/list"])
async def test_a_cached_key_is_refused_on_the_very_next_request(http, key, prototype, change, request_body):
    body = get_session(prototype.public_id) if request_body == "tool call" else LIST_TOOLS
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        assert (await client.post("/mcp", json=body)).status_code == 200  # now cached in this process
        await run_in_worker(change)
        refused = await client.post("/mcp", json=body)
        never_valid = await client.post("/mcp", json=body, headers={"X-MCP-API-Key": key[:-8] + "A" * 8})
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "invalid_token",
        "error_description": "This MCP key is invalid or was revoked; ask a workspace owner or admin for a new one.",
    }
    assert 'error="invalid_token"' in refused.headers["www-authenticate"]
    assert never_valid.status_code == 401


async def test_a_cached_key_costs_no_lookup_and_the_liveness_check_rides_with_the_wall(http, key, prototype, query_log):
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        assert (await client.post("/mcp", json=get_session(prototype.public_id))).status_code == 200
        with query_log() as log:
            assert (await client.post("/mcp", json=get_session(prototype.public_id))).status_code == 200
    touching_keys = [sql for sql in log.statements if "mcp_gateway_key_is_live" in sql]
    assert len(touching_keys) == 1
    assert "set_config" in touching_keys[0]


async def test_a_request_without_a_tool_confirms_the_cached_key_with_one_query(http, key, query_log):
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        assert (await client.post("/mcp", json=LIST_TOOLS)).status_code == 200
        with query_log() as log:
            assert (await client.post("/mcp", json=LIST_TOOLS)).status_code == 200
    assert len(log.statements) == 1
    assert "mcp_gateway_key_is_live" in log.statements[0]


def principal() -> Principal:
    return Principal(
        workspace=Workspace(pk=1, slug="acme", name="Acme"), credential_kind="mcp_key", credential_id=1, user_id=None
    )


def test_the_cache_forgets_after_its_time(settings, monkeypatch):
    settings.ALLOY_CREDENTIAL_CACHE_SECONDS = 60
    cache = PrincipalCache()
    cache.put("a", principal())
    assert cache.get("a") == principal()
    later = time.monotonic() + 61
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert cache.get("a") is None


def test_the_cache_can_be_switched_off(settings):
    settings.ALLOY_CREDENTIAL_CACHE_SECONDS = 0
    cache = PrincipalCache()
    cache.put("a", principal())
    assert cache.get("a") is None


def test_the_cache_stays_bounded(settings):
    settings.ALLOY_CREDENTIAL_CACHE_SECONDS = 60
    cache = PrincipalCache(max_entries=3)
    for name in "abcd":
        cache.put(name, principal())
    assert len(cache._entries) <= 3
    assert cache.get("d") == principal()


def test_a_cache_miss_hashes_the_key_once(key, monkeypatch):
    """The cache keys a credential by its hash; resolving it on a miss compares that hash, not a second one."""
    digest = fingerprint(key)
    hashed = []
    monkeypatch.setattr(resolve, "hash_key", lambda value: hashed.append(value) or "")
    assert authenticate(key, credential_fingerprint=digest).credential_kind == "mcp_key"
    assert hashed == []
    with pytest.raises(InvalidCredential):  # and a fingerprint that is not the key's is refused
        authenticate(key, credential_fingerprint="0" * 64)


def test_fingerprints_never_hold_the_secret(key):
    assert key not in fingerprint(key)
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint(key))  # a digest, the same in every process
    assert fingerprint("some-oauth-token") != fingerprint("another-oauth-token")
    assert fingerprint("alloy_mcp_truncated") == ""  # malformed: refused with its reason, never cached
