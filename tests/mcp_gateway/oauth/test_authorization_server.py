"""The authorization server: PKCE S256 only, redirect and resource rules, codes once, refresh rotation,
reuse detection, and the workspace the person picked bound to every token."""

import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from mcp_gateway.models import OAuthAccessToken, OAuthGrant, OAuthRefreshToken
from mcp_gateway.oauth.views import shown_host
from tests.factories import pkce
from tests.mcp_gateway.oauth.conftest import REDIRECT
from workspaces.models import Membership

pytestmark = pytest.mark.django_db


def test_allow_issues_a_code_with_iss_and_tokens_bound_to_the_workspace(flow, workspace, owner, settings):
    verifier, challenge = pkce()
    response = flow.consent(flow.authorize_params(challenge), workspace_id=workspace.pk)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    assert query["state"] == ["xyz"]
    assert query["iss"] == [settings.ALLOY_PUBLIC_URL]
    tokens = flow.exchange(query["code"][0], verifier).json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "mcp"
    access = OAuthAccessToken.objects.get()
    assert (access.workspace, access.user, access.resource) == (workspace, owner, [settings.ALLOY_MCP_RESOURCE])
    assert access.token == ""  # stored only as a checksum
    assert OAuthRefreshToken.objects.get().workspace == workspace


def test_deny_returns_access_denied_naming_the_issuer(flow, workspace, settings):
    _, challenge = pkce()
    response = flow.consent(flow.authorize_params(challenge), workspace_id=workspace.pk, allow=False)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["iss"] == [settings.ALLOY_PUBLIC_URL]  # RFC 9207: a refusal names its issuer as a code does
    assert not OAuthAccessToken.objects.exists()


def test_a_workspace_the_person_is_not_in_cannot_be_picked(flow, other_workspace):
    _, challenge = pkce()
    response = flow.consent(flow.authorize_params(challenge), workspace_id=other_workspace.pk)
    assert response.status_code == 200  # the form again, with an error
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Claude" in page
    assert not OAuthAccessToken.objects.exists()


def test_the_consent_page_names_the_client_and_where_it_returns(flow, workspace, other_workspace):
    _, challenge = pkce()
    page = flow.client.get("/authorize", flow.authorize_params(challenge)).content.decode()
    assert 'Allow <span class="client">Claude</span>' in page
    assert "127.0.0.1:4321" in page
    assert "Acme (acme)" in page
    assert "Globex" not in page


def test_the_consent_page_shows_a_name_with_an_override_as_code_points(flow, workspace):
    flow.application.name = "\u202eedualC"  # registered before /register refused it: reads "Claude"
    flow.application.save()
    _, challenge = pkce()
    page = flow.client.get("/authorize", flow.authorize_params(challenge)).content.decode()
    assert 'Allow <span class="client">⟨U+202E⟩edualC</span>' in page
    assert "\u202e" not in page


def test_a_redirect_host_that_is_not_plain_ascii_is_shown_in_punycode():
    # The toolkit refuses such a redirect URI at /authorize today; the page would not pass one off if it did not.
    assert shown_host("cl\u0430ude.ai") == ("xn--clude-5ve.ai", True)  # its "a" is Cyrillic
    assert shown_host("claude.ai") == ("claude.ai", False)
    assert shown_host("127.0.0.1:4321") == ("127.0.0.1:4321", False)


def test_people_not_signed_in_go_to_the_sign_in_page(application, settings):
    response = Client().get("/authorize", {"client_id": application.client_id, "response_type": "code"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/authorize")


def test_a_person_without_workspaces_is_told_so(client, application, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="lonely@example.com"))
    response = client.get("/authorize", {"client_id": application.client_id})
    assert response.status_code == 403
    assert "not in any workspace" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
    ],
)
def test_pkce_is_required_and_only_s256(flow, workspace, overrides, error):
    _, challenge = pkce()
    response = flow.client.get("/authorize", flow.authorize_params(challenge, **overrides))
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == [error]


