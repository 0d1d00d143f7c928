"""OAuth end to end: the mcp SDK's OAuth client against a real server — discover, register, authorize
(sign-in and consent filled in over HTTP), exchange, call tools, refresh, and be refused once revoked."""

import asyncio
import io

import httpx2
import pytest
from django.core.management import call_command
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client

from mcp_gateway.protocol.workers import run_in_worker
from tests.e2e.conftest import start_server, stop_server
from tests.e2e.oauth_clients import MemoryStorage, oauth_provider_for
from tests.e2e.people import sign_in_and_consent
from tests.factories import pasted_link

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

ACCESS_TOKEN_SECONDS = 6


@pytest.fixture
def oauth_server(django_db_setup, tmp_path, static_root):
    """A server whose access tokens live a few seconds, so the test sees a refresh."""
    process, base_url = start_server(
        tmp_path / "uvicorn.log",
        workers=1,
        STATIC_ROOT=str(static_root),
        ALLOY_OAUTH_ACCESS_TOKEN_SECONDS=str(ACCESS_TOKEN_SECONDS),
    )
    yield base_url
    stop_server(process)


def oauth_provider(server: str, storage: MemoryStorage, *, workspace_label: str = "Acme (acme)") -> OAuthClientProvider:
    async def consent(url: str) -> httpx2.URL:
        return await sign_in_and_consent(url, email="owner@acme.test", workspace_label=workspace_label)

    return oauth_provider_for(server, storage, consent)


async def mcp_status(server: str, token: str) -> int:
    headers = {
        "Authorization": f"Bearer {token}",
        "accept": "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
    }
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    async with httpx2.AsyncClient(timeout=10) as client:
        return (await client.post(f"{server}/mcp", json=body, headers=headers)).status_code


async def test_discover_register_authorize_call_refresh_and_revoke(oauth_server, person, prototype, foreign):
    storage = MemoryStorage()
    auth = oauth_provider(oauth_server, storage)
    async with (
        httpx2.AsyncClient(auth=auth, timeout=30) as http,
        Client(streamable_http_client(f"{oauth_server}/mcp", http_client=http), mode="legacy") as client,
    ):
        assert len((await client.list_tools()).tools) == 7
        found = await client.call_tool("get_session", {"session": pasted_link(prototype)})
        assert found.structured_content["workspace"]["slug"] == "acme"
        # The token reads only the workspace picked on the consent page.
        theirs = await client.call_tool("get_session", {"session": foreign.public_id})
        assert theirs.is_error
        assert "No session with id" in theirs.content[0].text
        first = storage.tokens
        assert first.refresh_token

        await asyncio.sleep(ACCESS_TOKEN_SECONDS + 1)
        assert not (await client.call_tool("get_session", {"session": prototype.public_id})).is_error
        assert storage.tokens.access_token != first.access_token  # refreshed, not re-authorized
        assert storage.tokens.refresh_token != first.refresh_token  # and the refresh token rotated

    assert await mcp_status(oauth_server, first.access_token) == 401  # expired
    assert await mcp_status(oauth_server, storage.tokens.access_token) == 200
    await run_in_worker(call_command, "revoke_oauth_tokens", "--workspace", "acme", stdout=io.StringIO())
    assert await mcp_status(oauth_server, storage.tokens.access_token) == 401
