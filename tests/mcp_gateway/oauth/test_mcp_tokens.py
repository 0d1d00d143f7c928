"""/mcp with OAuth access tokens: only unexpired, unrevoked tokens for this resource, with the scope,
of a person still in the workspace; and then only that workspace's sessions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mcp_gateway.auth.key_format import generate_key
from mcp_gateway.auth.resolve import TOKEN_NOT_LIVE
from mcp_gateway.keys.services import mcp_key_create, mcp_key_revoke
from mcp_gateway.models import OAuthAccessToken
from mcp_gateway.protocol.workers import run_in_worker
from tests.factories import make_access_token as make_token
from tests.factories import pasted_link
from workspaces.models import Membership

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
HEADERS = {
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
    "mcp-protocol-version": "2025-11-25",
}


@pytest.fixture
def token(owner, application, workspace, settings):
    return make_token(user=owner, application=application, workspace=workspace, settings=settings)


async def status_and_body(http, raw: str):
    async with http(**HEADERS, Authorization=f"Bearer {raw}") as client:
        response = await client.post("/mcp", json=LIST_TOOLS)
    return response.status_code, response


async def test_a_bound_token_is_accepted(http, token):
    status, _ = await status_and_body(http, token)
    assert status == 200


@pytest.fixture
def odd_token(request, owner, application, workspace, settings) -> str:
    return make_token(
        user=owner, application=application, workspace=workspace, settings=settings, overrides=request.param
    )


@pytest.mark.parametrize(
    "odd_token",
    [
        {"resource": ["https://other.example/mcp"]},
        {"resource": []},
        {"expires": timezone.now() - timedelta(seconds=1)},
        {"workspace": None},
    ],
    ids=["another resource", "no resource", "expired", "no workspace"],
    indirect=True,
)
async def test_tokens_that_do_not_fit_are_refused(http, odd_token):
    status, response = await status_and_body(http, odd_token)
    assert status == 401
    challenge = response.headers["www-authenticate"]
    assert 'error="invalid_token"' in challenge
    assert "resource_metadata=" in challenge


@pytest.mark.parametrize("odd_token", [{"scope": "read"}], indirect=True)
async def test_a_token_without_the_scope_gets_403(http, odd_token):
    status, response = await status_and_body(http, odd_token)
    assert status == 403
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    assert 'scope="mcp"' in response.headers["www-authenticate"]


def revoke_all() -> None:
    for access in OAuthAccessToken.objects.all():
        access.revoke()


def leave_workspace() -> None:
    Membership.objects.filter(user__email="owner@acme.test").delete()


def expire_all() -> None:
    OAuthAccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))


CHANGES = [revoke_all, leave_workspace, expire_all]
CHANGE_NAMES = ["revoked", "person left the workspace", "expired since"]


@pytest.mark.parametrize("change", CHANGES, ids=CHANGE_NAMES)
async def test_a_token_stops_working_on_the_next_request(http, token, change):
    """The first request caches the token in this process; the next one is still refused."""
    assert (await status_and_body(http, token))[0] == 200
    await run_in_worker(change)
    assert (await status_and_body(http, token))[0] == 401


@pytest.mark.parametrize("change", CHANGES, ids=CHANGE_NAMES)
async def test_a_tool_call_with_a_token_that_stopped_working_gets_401(http, token, prototype, change):
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call"}
    call["params"] = {"name": "get_session", "arguments": {"session": prototype.public_id}}
    async with http(**HEADERS, Authorization=f"Bearer {token}") as client:
        assert (await client.post("/mcp", json=call)).status_code == 200
        await run_in_worker(change)
        refused = await client.post("/mcp", json=call)
    assert refused.status_code == 401
    assert (
        refused.json()["error_description"] == "This access token is invalid, expired or revoked; connect Alloy again."
    )


async def test_a_workspace_token_reads_only_its_workspace(mcp, token, prototype, foreign):
    async with mcp(token, header="Authorization") as client:
        ours = await client.call_tool("get_session", {"session": pasted_link(prototype)})
        theirs = await client.call_tool("get_session", {"session": pasted_link(foreign)})
        nobodys = await client.call_tool(
            "get_session", {"session": pasted_link(foreign).replace(foreign.public_id, "doesNotExist1234")}
        )
    assert ours.structured_content["id"] == prototype.public_id
    assert theirs.is_error
    assert theirs.content[0].text == nobodys.content[0].text.replace("doesNotExist1234", foreign.public_id)


def age_tokens() -> None:
    OAuthAccessToken.objects.update(updated=timezone.now() - timedelta(minutes=5))


async def test_a_call_records_when_the_token_was_last_used(http, token):
    await run_in_worker(age_tokens)
    assert (await status_and_body(http, token))[0] == 200
    updated = await run_in_worker(lambda: OAuthAccessToken.objects.get().updated)
    assert timezone.now() - updated < timedelta(minutes=1)


async def test_a_valid_token_wins_over_a_bad_key_sent_with_it(http, token, workspace):
    # mcp-remote after the person signed in: the stale key from the config travels with the new token.
    stale = await run_in_worker(mcp_key_create, workspace=workspace, name="stale")
    await run_in_worker(mcp_key_revoke, key=stale.record, by=None)
    for key in (stale.key, generate_key(), "alloy_mcp_cut-short"):
        async with http(**HEADERS, Authorization=f"Bearer {token}", **{"X-MCP-API-Key": key}) as client:
            response = await client.post("/mcp", json=LIST_TOOLS)
        assert response.status_code == 200, response.text


async def test_a_valid_key_still_works_beside_a_dead_token(http, key, settings):
    settings.ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE = 2
    for _ in range(4):  # a dead token is not counted against the address when the key is good
        async with http(**HEADERS, Authorization="Bearer not-a-live-token", **{"X-MCP-API-Key": key}) as client:
            assert (await client.post("/mcp", json=LIST_TOOLS)).status_code == 200


async def test_when_both_fail_the_tokens_refusal_is_what_the_client_reads(http, workspace):
    async with http(**HEADERS, Authorization="Bearer not-a-live-token", **{"X-MCP-API-Key": generate_key()}) as client:
        response = await client.post("/mcp", json=LIST_TOOLS)
    assert response.status_code == 401
    assert response.json()["error_description"] == TOKEN_NOT_LIVE
