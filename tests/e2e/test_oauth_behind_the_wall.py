"""OAuth's codes and tokens behind the database wall (mcp_gateway migration 0011), against a real server serving
as the serving role: every flow that reads or writes them still works, each in the workspace of the code or
token it was presented — a code's replay, a refresh token's reuse, /revoke, the connected-apps page, and a
client deleting its registration (RFC 7592), which ends its tokens in every workspace."""

import httpx2
import pytest

from tests.e2e.people import sign_in_and_consent, signed_in
from tests.factories import pkce

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

CALLBACK = "http://127.0.0.1:9/oauth/callback"


def register(server: str) -> dict:
    response = httpx2.post(
        f"{server}/register",
        json={
            "client_name": "Wall client",
            "redirect_uris": [CALLBACK],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def authorized_code(server: str, client_id: str, *, workspace_label: str = "Acme (acme)") -> tuple[str, str]:
    """A code the owner consented to for this client, and its PKCE verifier."""
    verifier, challenge = pkce()
    query = httpx2.QueryParams(
        response_type="code",
        client_id=client_id,
        redirect_uri=CALLBACK,
        scope="mcp",
        state="s1",
        code_challenge=challenge,
        code_challenge_method="S256",
        resource=f"{server}/mcp",
    )
    location = await sign_in_and_consent(
        f"{server}/authorize?{query}", email="owner@acme.test", workspace_label=workspace_label
    )
    return location.params["code"], verifier


def exchange(server: str, client_id: str, code: str, verifier: str) -> httpx2.Response:
    return httpx2.post(
        f"{server}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "client_id": client_id,
            "redirect_uri": CALLBACK,
            "resource": f"{server}/mcp",
        },
    )


def refresh(server: str, client_id: str, refresh_token: str) -> httpx2.Response:
    return httpx2.post(
        f"{server}/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    )


def mcp_status(server: str, access_token: str) -> int:
    headers = {
        "Authorization": f"Bearer {access_token}",
        "accept": "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
    }
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    return httpx2.post(f"{server}/mcp", json=body, headers=headers, timeout=10).status_code


async def tokens_for(server: str, client_id: str) -> dict:
    code, verifier = await authorized_code(server, client_id)
    response = exchange(server, client_id, code, verifier)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert mcp_status(server, tokens["access_token"]) == 200
    return {**tokens, "code": code, "verifier": verifier}


async def test_a_replayed_code_is_refused_and_ends_what_it_was_exchanged_for(server, person):
    client_id = register(server)["client_id"]
    tokens = await tokens_for(server, client_id)
    replay = exchange(server, client_id, tokens["code"], tokens["verifier"])
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert mcp_status(server, tokens["access_token"]) == 401
    assert refresh(server, client_id, tokens["refresh_token"]).status_code == 400


async def test_a_refresh_rotates_and_a_reused_refresh_token_ends_its_family(server, person):
    client_id = register(server)["client_id"]
    first = await tokens_for(server, client_id)
    rotated = refresh(server, client_id, first["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert mcp_status(server, second["access_token"]) == 200
    assert mcp_status(server, first["access_token"]) == 401  # the rotation ended the first pair

    reused = refresh(server, client_id, first["refresh_token"])
    assert reused.json()["error"] == "invalid_grant"
    assert mcp_status(server, second["access_token"]) == 401  # the whole family goes
    assert refresh(server, client_id, second["refresh_token"]).status_code == 400


async def test_revoking_an_access_token_ends_its_refresh_token_and_a_stranger_cannot(server, person):
    client_id = register(server)["client_id"]
    tokens = await tokens_for(server, client_id)
    stranger = register(server)["client_id"]
    # RFC 7009: another client's revocation is answered 200 and changes nothing.
    assert httpx2.post(f"{server}/revoke", data={"token": tokens["access_token"], "client_id": stranger}).is_success
    assert mcp_status(server, tokens["access_token"]) == 200

    revoked = httpx2.post(f"{server}/revoke", data={"token": tokens["access_token"], "client_id": client_id})
    assert revoked.status_code == 200
    assert mcp_status(server, tokens["access_token"]) == 401
    assert refresh(server, client_id, tokens["refresh_token"]).status_code == 400


async def test_the_connected_apps_page_lists_and_ends_an_apps_access(server, person):
    client_id = register(server)["client_id"]
    tokens = await tokens_for(server, client_id)
    browser = signed_in(server, "owner@acme.test")
    page = browser.get("/acme/settings/connected-apps/")
    assert page.status_code == 200
    assert "Wall client" in page.text
    assert f"connected-apps/{client_id}/revoke/" in page.text
    csrf = browser.cookies["csrftoken"]
    ended = browser.post(
        f"/acme/settings/connected-apps/{client_id}/revoke/",
        data={"csrfmiddlewaretoken": csrf},
        headers={"referer": f"{server}/acme/settings/connected-apps/"},
    )
    assert ended.status_code in (200, 302), ended.text[:300]
    assert mcp_status(server, tokens["access_token"]) == 401
    after = browser.get("/acme/settings/connected-apps/").text
    assert f"connected-apps/{client_id}/revoke/" not in after


async def test_a_client_that_deletes_its_registration_ends_its_tokens(server, person):
    registration = register(server)
    client_id = registration["client_id"]
    tokens = await tokens_for(server, client_id)
    management = {"Authorization": f"Bearer {registration['registration_access_token']}"}
    read = httpx2.get(f"{server}/register/{client_id}", headers=management)
    assert read.status_code == 200
    assert read.json()["client_name"] == "Wall client"
    assert (
        httpx2.delete(f"{server}/register/{client_id}", headers={"Authorization": "Bearer nobody's"}).status_code == 401
    )
    assert mcp_status(server, tokens["access_token"]) == 200

    assert httpx2.delete(f"{server}/register/{client_id}", headers=management).status_code == 204
    assert mcp_status(server, tokens["access_token"]) == 401
    assert httpx2.get(f"{server}/register/{client_id}", headers=management).status_code == 401
