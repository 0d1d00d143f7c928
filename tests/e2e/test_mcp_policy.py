"""A workspace's MCP policy, changed through the API by its owner, against a real server of two worker processes
and real clients: the mcp SDK and mcp-remote with a key, and an OAuth client. Each setting refuses or narrows on
the very next request, on whichever worker takes it, with a 403 whose sentence names the setting; restoring it
restores access. A member and an outsider cannot change it."""

import json

import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.protocol.workers import run_in_worker
from tests.e2e.conftest import give_password, node_tool
from tests.e2e.oauth_clients import authorize_url_and_verifier, exchange, mcp_status, register
from tests.e2e.people import consent, signed_in

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

POLICY = "/api/v1/workspaces/acme/mcp-policy/"
REQUESTS_ACROSS_WORKERS = 8  # each a new connection: the two workers share the socket, and both take some


def change_policy(server: str, email: str, changes: dict) -> httpx2.Response:
    browser = signed_in(server, email)
    return browser.patch(
        POLICY, json=changes, headers={"x-csrftoken": browser.cookies["csrftoken"], "referer": f"{server}/"}
    )


def post(server: str, key: str, body: dict) -> httpx2.Response:
    headers = {"X-MCP-API-Key": key, "accept": "application/json, text/event-stream"}
    return httpx2.post(f"{server}/mcp", json=body, headers={**headers, "mcp-protocol-version": "2025-11-25"})


def tools_call(name: str, **arguments: str) -> dict:
    return {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": name, "arguments": arguments}}


TOOLS_LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


def forbidden(response: httpx2.Response) -> str:
    assert response.status_code == 403, response.text[:300]
    assert "www-authenticate" not in response.headers
    return response.json()["error"]["message"]


@pytest.fixture
def key(workspace, owner):
    return mcp_key_create(workspace=workspace, name="policy e2e", created_by=owner).key


async def test_the_sdk_client_sees_tools_narrowed_and_mcp_turned_off_on_its_next_request(
    server, person, key, prototype
):
    async with (
        httpx2.AsyncClient(headers={"X-MCP-API-Key": key}, timeout=30) as http,
        Client(streamable_http_client(f"{server}/mcp", http_client=http), mode="legacy") as client,
    ):
        assert len((await client.list_tools()).tools) == 7
        assert change_policy(server, "owner@acme.test", {"tools": ["get_session"]}).status_code == 200
        for _ in range(REQUESTS_ACROSS_WORKERS):
            assert [tool.name for tool in (await client.list_tools()).tools] == ["get_session"]
        assert not (await client.call_tool("get_session", {"session": prototype.public_id})).is_error
    for _ in range(REQUESTS_ACROSS_WORKERS):
        sentence = forbidden(post(server, key, tools_call("get_chat_history", session=prototype.public_id)))
        assert sentence.startswith("The tool get_chat_history is turned off, by the workspace acme's MCP policy")

    assert change_policy(server, "owner@acme.test", {"enabled": False, "tools": None}).status_code == 200
    for _ in range(REQUESTS_ACROSS_WORKERS):
        assert forbidden(post(server, key, TOOLS_LIST)).startswith("MCP is turned off for this workspace")
    assert change_policy(server, "owner@acme.test", {"enabled": True}).status_code == 200
    for _ in range(REQUESTS_ACROSS_WORKERS):
        assert len(post(server, key, TOOLS_LIST).json()["result"]["tools"]) == 7


async def test_mcp_remote_with_a_key_within_and_outside_the_workspaces_networks(
    server, person, key, prototype, tmp_path
):
    assert change_policy(server, "owner@acme.test", {"key_networks": ["10.0.0.0/8"]}).status_code == 200
    sentence = forbidden(post(server, key, TOOLS_LIST))
    assert sentence.startswith("This MCP key may be used only from 10.0.0.0/8, not from 127.0.0.1")

    changes = {"key_networks": ["127.0.0.0/8"], "tools": ["get_session", "list_sessions"]}
    assert change_policy(server, "owner@acme.test", changes).status_code == 200
    parameters = StdioServerParameters(
        command="node",
        args=[node_tool("mcp-remote", "dist", "proxy.js"), f"{server}/mcp", "--header", f"X-MCP-API-Key:{key}"],
        env={"MCP_REMOTE_CONFIG_DIR": str(tmp_path), "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    async with Client(parameters, mode="legacy") as client:
        assert {tool.name for tool in (await client.list_tools()).tools} == {"get_session", "list_sessions"}
        found = await client.call_tool("get_session", {"session": prototype.public_id})
        assert json.loads(found.content[0].text)["title"] == "Todo app"


async def test_accepting_only_oauth_refuses_the_key_and_only_keys_the_token(server, person, key):
    client_id = register(server, name="Either")["client_id"]
    url, verifier = authorize_url_and_verifier(server, client_id)
    code = httpx2.URL((await consent(url, email="owner@acme.test", workspace_label="Acme (acme)")).headers["location"])
    token = exchange(server, client_id, code.params["code"], verifier).json()["access_token"]
    assert change_policy(server, "owner@acme.test", {"credentials": ["oauth"]}).status_code == 200
    for _ in range(REQUESTS_ACROSS_WORKERS):
        assert "accepts OAuth connections only" in forbidden(post(server, key, TOOLS_LIST))
        assert mcp_status(server, token) == 200
    assert change_policy(server, "owner@acme.test", {"credentials": ["keys"]}).status_code == 200
    for _ in range(REQUESTS_ACROSS_WORKERS):
        assert mcp_status(server, token) == 403
        assert post(server, key, TOOLS_LIST).status_code == 200


async def test_an_app_not_on_the_list_is_refused_at_authorize_and_its_token_at_mcp(server, person):
    client_id = register(server, name="Listed later")["client_id"]
    url, verifier = authorize_url_and_verifier(server, client_id)
    allowed = await consent(url, email="owner@acme.test", workspace_label="Acme (acme)")
    code = httpx2.URL(allowed.headers["location"]).params["code"]
    token = exchange(server, client_id, code, verifier).json()["access_token"]
    assert mcp_status(server, token) == 200

    assert change_policy(server, "owner@acme.test", {"oauth_apps": ["claude.ai"]}).status_code == 200
    for _ in range(REQUESTS_ACROSS_WORKERS):
        assert mcp_status(server, token) == 403
    url, _ = authorize_url_and_verifier(server, client_id)
    refused = await consent(url, email="owner@acme.test", workspace_label="Acme (acme)")
    assert refused.status_code == 403
    assert "not on the list of apps" in refused.text
    assert "location" not in refused.headers  # no code issued

    assert change_policy(server, "owner@acme.test", {"oauth_apps": ["127.0.0.1"]}).status_code == 200  # its host
    assert mcp_status(server, token) == 200


async def test_a_member_and_an_outsider_cannot_change_it(server, person, member, outsider):
    for someone in (member, outsider):
        await run_in_worker(give_password, someone)
    assert change_policy(server, member.email, {"enabled": False}).status_code == 403
    assert change_policy(server, outsider.email, {"enabled": False}).status_code == 404
    assert signed_in(server, member.email).get(POLICY).json()["enabled"] is True
