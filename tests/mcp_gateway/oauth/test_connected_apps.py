"""Connected apps: the OAuth clients holding tokens for a workspace, listed per workspace and revoked
from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from mcp_gateway.oauth.connected_apps import connected_apps_list
from tests.factories import OAuthApplicationFactory
from tests.factories import make_access_token as make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tokens(owner, member, workspace, other_workspace, outsider, settings):
    claude = OAuthApplicationFactory()
    cursor = OAuthApplicationFactory(
        name="Inspector",
        redirect_uris="http://127.0.0.1:1/cb",
    )
    make_token(user=owner, application=claude, workspace=workspace, settings=settings)
    make_token(user=member, application=cursor, workspace=workspace, settings=settings)
    make_token(user=outsider, application=claude, workspace=other_workspace, settings=settings)
    return claude, cursor


def test_connected_apps_lists_the_workspaces_clients(two_tokens, workspace, other_workspace):
    apps = connected_apps_list(workspace=workspace)
    assert [(app.application.name, sorted(app.people)) for app in apps] == [
        ("Claude", ["owner@acme.test"]),
        ("Inspector", ["member@acme.test"]),
    ]
    assert [app.application.name for app in connected_apps_list(workspace=other_workspace)] == ["Claude"]


def test_revoke_oauth_tokens_of_one_client(two_tokens, workspace, other_workspace):
    claude, _ = two_tokens
    out = io.StringIO()
    call_command("revoke_oauth_tokens", "--workspace", "acme", "--client", claude.client_id, stdout=out)
    assert "Revoked 1 token(s): Claude" in out.getvalue()
    assert [app.application.name for app in connected_apps_list(workspace=workspace)] == ["Inspector"]
    assert [app.application.name for app in connected_apps_list(workspace=other_workspace)] == ["Claude"]


def test_revoke_oauth_tokens_exits_1_when_nothing_matched(workspace):
    with pytest.raises(CommandError, match="nothing was revoked"):
        call_command("revoke_oauth_tokens", "--workspace", "acme", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No workspace"):
        call_command("revoke_oauth_tokens", "--workspace", "nope", stdout=io.StringIO())
