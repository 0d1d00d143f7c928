"""Settings → MCP policy: members read it, owners and admins change it (the same service as the API), outsiders
get 404; a refused change says why and keeps what was typed. And the keys page follows the policy's lifetime cap."""

import pytest

from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.policy.rules import ALL_TOOLS
from mcp_gateway.policy.selectors import mcp_policy_of, policy_fields
from mcp_gateway.policy.services import mcp_policy_update
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

URL = "/acme/settings/mcp/policy/"


def form(**overrides):
    fields = {"enabled": "on", "credentials": ["keys", "oauth"], "oauth_apps": "", "max_key_lifetime_days": ""}
    return {**fields, "tools": list(ALL_TOOLS), "key_networks": "", **overrides}


def test_an_owner_changes_the_policy_from_the_page(owner, workspace):
    client = signed_in(owner)
    assert client.get(URL).status_code == 200
    response = client.post(
        URL,
        form(
            credentials=["keys"],
            oauth_apps="claude.ai\n\n",
            max_key_lifetime_days="30",
            tools=["get_session", "get_chat_history"],
            key_networks="10.0.0.0/8\n192.168.1.0/24",
        ),
    )
    assert response.status_code == 302
    assert policy_fields(mcp_policy_of(workspace=workspace)) == {
        "enabled": True,
        "credentials": ["keys"],
        "oauth_apps": ["claude.ai"],
        "max_key_lifetime_days": 30,
        "tools": ["get_session", "get_chat_history"],
        "key_networks": ["10.0.0.0/8", "192.168.1.0/24"],
        "revision": 1,
    }
    page = client.get(URL).content.decode()
    assert "Saved the MCP policy" in page
    assert 'value="get_chat_history" checked' in page
    assert 'value="get_file_diff" checked' not in page


def test_every_tool_ticked_means_all_tools_and_unticking_mcp_turns_it_off(owner, workspace):
    signed_in(owner).post(URL, form(enabled=""))
    policy = mcp_policy_of(workspace=workspace)
    assert policy.enabled is False
    assert policy.tools is None  # a tool added to Alloy later is on


def test_a_refused_change_says_why_and_keeps_what_was_typed(owner, workspace):
    response = signed_in(owner).post(URL, form(key_networks="10.0.0.0/8\nnot-a-network", oauth_apps="claude.ai"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "&#x27;not-a-network&#x27; is not a network" in page
    assert "10.0.0.0/8\nnot-a-network</textarea>" in page
    assert "claude.ai</textarea>" in page
    assert mcp_policy_of(workspace=workspace).revision == 0  # nothing written


def test_a_member_reads_it_and_cannot_change_it_and_an_outsider_gets_404(member, outsider, workspace):
    mcp_policy_update(workspace=workspace, changes={"tools": ["get_session"]}, by=None)
    page = signed_in(member).get(URL)
    assert page.status_code == 200
    assert "<dd>get_session</dd>" in page.content.decode()
    assert "Only owners and admins change the policy." in page.content.decode()
    assert signed_in(member).post(URL, form(enabled="")).status_code == 403
    assert mcp_policy_of(workspace=workspace).enabled is True
    assert signed_in(outsider).get(URL).status_code == 404


def test_the_keys_page_offers_only_lifetimes_within_the_cap(owner, workspace):
    mcp_policy_update(workspace=workspace, changes={"max_key_lifetime_days": 60}, by=None)
    page = signed_in(owner).get("/acme/settings/mcp/").content.decode()
    assert '<option value="30"' in page
    assert '<option value="60" selected' in page
    assert '<option value="90"' not in page
    assert "never</option>" not in page
    refused = signed_in(owner).post("/acme/settings/mcp/", {"name": "Laptop", "expires_in_days": "365"})
    assert "may live at most 60 days" in refused.content.decode()


def test_a_refused_key_form_keeps_the_name_and_lifetime_typed(owner, workspace):
    mcp_key_create(workspace=workspace, name="Laptop", created_by=owner)
    refused = signed_in(owner).post("/acme/settings/mcp/", {"name": "Laptop", "expires_in_days": "365"})
    page = refused.content.decode()
    assert "already has a key named" in page
    assert 'value="Laptop"' in page
    assert '<option value="365" selected' in page
