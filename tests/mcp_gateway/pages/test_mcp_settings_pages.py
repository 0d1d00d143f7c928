"""The MCP sections of workspace settings (MCP keys, connected apps): owners and admins manage, members
read, outsiders get 404. (The shell and General/Members: tests/workspaces/test_workspace_settings_pages.py.)"""

import re

import pytest
from django.test import Client

from mcp_gateway.auth.resolve import InvalidCredential, principal_for_key
from mcp_gateway.keys.services import mcp_key_create, mcp_key_revoke
from mcp_gateway.models import McpKey, OAuthAccessToken
from tests.factories import OAuthApplicationFactory, make_access_token, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("section", ["mcp/", "connected-apps/", "mcp/activity/"])
def test_outsiders_get_404(outsider, workspace, section):
    assert signed_in(outsider).get(f"/acme/settings/{section}").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(workspace):
    response = Client().get("/acme/settings/mcp/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/acme/settings/mcp/")


def test_owner_creates_a_key_seen_once(owner, workspace, settings):
    client = signed_in(owner)
    created = client.post("/acme/settings/mcp/", {"name": "Claude Desktop"})
    page = created.content.decode()
    key = re.search(r'value="(alloy_mcp_\w+)"', page).group(1)
    assert principal_for_key(key=key).workspace == workspace
    assert f"X-MCP-API-Key:{key}" in page
    assert f"{settings.ALLOY_PUBLIC_URL}/mcp" in page
    assert "no-store" in created["Cache-Control"]
    again = client.get("/acme/settings/mcp/").content.decode()
    assert key not in again
    assert key[:18] in again


def test_reloading_the_page_that_shows_a_new_key_does_not_create_another(owner, workspace):
    client = signed_in(owner)
    form_id = re.search(r'name="form_id" value="([^"]+)"', client.get("/acme/settings/mcp/").content.decode()).group(1)
    sent = {"name": "Claude Desktop", "form_id": form_id}
    assert "alloy_mcp_" in client.post("/acme/settings/mcp/", sent).content.decode()
    again = client.post("/acme/settings/mcp/", sent)
    assert again.status_code == 400
    assert "This form already created a key" in again.content.decode()
    assert McpKey.objects.count() == 1
    # The page it answers with carries a new form, which creates a key.
    form_id = re.search(r'name="form_id" value="([^"]+)"', again.content.decode()).group(1)
    assert form_id != sent["form_id"]
    client.post("/acme/settings/mcp/", sent | {"form_id": form_id, "name": "Claude Code"})
    assert McpKey.objects.count() == 2


def test_member_page_is_read_only(member, workspace):
    mcp_key_create(workspace=workspace, name="Laptop")
    page = signed_in(member).get("/acme/settings/mcp/").content.decode()
    assert "Laptop" in page
    assert "Create key" not in page
    assert "Delete" not in page
    assert signed_in(member).post("/acme/settings/mcp/", {"name": "mine"}).status_code == 403
    assert McpKey.objects.count() == 1


def test_a_blank_name_is_refused_with_a_message(owner, workspace):
    response = signed_in(owner).post("/acme/settings/mcp/", {"name": "  "})
    assert response.status_code == 400
    assert "needs a name" in response.content.decode()


def test_delete_asks_then_deletes(owner, workspace):
    created = mcp_key_create(workspace=workspace, name="Laptop")
    url = f"/acme/settings/mcp/{created.record.pk}/delete/"
    assert "cannot be undone" in signed_in(owner).get(url).content.decode()
    response = signed_in(owner).post(url, follow=True)
    assert "Deleted the key Laptop" in response.content.decode()
    with pytest.raises(InvalidCredential):
        principal_for_key(key=created.key)


def test_keys_of_other_workspaces_cannot_be_deleted_here(owner, other_workspace):
    theirs = mcp_key_create(workspace=other_workspace, name="Theirs")
    assert signed_in(owner).post(f"/acme/settings/mcp/{theirs.record.pk}/delete/").status_code == 404
    assert McpKey.objects.filter(pk=theirs.record.pk).exists()


def test_connected_apps_list_and_revoke(owner, member, workspace, settings):
    app = OAuthApplicationFactory()
    make_access_token(user=member, application=app, workspace=workspace, settings=settings)
    page = signed_in(member).get("/acme/settings/connected-apps/").content.decode()
    assert "Claude" in page
    assert "member@acme.test" in page
    assert "Revoke" not in page
    url = f"/acme/settings/connected-apps/{app.client_id}/revoke/"
    assert signed_in(member).post(url).status_code == 403
    signed_in(owner).post(url)
    assert not OAuthAccessToken.objects.exists()


def test_members_are_not_offered_the_activity_and_are_told_why_at_its_address(member, owner, workspace):
    members_page = signed_in(member).get("/acme/settings/mcp/").content.decode()
    assert "/acme/settings/mcp/activity/" not in members_page
    assert "MCP activity" not in members_page
    refused = signed_in(member).get("/acme/settings/mcp/activity/")
    assert refused.status_code == 403
    assert "Only owners and admins" in refused.content.decode()
    owners_page = signed_in(owner).get("/acme/settings/mcp/").content.decode()
    assert "/acme/settings/mcp/activity/" in owners_page


def test_a_second_live_key_of_the_same_name_is_refused_and_expiry_is_an_exact_date(owner, workspace):
    client = signed_in(owner)
    client.post("/acme/settings/mcp/", {"name": "Claude Desktop", "expires_in_days": "90"})
    again = client.post("/acme/settings/mcp/", {"name": "claude desktop", "expires_in_days": "90"})
    assert again.status_code == 400
    assert "already has a key named &#x27;claude desktop&#x27;; choose another name" in again.content.decode()
    assert McpKey.objects.count() == 1
    expires = McpKey.objects.get().expires_at
    page = client.get("/acme/settings/mcp/").content.decode()
    assert f">{expires:%Y-%m-%d %H:%M} UTC</time>" in page  # "in 2 months" was all it said
    # Once that key is revoked, its name is free again.
    mcp_key_revoke(key=McpKey.objects.get(), by=None)
    client.post("/acme/settings/mcp/", {"name": "Claude Desktop"})
    assert McpKey.objects.count() == 2


def test_revoke_is_apart_from_delete_and_past_keys_are_folded_away(owner, member, workspace, other_workspace):
    live = mcp_key_create(workspace=workspace, name="Desk").record
    old = mcp_key_create(workspace=workspace, name="Old laptop").record
    theirs = mcp_key_create(workspace=other_workspace, name="Theirs").record
    client = signed_in(owner)
    assert client.get(f"/acme/settings/mcp/{old.pk}/revoke/").status_code == 405  # a POST only
    assert signed_in(member).post(f"/acme/settings/mcp/{old.pk}/revoke/").status_code == 403
    assert client.post(f"/acme/settings/mcp/{theirs.pk}/revoke/").status_code == 404
    done = client.post(f"/acme/settings/mcp/{old.pk}/revoke/", follow=True).content.decode()
    assert "Revoked the key Old laptop; it stops working on its next request." in done
    old.refresh_from_db()
    assert old.revoked_at is not None
    live.refresh_from_db()
    assert live.revoked_at is None
    listing = done.split("<h2>Keys</h2>", 1)[1]  # past the message that names the key
    folded = listing.split("<summary>Revoked and expired keys (1)</summary>", 1)
    assert len(folded) == 2
    assert "Old laptop" in folded[1]
    assert "Old laptop" not in folded[0]
    assert "Desk" in folded[0]
    assert "Desk" not in folded[1]
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
