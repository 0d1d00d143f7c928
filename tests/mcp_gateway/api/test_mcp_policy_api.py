"""/api/v1/workspaces/<slug>/mcp-policy/: members read it, owners and admins change it, outsiders get 404; every
malformed change is a 400 that names the field and what it takes, and changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mcp_gateway.keys.services import InvalidKeyRequest, mcp_key_create
from mcp_gateway.models import McpKey, McpPolicy
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/workspaces/acme/mcp-policy/"
DEFAULTS = {
    "enabled": True,
    "credentials": ["keys", "oauth"],
    "oauth_apps": [],
    "max_key_lifetime_days": None,
    "tools": None,
    "key_networks": [],
    "revision": 0,
}


def patch(person, body):
    return signed_in(person).patch(URL, body, content_type="application/json")


def test_a_member_reads_the_defaults_of_a_workspace_that_never_set_one(member):
    response = signed_in(member).get(URL)
    assert response.status_code == 200
    assert response.json() == DEFAULTS


def test_an_owner_changes_fields_and_each_change_raises_the_revision(owner):
    first = patch(owner, {"enabled": False, "tools": ["search_session", "get_session"]})
    assert first.status_code == 200, first.content
    assert first.json() == {**DEFAULTS, "enabled": False, "tools": ["get_session", "search_session"], "revision": 1}
    second = patch(owner, {"key_networks": ["203.0.113.7/24"], "oauth_apps": ["Claude.ai"], "credentials": ["oauth"]})
    assert second.json() == {
        **DEFAULTS,
        "enabled": False,
        "tools": ["get_session", "search_session"],
        "key_networks": ["203.0.113.0/24"],  # a host's address in its network
        "oauth_apps": ["claude.ai"],
        "credentials": ["oauth"],
        "revision": 2,
    }
    assert signed_in(owner).get(URL).json() == second.json()
    assert McpPolicy.objects.get().updated_by == owner


def test_a_member_cannot_change_it_and_an_outsider_cannot_see_it(member, outsider):
    refused = patch(member, {"enabled": False})
    assert refused.status_code == 403
    assert "Only owners and admins of acme can change the MCP policy" in refused.json()["detail"]
    assert patch(outsider, {"enabled": False}).status_code == 404
    assert signed_in(outsider).get(URL).status_code == 404
    assert not McpPolicy.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"enabled": "no"}, "enabled", "takes true or false"),
        ({"credentials": []}, "credentials", "set enabled to false"),
        ({"credentials": ["keys", "passwords"]}, "credentials", '"keys", "oauth" or both'),
        ({"oauth_apps": ["ftp://example.com"]}, "oauth_apps", "neither an https:// client ID"),
        ({"oauth_apps": "claude.ai"}, "oauth_apps", "takes a list of strings"),
        ({"max_key_lifetime_days": 0}, "max_key_lifetime_days", "from 1 to 3650"),
        ({"max_key_lifetime_days": True}, "max_key_lifetime_days", "whole number of days"),
        ({"tools": ["delete_everything"]}, "tools", "There is no tool 'delete_everything'"),
        ({"key_networks": ["10.0.0.0/33"]}, "key_networks", "is not a network"),
        ({"key_networks": ["x"] * 101}, "key_networks", "at most 100 entries"),
        ({"owner": "me"}, "owner", "has no field 'owner'"),
    ],
)
def test_a_malformed_change_is_refused_with_what_is_accepted_and_changes_nothing(owner, body, field, says):
    response = patch(owner, {"enabled": False, **body})
    assert response.status_code == 400
    assert says in response.json()[field][0]
    assert signed_in(owner).get(URL).json() == DEFAULTS


def test_a_body_that_is_not_an_object_is_refused(owner):
    response = signed_in(owner).patch(URL, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert "Send an object" in str(response.json())


def test_a_lifetime_cap_stops_existing_keys_at_it_and_refuses_longer_new_ones(owner, workspace):
    forever = mcp_key_create(workspace=workspace, name="forever", created_by=owner, expires_in_days=None).record
    short = mcp_key_create(workspace=workspace, name="short", created_by=owner, expires_in_days=30).record
    assert patch(owner, {"max_key_lifetime_days": 90}).status_code == 200
    forever.refresh_from_db()
    assert forever.expires_at == forever.created_at + timedelta(days=90)
    assert McpKey.objects.get(pk=short.pk).expires_at == short.expires_at  # already shorter: untouched
    with pytest.raises(InvalidKeyRequest, match="may live at most 90 days, by its MCP policy: choose 30 or 90"):
        mcp_key_create(workspace=workspace, name="longer", created_by=owner, expires_in_days=365)
    with pytest.raises(InvalidKeyRequest, match="at most 90 days"):
        mcp_key_create(workspace=workspace, name="never", created_by=owner, expires_in_days=None)
    created = mcp_key_create(workspace=workspace, name="ok", created_by=owner, expires_in_days=90).record
    assert created.expires_at > timezone.now() + timedelta(days=89)


def test_a_cap_below_every_offered_lifetime_can_still_be_chosen(owner, workspace):
    assert patch(owner, {"max_key_lifetime_days": 7}).status_code == 200
    with pytest.raises(InvalidKeyRequest, match="choose 7 days"):
        mcp_key_create(workspace=workspace, name="month", created_by=owner, expires_in_days=30)
    assert mcp_key_create(workspace=workspace, name="week", created_by=owner, expires_in_days=7).record.expires_at