def test_an_unregistered_redirect_is_never_followed(flow):
    _, challenge = pkce()
    response = flow.client.get("/authorize", flow.authorize_params(challenge, redirect_uri="https://evil.example/cb"))
    assert response.status_code == 400
    assert "evil.example" not in response.get("Location", "")


def test_loopback_redirects_match_on_any_port(flow, workspace):
    _, challenge = pkce()
    params = flow.authorize_params(challenge, redirect_uri="http://127.0.0.1:55555/callback")
    response = flow.consent(params, workspace_id=workspace.pk)
    assert response["Location"].startswith("http://127.0.0.1:55555/callback?")


def test_no_resource_binds_ours(flow, workspace, settings):
    verifier, challenge = pkce()
    code = flow.code(flow.authorize_params(challenge, resource=None), workspace_id=workspace.pk)
    assert flow.exchange(code, verifier, resource=None).status_code == 200
    assert OAuthAccessToken.objects.get().resource == [settings.ALLOY_MCP_RESOURCE]


def test_a_wrong_verifier_is_refused(flow, workspace):
    _, challenge = pkce()
    code = flow.code(flow.authorize_params(challenge), workspace_id=workspace.pk)
    response = flow.exchange(code, "x" * 60)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_code_works_once(flow, workspace):
    verifier, challenge = pkce()
    code = flow.code(flow.authorize_params(challenge), workspace_id=workspace.pk)
    assert flow.exchange(code, verifier).status_code == 200
    again = flow.exchange(code, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_refresh_rotates_and_keeps_the_workspace(flow, workspace):
    tokens = flow.tokens(workspace_id=workspace.pk)
    renewed = flow.refresh(tokens["refresh_token"])
    assert renewed.status_code == 200
    assert renewed.json()["refresh_token"] != tokens["refresh_token"]
    newest = OAuthAccessToken.objects.order_by("-pk").first()
    assert newest.workspace == workspace


def test_a_reused_refresh_token_revokes_its_family(flow, workspace):
    tokens = flow.tokens(workspace_id=workspace.pk)
    renewed = flow.refresh(tokens["refresh_token"]).json()
    assert flow.refresh(tokens["refresh_token"]).status_code == 400  # replayed
    # ...and the legitimate successor dies with it.
    assert flow.refresh(renewed["refresh_token"]).status_code == 400
    assert not OAuthAccessToken.objects.exists()


def test_a_replayed_code_revokes_the_tokens_issued_from_it(flow, workspace):
    # RFC 6749 §4.1.2: a code used twice was intercepted; what it was exchanged for must not stay valid.
    verifier, challenge = pkce()
    code = flow.code(flow.authorize_params(challenge), workspace_id=workspace.pk)
    tokens = flow.exchange(code, verifier).json()
    renewed = flow.refresh(tokens["refresh_token"]).json()  # rotation keeps the family
    assert flow.exchange(code, verifier).json()["error"] == "invalid_grant"
    assert not OAuthAccessToken.objects.exists()
    assert flow.refresh(renewed["refresh_token"]).status_code == 400


def test_codes_are_stored_as_digests(flow, workspace):
    _, challenge = pkce()
    code = flow.code(flow.authorize_params(challenge), workspace_id=workspace.pk)
    stored = OAuthGrant.objects.values_list("code", flat=True).get()
    assert stored != code
    assert stored == hashlib.sha256(code.encode()).hexdigest()


def test_a_refresh_after_the_person_left_the_workspace_is_refused(flow, workspace, owner):
    tokens = flow.tokens(workspace_id=workspace.pk)
    Membership.objects.filter(user=owner, workspace=workspace).delete()
    response = flow.refresh(tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert OAuthAccessToken.objects.count() == 1  # no new token was minted


def test_another_resource_is_refused_before_the_consent_page(flow):
    _, challenge = pkce()
    response = flow.client.get("/authorize", flow.authorize_params(challenge, resource="https://api.example.com/"))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["invalid_target"]
    assert query["state"] == ["xyz"]
