"""Discovery documents at every path clients try, and open dynamic client registration with limits."""

import base64
import json

import pytest
from django.core.cache import cache
from django.test import Client

from mcp_gateway.models import OAuthApplication

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_registrations_counted_yet():
    """Each test starts under the hourly registration limit of the test client's address."""
    cache.clear()


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server/",
    ],
)
def test_authorization_server_metadata(client, settings, path):
    metadata = client.get(path).json()
    base = settings.ALLOY_PUBLIC_URL
    assert metadata["issuer"] == base
    assert metadata["authorization_endpoint"].endswith("/authorize")
    assert metadata["token_endpoint"].endswith("/token")
    assert metadata["registration_endpoint"].endswith("/register")
    assert metadata["revocation_endpoint"].endswith("/revoke")
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert "none" in metadata["token_endpoint_auth_methods_supported"]
    assert metadata["client_id_metadata_document_supported"] is True
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["authorization_response_iss_parameter_supported"] is True


def test_no_openid_configuration_is_claimed(client):
    """It served the RFC 8414 document, without the fields OpenID Connect discovery requires (jwks_uri…)."""
    assert client.get("/.well-known/openid-configuration").status_code == 404


@pytest.mark.parametrize("path", ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"])
def test_protected_resource_metadata(client, settings, path):
    metadata = client.get(path).json()
    assert metadata["resource"] == settings.ALLOY_MCP_RESOURCE
    assert metadata["authorization_servers"] == [settings.ALLOY_PUBLIC_URL]
    assert metadata["scopes_supported"] == ["mcp"]


def register(client, **metadata):
    body = {
        "client_name": "Claude",
        "redirect_uris": ["https://claude.ai/api/mcp/auth_callback"],
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
    } | metadata
    return client.post("/register", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "redirect_uris",
    [
        ["https://claude.ai/api/mcp/auth_callback"],
        ["https://claude.com/api/mcp/auth_callback"],
        ["http://localhost:6274/oauth/callback"],
        ["http://127.0.0.1:33418/oauth/callback"],
    ],
)
def test_public_clients_register_without_credentials(client, redirect_uris):
    response = register(client, redirect_uris=redirect_uris)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["client_id"]
    assert "client_secret" not in body
    assert OAuthApplication.objects.get().client_type == OAuthApplication.CLIENT_PUBLIC


@pytest.mark.parametrize(
    "redirect_uri", ["http://evil.example/callback", "http://192.168.1.5/callback", "javascript:alert(1)"]
)
def test_registration_refuses_redirects_that_are_not_https_or_loopback(client, redirect_uri):
    response = register(client, redirect_uris=[redirect_uri])
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_client_metadata", "invalid_redirect_uri")
    assert not OAuthApplication.objects.exists()


def test_registration_is_rate_limited_per_source(client, settings):
    cache.clear()
    settings.ALLOY_OAUTH_REGISTRATIONS_PER_HOUR = 3
    statuses = [register(client).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    assert int(register(client)["Retry-After"]) > 0
    cache.clear()


@pytest.mark.parametrize("grant_types", [["client_credentials"], ["password"], ["implicit"]])
def test_registration_refuses_grant_types_the_metadata_does_not_list(client, grant_types):
    response = register(client, grant_types=grant_types, response_types=[])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client_metadata"
    assert "authorization code" in response.json()["error_description"]
    assert not OAuthApplication.objects.exists()


ROBOT_SECRET = "s3cret-for-the-robot"


def test_a_client_credentials_application_gets_a_clear_error_at_the_token_endpoint(client):
    # Saved without clean() (as an older row or a shell session would): /token used to answer 500.
    application = OAuthApplication(
        name="Robot",
        client_type=OAuthApplication.CLIENT_CONFIDENTIAL,
        authorization_grant_type=OAuthApplication.GRANT_CLIENT_CREDENTIALS,
        client_secret=ROBOT_SECRET,
    )
    application.save()
    response = client.post(
        "/token",
        {"grant_type": "client_credentials", "client_id": application.client_id, "client_secret": ROBOT_SECRET},
    )
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("unauthorized_client", "unsupported_grant_type")


def test_token_requests_are_rate_limited_per_source(settings):
    cache.clear()
    settings.ALLOY_OAUTH_TOKEN_REQUESTS_PER_MINUTE = 3
    data = {"grant_type": "authorization_code", "code": "guess", "client_id": "nobody"}
    statuses = [Client(REMOTE_ADDR="203.0.113.8").post("/token", data).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    over = Client(REMOTE_ADDR="203.0.113.8").post("/token", data)
    assert 1 <= int(over["Retry-After"]) <= 60
    assert over.json()["error"] == "too_many_requests"
    assert Client(REMOTE_ADDR="198.51.100.1").post("/token", data).status_code == 401  # another address
    cache.clear()


@pytest.mark.parametrize("method", ["client_secret_post", "client_secret_basic"])
def test_registration_honours_the_requested_secret_method(client, method):
    response = register(client, token_endpoint_auth_method=method)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["token_endpoint_auth_method"] == method
    assert body["client_secret"]
    # The secret works the way the client was told it would.
    data = {"grant_type": "refresh_token", "refresh_token": "none", "client_id": body["client_id"]}
    if method == "client_secret_post":
        answer = Client().post("/token", data | {"client_secret": body["client_secret"]})
    else:
        answer = Client().post("/token", data, HTTP_AUTHORIZATION=_basic(body["client_id"], body["client_secret"]))
    assert answer.json()["error"] == "invalid_grant"  # authenticated; only the refresh token is wrong


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


# --- a registration is checked before anything of it is stored (mcp_gateway/oauth/registration.py) -------


def refused(response, error: str, says: str) -> None:
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error
    assert says in response.json()["error_description"]


@pytest.mark.parametrize(
    ("metadata", "error", "says"),
    [
        ({"redirect_uris": ["https://claude.ai/cb\u0000"]}, "invalid_redirect_uri", "control character"),
        ({"redirect_uris": [f"https://claude.ai/cb/{n}" for n in range(11)]}, "invalid_redirect_uri", "at most 10"),
        ({"redirect_uris": [f"https://claude.ai/cb/{n}" for n in range(20_000)]}, "invalid_client_metadata", "bytes"),
        ({"redirect_uris": ["https://claude.ai/" + "a" * 2_000]}, "invalid_redirect_uri", "at most 2,000"),
        ({"client_name": "C" * 256}, "invalid_client_metadata", "client_name is 256 characters long; at most 255"),
        ({"client_name": "Claude\u0007"}, "invalid_client_metadata", "client_name holds a control character"),
        ({"client_name": "Claude\u0085"}, "invalid_client_metadata", "client_name holds a control character"),
        # A right-to-left override: "\u202eedualC" reads as "Claude" reversed, and a path as another name.
        ({"client_name": "\u202eedualC"}, "invalid_client_metadata", "client_name holds U+202E, an invisible"),
        ({"client_name": "Cla\u200bude"}, "invalid_client_metadata", "client_name holds U+200B"),
        ({"redirect_uris": ["https://claude.ai/\u2066cb"]}, "invalid_redirect_uri", "holds U+2066"),
        ({"client_name": "\ufeffClaude"}, "invalid_client_metadata", "holds U+FEFF"),
        ({"client_uri": "https://claude.ai/\ud800"}, "invalid_client_metadata", "client_uri holds a control"),
        ({"jwks": {"keys": [{"a": [[[[[[["deep"]]]]]]]}]}}, "invalid_client_metadata", "nested too deeply"),
    ],
)
def test_a_registration_that_cannot_be_stored_is_a_clear_400_and_stores_nothing(client, metadata, error, says):
    refused(register(client, **metadata), error, says)
    assert not OAuthApplication.objects.exists()


@pytest.mark.parametrize("depth", [5_000, 50_000])
def test_json_nested_thousands_deep_is_a_clear_400(client, depth):
    body = '{"client_name": "x", "extra": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/register", body, content_type="application/json")
    refused(response, "invalid_client_metadata", "nested too deeply" if depth == 5_000 else "bytes")


@pytest.mark.parametrize(
    "name",
    ["Claude \u2728", "\U0001f469\u200d\U0001f4bb Dev tools", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"],
)
def test_names_in_any_script_and_with_emoji_are_accepted(client, name):
    # Joiners (U+200D in an emoji, U+200C in Persian) are part of how such names are written.
    response = register(client, client_name=name)
    assert response.status_code == 201
    assert response.json()["client_name"] == name


def test_ten_redirect_uris_are_accepted(client):
    response = register(client, redirect_uris=[f"https://claude.ai/cb/{n}" for n in range(10)])
    assert response.status_code == 201
    assert len(response.json()["redirect_uris"]) == 10
