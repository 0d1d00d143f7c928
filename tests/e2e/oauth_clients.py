"""What OAuth clients do in the end-to-end tests: the mcp SDK's OAuth client with a consent callback standing in
for the person, the token storage it needs, the authorize URL a browser is sent to, and a client as a script
drives the endpoints (register, consent, exchange, refresh, call)."""

from urllib.parse import urlencode

import httpx2
from mcp.client.auth import OAuthClientProvider
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from tests.e2e.people import sign_in_and_consent
from tests.factories import pkce

CALLBACK = "http://127.0.0.1:9/oauth/callback"  # nothing listens: the browser's request is answered below


class MemoryStorage:
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None
        self.issued: list[OAuthToken] = []

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens
        self.issued.append(tokens)

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


def oauth_provider_for(server: str, storage: MemoryStorage, consent) -> OAuthClientProvider:
    """The SDK's OAuth client, with `consent(authorize_url)` doing what the person does in the browser."""
    pending: dict[str, str] = {}

    async def redirect_handler(authorization_url: str) -> None:
        pending["url"] = authorization_url

    async def callback_handler() -> AuthorizationCodeResult:
        location = await consent(pending["url"])
        query = dict(location.params)
        return AuthorizationCodeResult(code=query["code"], state=query.get("state"), iss=query.get("iss"))

    return OAuthClientProvider(
        server_url=f"{server}/mcp",
        client_metadata=OAuthClientMetadata(
            client_name="Alloy e2e client",
            redirect_uris=["http://127.0.0.1:3999/callback"],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )


def authorize_url(server: str, client_id: str) -> str:
    return authorize_url_and_verifier(server, client_id)[0]


def authorize_url_and_verifier(server: str, client_id: str) -> tuple[str, str]:
    """Where a client sends the person to consent, and the PKCE verifier it keeps for the exchange."""
    verifier, challenge = pkce()
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "scope": "mcp",
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "resource": f"{server}/mcp",
    }
    return f"{server}/authorize?{urlencode(query)}", verifier


def register(server: str, name: str = "Wall client") -> dict:
    response = httpx2.post(
        f"{server}/register",
        json={
            "client_name": name,
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
    url, verifier = authorize_url_and_verifier(server, client_id)
    location = await sign_in_and_consent(url, email="owner@acme.test", workspace_label=workspace_label)
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
