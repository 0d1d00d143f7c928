"""OAuth's codes and tokens behind the database wall (mcp_gateway migration 0011), against a real server serving
as the serving role: every flow that reads or writes them still works, each in the workspace of the code or
token it was presented — a code's replay, a refresh token's reuse, /revoke, the connected-apps page, and a
client deleting its registration (RFC 7592), which ends its tokens in every workspace."""

import httpx2
import pytest

from tests.e2e.oauth_clients import authorized_code, exchange, mcp_status, refresh, register
from tests.e2e.people import signed_in

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]


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
