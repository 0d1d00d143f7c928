"""A workspace's MCP policy at /mcp, through the real front door: each setting refuses or narrows on the very
next request of a caller whose credential this process has cached, with a 403 whose sentence names the setting
(never a 401: clients start a new sign-in on one), recorded in the activity log; restoring it restores access.
Another workspace is never touched."""

import pytest

from mcp_gateway.activity.log import activity_log
from mcp_gateway.keys.services import mcp_key_revoke
from mcp_gateway.models import McpCall, McpKey
from mcp_gateway.policy.services import mcp_policy_update
from mcp_gateway.protocol.file_uris import file_uri
from mcp_gateway.protocol.workers import run_in_worker
from tests.factories import OAuthApplicationFactory, make_access_token

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

HEADERS = {"accept": "application/json", "content-type": "application/json", "mcp-protocol-version": "2025-11-25"}
LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


def call(tool: str, **arguments: str) -> dict:
    return {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}


async def set_policy(workspace, **changes) -> None:
    await run_in_worker(mcp_policy_update, workspace=workspace, changes=changes, by=None)


async def refusals() -> list[tuple[str, str, str]]:
    await run_in_worker(activity_log.flush)
    rows = McpCall.objects.filter(outcome="refused").order_by("id").values_list("tool", "outcome", "reason")
    return await run_in_worker(lambda: list(rows))


def forbidden_sentence(response) -> str:
    assert response.status_code == 403, response.text
    assert "www-authenticate" not in response.headers  # no new sign-in
    return response.json()["error"]["message"]


async def test_turning_mcp_off_refuses_a_cached_key_on_its_next_request_and_on_restores_it(
    http, workspace, other_workspace, key, other_key, prototype
):
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        assert (await client.post("/mcp", json=LIST)).status_code == 200  # cached from here
        await set_policy(workspace, enabled=False)
        sentence = forbidden_sentence(await client.post("/mcp", json=call("get_session", session=prototype.public_id)))
        assert sentence.startswith("MCP is turned off for this workspace, by the workspace acme's MCP policy")
        assert forbidden_sentence(await client.post("/mcp", json=LIST)) == sentence
        async with http(**HEADERS, **{"X-MCP-API-Key": other_key}) as theirs:
            assert (await theirs.post("/mcp", json=LIST)).status_code == 200  # another workspace: untouched
        await set_policy(workspace, enabled=True)
        assert (await client.post("/mcp", json=call("get_session", session=prototype.public_id))).status_code == 200
    assert [reason for _, _, reason in await refusals()] == [sentence, sentence]


async def test_turned_off_tools_leave_the_list_and_a_call_to_one_is_forbidden(http, mcp, workspace, key, prototype):
    async with mcp(key) as client:
        assert len((await client.list_tools()).tools) == 7
        assert len((await client.list_prompts()).prompts) == 4
        await set_policy(workspace, tools=["get_session", "get_chat_history"])
        assert {tool.name for tool in (await client.list_tools()).tools} == {"get_session", "get_chat_history"}
        # Only the prompts whose tools are all on: the others also list or read files.
        assert [prompt.name for prompt in (await client.list_prompts()).prompts] == ["summarise_session"]
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as raw:
        sentence = forbidden_sentence(await raw.post("/mcp", json=call("get_file_diff", session=prototype.public_id)))
        assert sentence.startswith("The tool get_file_diff is turned off, by the workspace acme's MCP policy")
        assert sentence.endswith("The tools on are: get_session, get_chat_history.")
        assert (await raw.post("/mcp", json=call("get_session", session=prototype.public_id))).status_code == 200
    assert await refusals() == [("get_file_diff", "refused", sentence)]
    await set_policy(workspace, tools=None)
    async with mcp(key) as client:
        assert len((await client.list_tools()).tools) == 7


