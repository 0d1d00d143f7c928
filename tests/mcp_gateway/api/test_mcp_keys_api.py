"""/api/v1/workspaces/<slug>/mcp-keys/: list (members), create and delete (owners and admins), 404 for outsiders."""

import pytest
from django.test import Client

from mcp_gateway.auth.resolve import InvalidCredential, principal_for_key
from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.models import McpKey
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/workspaces/acme/mcp-keys/"


@pytest.fixture
def existing(workspace, owner):
    return mcp_key_create(workspace=workspace, name="Laptop", created_by=owner)


def test_owner_creates_a_key_shown_once(owner, workspace, settings):
    response = signed_in(owner).post(URL, {"name": "Claude Desktop"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert principal_for_key(key=body["key"]).workspace == workspace
    assert body["mcp_url"] == f"{settings.ALLOY_PUBLIC_URL}/mcp"
    assert body["prefix"] == body["key"][:18]
    assert "no-store" in response["Cache-Control"]
    listed = signed_in(owner).get(URL).json()
    assert [key["name"] for key in listed] == ["Claude Desktop"]
    assert "key" not in listed[0]


def test_member_lists_but_cannot_create_or_delete(member, existing):
    client = signed_in(member)
    assert [key["prefix"] for key in client.get(URL).json()] == [existing.record.prefix]
    refused = client.post(URL, {"name": "mine"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only owners and admins of acme can create MCP keys."
    assert client.delete(f"{URL}{existing.record.pk}/").status_code == 403
    assert McpKey.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404_like_a_missing_workspace(outsider, existing, method):
    client = signed_in(outsider)
    theirs = getattr(client, method)(URL, {"name": "x"}, content_type="application/json")
    nobodys = getattr(client, method)(URL.replace("acme", "nope"), {"name": "x"}, content_type="application/json")
    assert theirs.status_code == nobodys.status_code == 404
    assert theirs.json()["detail"] == "No workspace acme."


def test_delete_stops_the_key(owner, existing):
    assert signed_in(owner).delete(f"{URL}{existing.record.pk}/").status_code == 204
    with pytest.raises(InvalidCredential):
        principal_for_key(key=existing.key)
    assert signed_in(owner).delete(f"{URL}{existing.record.pk}/").status_code == 404


def test_a_key_of_another_workspace_cannot_be_deleted_through_this_one(owner, other_workspace):
    theirs = mcp_key_create(workspace=other_workspace, name="Theirs")
    assert signed_in(owner).delete(f"{URL}{theirs.record.pk}/").status_code == 404
    assert McpKey.objects.filter(pk=theirs.record.pk).exists()


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 101}, {"name": "   "}])
def test_bad_names_are_400_with_a_message(owner, body):
    response = signed_in(owner).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert "name" in response.json()
    assert not McpKey.objects.exists()


def test_a_body_nested_too_deeply_is_400_with_a_message(owner):
    response = signed_in(owner).post(URL, "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
    assert not McpKey.objects.exists()


def test_signed_out_is_refused(existing):
    assert Client().get(URL).status_code == 403


def test_csrf_is_enforced_for_session_writes(owner):
    response = signed_in(owner, csrf=True).post(URL, {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
