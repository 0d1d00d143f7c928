"""/api/v1/workspaces/<slug>/connected-apps/: list (members), revoke (owners and admins), 404 for outsiders."""

import pytest

from mcp_gateway.models import OAuthAccessToken
from tests.factories import OAuthApplicationFactory, make_access_token, signed_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/workspaces/acme/connected-apps/"


@pytest.fixture
def claude(owner, workspace, settings):
    app = OAuthApplicationFactory()
    make_access_token(user=owner, application=app, workspace=workspace, settings=settings)
    return app


def test_members_see_connected_apps(member, claude):
    apps = signed_in(member).get(URL).json()
    assert [(app["name"], app["people"]) for app in apps] == [("Claude", ["owner@acme.test"])]


def test_owner_revokes_an_app(owner, claude):
    response = signed_in(owner).post(f"{URL}{claude.client_id}/revoke/")
    assert response.status_code == 200
    assert response.json() == {"revoked_tokens": 1}
    assert not OAuthAccessToken.objects.exists()
    assert signed_in(owner).get(URL).json() == []
    assert signed_in(owner).post(f"{URL}{claude.client_id}/revoke/").status_code == 404


def test_member_cannot_revoke(member, claude):
    assert signed_in(member).post(f"{URL}{claude.client_id}/revoke/").status_code == 403
    assert OAuthAccessToken.objects.exists()


def test_outsider_gets_404(outsider, claude):
    assert signed_in(outsider).get(URL).status_code == 404
    assert signed_in(outsider).post(f"{URL}{claude.client_id}/revoke/").status_code == 404
    assert OAuthAccessToken.objects.exists()
