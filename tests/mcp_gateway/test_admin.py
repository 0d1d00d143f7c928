"""MCP keys in the Django admin: the key shown once on creation, revoke action, search and filters."""

import re

import pytest
from django.urls import reverse

from mcp_gateway.auth.resolve import InvalidCredential, principal_for_key
from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.models import McpKey
from mcp_gateway.policy.selectors import mcp_policy_of
from workspaces.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_creating_a_key_shows_it_once_and_stores_only_its_hash(staff_client, workspace):
    response = staff_client.post(
        reverse("admin:mcp_gateway_mcpkey_add"), {"workspace": workspace.pk, "name": "Claude Desktop"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r'value="(alloy_mcp_\w+)"', response.content.decode()).group(1)
    assert principal_for_key(key=key).workspace == workspace
    row = McpKey.objects.get()
    assert row.created_by.email == "ops@alloy.test"
    # Not shown again anywhere.
    page = staff_client.get(reverse("admin:mcp_gateway_mcpkey_change", args=[row.pk])).content.decode()
    assert key not in page
    assert row.prefix in page


def test_revoke_action(staff_client, workspace):
    created = mcp_key_create(workspace=workspace, name="Laptop")
    response = staff_client.post(
        reverse("admin:mcp_gateway_mcpkey_changelist"),
        {"action": "revoke_keys", "_selected_action": [created.record.pk]},
        follow=True,
    )
    assert "Revoked 1 key(s)" in response.content.decode()
    with pytest.raises(InvalidCredential):
        principal_for_key(key=created.key)


def test_search_and_status_filter(staff_client, workspace, other_workspace):
    mcp_key_create(workspace=workspace, name="Ours")
    theirs = mcp_key_create(workspace=other_workspace, name="Theirs")
    McpKey.objects.filter(pk=theirs.record.pk).update(revoked_at="2026-01-01T00:00:00Z")
    url = reverse("admin:mcp_gateway_mcpkey_changelist")
    found = staff_client.get(url, {"q": "globex"}).content.decode()
    assert "Theirs" in found
    assert "Ours" not in found
    active = staff_client.get(url, {"status": "active"}).content.decode()
    assert "Ours" in active
    assert "Theirs" not in active


def test_deleting_a_key_in_the_admin_stops_it(staff_client, workspace):
    created = mcp_key_create(workspace=workspace, name="Laptop")
    staff_client.post(reverse("admin:mcp_gateway_mcpkey_delete", args=[created.record.pk]), {"post": "yes"})
    with pytest.raises(InvalidCredential):
        principal_for_key(key=created.key)


def test_reloading_the_created_page_does_not_create_a_second_key(staff_client, workspace):
    """The page showing a new key answers the POST that made it; a reload sends that form again."""
    form = staff_client.get(reverse("admin:mcp_gateway_mcpkey_add")).content.decode()
    form_id = re.search(r'name="form_id" value="([^"]+)"', form).group(1)
    sent = {"workspace": workspace.pk, "name": "Claude Desktop", "form_id": form_id}
    first = staff_client.post(reverse("admin:mcp_gateway_mcpkey_add"), sent)
    assert "alloy_mcp_" in first.content.decode()
    again = staff_client.post(reverse("admin:mcp_gateway_mcpkey_add"), sent)
    assert again.status_code == 200
    assert "This form already created a key" in again.content.decode()
    assert "alloy_mcp_" not in again.content.decode()
    assert McpKey.objects.count() == 1
    # The form opened again creates a new key.
    form = staff_client.get(reverse("admin:mcp_gateway_mcpkey_add")).content.decode()
    form_id = re.search(r'name="form_id" value="([^"]+)"', form).group(1)
    staff_client.post(reverse("admin:mcp_gateway_mcpkey_add"), sent | {"form_id": form_id, "name": "Other"})
    assert McpKey.objects.count() == 2


def test_the_admin_refuses_a_second_live_key_of_the_same_name_on_its_form(staff_client, workspace):
    mcp_key_create(workspace=workspace, name="Claude Desktop")
    response = staff_client.post(
        reverse("admin:mcp_gateway_mcpkey_add"), {"workspace": workspace.pk, "name": " claude desktop "}
    )
    assert response.status_code == 200
    assert "already has a key named" in response.content.decode()
    assert McpKey.objects.count() == 1


@pytest.mark.django_db
def test_the_admin_lists_what_alloy_uses_and_not_what_it_never_does(staff_client):
    index = staff_client.get("/admin/").content.decode()
    assert "MCP policies" in index
    assert "Audit events" in index
    assert "OAuth ID tokens" not in index  # Alloy issues no ID tokens
    assert "Groups" not in index  # roles are memberships


@pytest.mark.django_db
def test_a_policy_saved_in_the_admin_goes_through_the_service(staff_client, workspace):
    form = {
        "workspace": workspace.pk,
        "enabled": "on",
        "accept_keys": "on",
        "oauth_apps": "[]",
        "max_key_lifetime_days": "",
        "tools": '["get_session"]',
    }
    refused = staff_client.post("/admin/mcp_gateway/mcppolicy/add/", {**form, "key_networks": '["10.0.0.0/33"]'})
    assert refused.status_code == 200  # the form again, saying why
    assert "is not a network" in refused.content.decode()
    saved = staff_client.post("/admin/mcp_gateway/mcppolicy/add/", {**form, "key_networks": "[]"})
    assert saved.status_code == 302
    policy = mcp_policy_of(workspace=workspace)
    assert (policy.accept_oauth, policy.tools, policy.revision) == (False, frozenset({"get_session"}), 1)
    assert AuditEvent.objects.get().action == "policy.changed"