async def test_keys_only_from_the_listed_networks(http, workspace, key):
    await set_policy(workspace, key_networks=["10.0.0.0/8"])
    async with http(address="192.0.2.9", **HEADERS, **{"X-MCP-API-Key": key}) as outside:
        sentence = forbidden_sentence(await outside.post("/mcp", json=LIST))
        assert sentence.startswith("This MCP key may be used only from 10.0.0.0/8, not from 192.0.2.9")
    async with http(address="10.1.2.3", **HEADERS, **{"X-MCP-API-Key": key}) as inside:
        assert (await inside.post("/mcp", json=LIST)).status_code == 200
        await set_policy(workspace, key_networks=["172.16.0.0/12"])  # the cached key's next request: refused
        assert forbidden_sentence(await inside.post("/mcp", json=LIST)).startswith("This MCP key may be used only")
    async with http(address="192.0.2.9", **HEADERS, **{"X-MCP-API-Key": key}) as outside:
        await set_policy(workspace, key_networks=[])
        assert (await outside.post("/mcp", json=LIST)).status_code == 200


async def test_accepting_oauth_only_refuses_keys_and_keys_only_refuses_tokens(http, workspace, owner, key, settings):
    app = await run_in_worker(OAuthApplicationFactory)
    token = await run_in_worker(make_access_token, user=owner, application=app, workspace=workspace, settings=settings)
    bearer = {"Authorization": f"Bearer {token}"}
    await set_policy(workspace, credentials=["oauth"])
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as with_key, http(**HEADERS, **bearer) as with_token:
        assert "accepts OAuth connections only" in forbidden_sentence(await with_key.post("/mcp", json=LIST))
        assert (await with_token.post("/mcp", json=LIST)).status_code == 200
        await set_policy(workspace, credentials=["keys"])
        assert "accepts MCP keys only" in forbidden_sentence(await with_token.post("/mcp", json=LIST))
        assert (await with_key.post("/mcp", json=LIST)).status_code == 200


async def test_only_listed_apps_connect(http, workspace, owner, settings):
    claude = await run_in_worker(OAuthApplicationFactory)
    other = await run_in_worker(OAuthApplicationFactory, name="Other", redirect_uris="https://other.example/cb")
    tokens = {}
    for app in (claude, other):
        tokens[app.name] = await run_in_worker(
            make_access_token, user=owner, application=app, workspace=workspace, settings=settings
        )
    await set_policy(workspace, oauth_apps=["claude.ai"])
    async with http(**HEADERS, Authorization=f"Bearer {tokens['Other']}") as refused:
        assert "not on the list of apps" in forbidden_sentence(await refused.post("/mcp", json=LIST))
    async with http(**HEADERS, Authorization=f"Bearer {tokens['Claude']}") as allowed:
        assert (await allowed.post("/mcp", json=LIST)).status_code == 200


async def test_a_revoked_key_is_still_a_401_not_a_policy_refusal(http, workspace, owner, key):
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        assert (await client.post("/mcp", json=LIST)).status_code == 200
        await set_policy(workspace, tools=["get_session"])
        record = await run_in_worker(McpKey.objects.get)
        await run_in_worker(mcp_key_revoke, key=record, by=None)
        assert (await client.post("/mcp", json=LIST)).status_code == 401


async def test_file_resources_and_prompts_follow_the_tools_they_need(http, mcp, workspace, key, prototype):
    uri = file_uri(prototype.public_id, "src/App.jsx")
    async with mcp(key) as client:
        listed = [str(resource.uri) for resource in (await client.list_resources()).resources]
        assert uri in listed
        await set_policy(workspace, tools=["get_session", "get_chat_history"])
        listed = [str(resource.uri) for resource in (await client.list_resources()).resources]
        assert listed == ["ui://alloy/session-view.html"]  # the view stays; the files need get_file_content
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as raw:
        read = {"jsonrpc": "2.0", "id": 3, "method": "resources/read", "params": {"uri": uri}}
        assert forbidden_sentence(await raw.post("/mcp", json=read)).startswith(
            "The tool get_file_content is turned off"
        )
        prompt = {"jsonrpc": "2.0", "id": 4, "method": "prompts/get"}
        prompt["params"] = {"name": "review_changes", "arguments": {"session": prototype.public_id}}
        assert forbidden_sentence(await raw.post("/mcp", json=prompt)).startswith(
            "The tool list_session_files is turned off"
        )
        prompt["params"]["name"] = "summarise_session"  # its tools are on
        assert (await raw.post("/mcp", json=prompt)).status_code == 200
