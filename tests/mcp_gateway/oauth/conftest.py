"""An OAuth flow in-process with Django's test client: register, sign in, consent, exchange."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from mcp_gateway.models import OAuthApplication
from tests.factories import OAuthApplicationFactory, pkce

REDIRECT = "http://127.0.0.1:4321/callback"


@dataclass
class Flow:
    client: Client
    application: OAuthApplication
    settings: object

    @property
    def resource(self) -> str:
        return self.settings.ALLOY_MCP_RESOURCE

    def authorize_params(self, challenge: str, **overrides: str) -> dict[str, str]:
        params = {
            "response_type": "code",
            "client_id": self.application.client_id,
            "redirect_uri": REDIRECT,
            "scope": "mcp",
            "state": "xyz",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "resource": self.resource,
        }
        return {key: value for key, value in (params | overrides).items() if value is not None}

    def consent(self, params: dict[str, str], *, workspace_id: int, allow: bool = True):
        """GET /authorize, then submit the consent form; returns the final response."""
        page = self.client.get("/authorize", params)
        assert page.status_code == 200, page.content[:400]
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.content.decode()))
        fields = {name: value.replace("&amp;", "&") for name, value in fields.items()}
        fields["workspace"] = str(workspace_id)
        fields["allow" if allow else "deny"] = "true"
        return self.client.post("/authorize", fields)

    def code(self, params: dict[str, str], *, workspace_id: int) -> str:
        response = self.consent(params, workspace_id=workspace_id)
        assert response.status_code == 302, response.content[:400]
        query = parse_qs(urlsplit(response["Location"]).query)
        return query["code"][0]

    def exchange(self, code: str, verifier: str, **overrides: str):
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": self.application.client_id,
            "code_verifier": verifier,
            "resource": self.resource,
        } | overrides
        return Client().post("/token", {key: value for key, value in data.items() if value is not None})

    def refresh(self, refresh_token: str):
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": self.application.client_id}
        return Client().post("/token", data)

    def tokens(self, *, workspace_id: int) -> dict:
        verifier, challenge = pkce()
        response = self.exchange(self.code(self.authorize_params(challenge), workspace_id=workspace_id), verifier)
        assert response.status_code == 200, response.content
        return response.json()


@pytest.fixture
def application(db) -> OAuthApplication:
    return OAuthApplicationFactory(
        redirect_uris=REDIRECT,
        skip_authorization=False,
    )


@pytest.fixture
def flow(client, owner, application, settings) -> Flow:
    client.force_login(owner)
    return Flow(client=client, application=application, settings=settings)
