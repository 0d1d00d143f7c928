"""The workspace audit trail: every change to keys, apps, members and the MCP policy — who, when, what, before →
after — on its settings section and in the API (owners and admins), exported by `export_audit_trail`, pruned
with the activity log; members get 403, outsiders 404."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from mcp_gateway.models import McpKey
from tests.factories import OAuthApplicationFactory, make_access_token, signed_in
from workspaces.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = "/acme/settings/audit-trail/"
API = "/api/v1/workspaces/acme/audit-trail/"


@pytest.fixture
def changes(owner, workspace, settings):
    """One of each change, made as an owner makes them: the page, the API."""
    client = signed_in(owner)
    client.post("/acme/settings/mcp/", {"name": "Laptop", "expires_in_days": "30"})
    key = McpKey.objects.get()
    client.post(f"/acme/settings/mcp/{key.pk}/revoke/")
    client.delete(f"/api/v1/workspaces/acme/mcp-keys/{key.pk}/")
    app = OAuthApplicationFactory()
    make_access_token(user=owner, application=app, workspace=workspace, settings=settings)
    client.post(f"/api/v1/workspaces/acme/connected-apps/{app.client_id}/revoke/")
    client.patch("/api/v1/workspaces/acme/mcp-policy/", {"tools": ["get_session"]}, content_type="application/json")
    return key


def test_every_change_is_recorded_with_who_what_and_before_after(owner, changes):
    events = [(event.action, event.actor_label, event.change) for event in AuditEvent.objects.order_by("id")]
    assert [action for action, _, _ in events] == [
        "key.created",
        "key.revoked",
        "key.deleted",
        "app.revoked",
        "policy.changed",
    ]
    assert {actor for _, actor, _ in events} == {"owner@acme.test"}
    assert events[1][2] == "status: active → revoked"
    assert events[2][2] == "status: revoked → none"
    assert events[4][2].startswith("tools: none → get_session")  # null (all tools) to one
    assert AuditEvent.objects.get(action="key.created").target == "Laptop (" + changes.prefix + "…)"


def test_the_page_and_the_api_show_them_newest_first_to_owners_and_admins(owner, member, outsider, changes):
    page = signed_in(owner).get(PAGE).content.decode()
    assert page.index("MCP policy changed") < page.index("MCP key created")
    listed = signed_in(owner).get(API).json()
    assert listed["results"][0]["action"] == "policy.changed"
    assert listed["results"][0]["after"] == {"tools": ["get_session"]}
    assert listed["next_before"] is None
    assert signed_in(member).get(PAGE).status_code == 403
    assert signed_in(member).get(API).status_code == 403
    assert signed_in(outsider).get(PAGE).status_code == 404
    assert signed_in(outsider).get(API).status_code == 404
    assert signed_in(owner).get(API, {"before": "x"}).status_code == 400
    assert signed_in(owner).get(PAGE, {"before": "1e9"}).status_code == 400


def test_pages_go_back_by_id(owner, changes):
    newest = signed_in(owner).get(API).json()["results"][0]["id"]
    older = signed_in(owner).get(API, {"before": newest}).json()
    assert [event["action"] for event in older["results"]] == [
        "app.revoked",
        "key.deleted",
        "key.revoked",
        "key.created",
    ]


def test_export_and_prune(owner, changes):
    out = io.StringIO()
    call_command("export_audit_trail", "acme", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["action"] for line in lines] == [
        "key.created",
        "key.revoked",
        "key.deleted",
        "app.revoked",
        "policy.changed",
    ]
    assert set(lines[0]) == {"id", "at", "workspace", "actor", "action", "target", "before", "after"}
    assert lines[0]["workspace"] == "acme"
    AuditEvent.objects.filter(action="key.created").update(at=timezone.now() - timedelta(days=400))
    pruned = io.StringIO()
    call_command("prune_mcp_activity", "--days", "90", stdout=pruned)
    assert "and 1 audit event(s) older than 90 days" in pruned.getvalue()
    assert not AuditEvent.objects.filter(action="key.created").exists()


def test_export_refuses_a_day_it_cannot_read(workspace):
    with pytest.raises(CommandError, match="--since takes a day as YYYY-MM-DD, not '12/07/2026'"):
        call_command("export_audit_trail", "acme", "--since", "12/07/2026", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No workspace 'nope'"):
        call_command("export_audit_trail", "nope", stdout=io.StringIO())


def test_an_operators_command_is_named_as_such(workspace, owner):
    call_command("mcp_policy", "--workspace", "acme", "--set", "enabled=false", stdout=io.StringIO())
    event = AuditEvent.objects.get()
    assert event.actor_label == "an operator (manage.py)"
    assert event.change == "enabled: on → off"
