"""What OAuth clients do in the end-to-end tests: the mcp SDK's OAuth client with a consent callback standing in
for the person, the token storage it needs, and the authorize URL a browser is sent to."""

from urllib.parse import urlencode

from mcp.client.auth import OAuthClientProvider
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

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
    _, challenge = pkce()
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
    return f"{server}/authorize?{urlencode(query)}"
