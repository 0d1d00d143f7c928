"""Claude's client id is a URL (a client ID metadata document): no registration, straight to consent.

Fetching https://claude.ai/… needs the internet, which tests do not have; the toolkit's fetcher is
swapped (CIMD_METADATA_FETCHER, its documented extension point) for one that returns the document Claude
publishes. Everything after the fetch is the real code path.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

from mcp_gateway.models import OAuthAccessToken, OAuthApplication
from tests.factories import pkce
from tests.mcp_gateway.oauth.conftest import Flow

pytestmark = pytest.mark.django_db

CLAUDE_CLIENT_ID = "https://claude.ai/oauth/mcp-oauth-client-metadata"
CLAUDE_CALLBACK = "https://claude.ai/api/mcp/auth_callback"


class ClaudeMetadataFetcher:
    def fetch(self, client_id: str) -> tuple[dict, int]:
        assert client_id == CLAUDE_CLIENT_ID
        document = {
            "client_id": CLAUDE_CLIENT_ID,
            "client_name": "Claude",
            "redirect_uris": [CLAUDE_CALLBACK, "https://claude.com/api/mcp/auth_callback"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        }
        return document, 3600


@pytest.fixture
def claude_fetcher(settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "CIMD_METADATA_FETCHER": f"{__name__}.ClaudeMetadataFetcher",
    }


def test_claude_connects_with_its_metadata_url_as_client_id(client, owner, workspace, claude_fetcher, settings):
    client.force_login(owner)
    verifier, challenge = pkce()
    flow = Flow(client=client, application=OAuthApplication(client_id=CLAUDE_CLIENT_ID), settings=settings)
    params = flow.authorize_params(challenge, redirect_uri=CLAUDE_CALLBACK)
    response = flow.consent(params, workspace_id=workspace.pk)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{CLAUDE_CALLBACK}?")
    code = parse_qs(urlsplit(response["Location"]).query)["code"][0]
    tokens = flow.exchange(code, verifier, redirect_uri=CLAUDE_CALLBACK)
    assert tokens.status_code == 200, tokens.content
    assert OAuthApplication.objects.get(client_id=CLAUDE_CLIENT_ID).name == "Claude"
    assert OAuthAccessToken.objects.get().workspace == workspace
