"""Keys that expire: created for 30, 90 or 365 days or never, from the page, the API, the admin
and the command; an expired key gets a 401 that says it expired and when; lists show every key's status."""

import datetime as dt
import io

import anyio
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from mcp_gateway.keys.services import InvalidKeyRequest, lifetime_from_text, mcp_key_create, mcp_key_revoke
from mcp_gateway.models import McpKey
from mcp_gateway.protocol.workers import run_in_worker
from tests.factories import signed_in

HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-06-18"}
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


def expire(key: McpKey, *, ago: dt.timedelta = dt.timedelta(seconds=1)) -> None:
    McpKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - ago)


@pytest.mark.django_db
@pytest.mark.parametrize("days", [30, 90, 365])
def test_a_key_expires_after_the_days_chosen(workspace, days):
    before = timezone.now()
    record = mcp_key_create(workspace=workspace, name="laptop", expires_in_days=days).record
    assert before + dt.timedelta(days=days) <= record.expires_at <= timezone.now() + dt.timedelta(days=days)
    assert record.status == "active"


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 7, 1000, -30])
def test_other_lifetimes_are_refused(workspace, days):
    with pytest.raises(InvalidKeyRequest, match="expires after 30, 90, 365 days, or never"):
        mcp_key_create(workspace=workspace, name="laptop", expires_in_days=days)
    assert not McpKey.objects.exists()


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_an_expired_key_gets_a_401_that_says_when(http, workspace):
    created = await _create(workspace)
    await run_in_worker(expire, created.record, ago=dt.timedelta(days=2))
    async with http(**HEADERS, **{"X-MCP-API-Key": created.key}) as client:
        response = await client.post("/mcp", json=LIST_TOOLS)
    assert response.status_code == 401
    expired_on = (timezone.now() - dt.timedelta(days=2)).strftime("%Y-%m-%d")
    assert f"This MCP key expired on {expired_on}" in response.json()["error_description"]
    assert "expired" in response.headers["www-authenticate"]


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_a_key_that_expires_while_cached_is_refused_on_its_next_call(http, workspace, prototype):
    created = await _create(workspace)
    await run_in_worker(expire, created.record, ago=-dt.timedelta(seconds=1.5))  # expires 1.5 s from now
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get_session", "arguments": {}}}
    call["params"]["arguments"]["session"] = prototype.public_id
    async with http(**HEADERS, **{"X-MCP-API-Key": created.key}) as client:
        assert (await client.post("/mcp", json=call)).status_code == 200  # now in the process's cache
        await anyio.sleep(1.6)
        refused = await client.post("/mcp", json=call)
        refused_without_tool = await client.post("/mcp", json=LIST_TOOLS)
    assert refused.status_code == 401
    assert "expired on" in refused.json()["error_description"]
    assert refused_without_tool.status_code == 401


async def _create(workspace):
    return await run_in_worker(mcp_key_create, workspace=workspace, name="expiring", expires_in_days=30)


@pytest.mark.django_db
def test_the_settings_page_creates_with_an_expiry_and_lists_every_status(client, owner, workspace):
    client.force_login(owner)
    revoked = mcp_key_create(workspace=workspace, name="old laptop").record
    mcp_key_revoke(key=revoked, by=None)
    expired = mcp_key_create(workspace=workspace, name="ci runner", expires_in_days=30).record
    expire(expired)
    response = client.post(f"/{workspace.slug}/settings/mcp/", {"name": "desk", "expires_in_days": "365"})
    assert response.status_code == 200
    created = McpKey.objects.get(name="desk")
    assert created.expires_at.date() == (timezone.now() + dt.timedelta(days=365)).date()
    page = response.content.decode()
    for name, status in (("old laptop", "revoked"), ("ci runner", "expired"), ("desk", "active")):
        assert name in page
        assert f'status-{status}">{status}<' in page
    assert '<option value="90" selected>' in client.get(f"/{workspace.slug}/settings/mcp/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["7", "abc", "\uff19\uff10"])  # the last is a fullwidth "90"
def test_the_settings_page_refuses_other_expiries(client, owner, workspace, value):
    client.force_login(owner)
    response = client.post(f"/{workspace.slug}/settings/mcp/", {"name": "desk", "expires_in_days": value})
    assert response.status_code == 400
    assert "expires" in response.content.decode()
    assert not McpKey.objects.exists()


@pytest.mark.django_db
def test_the_settings_page_creates_a_key_that_never_expires(client, owner, workspace):
    client.force_login(owner)
    client.post(f"/{workspace.slug}/settings/mcp/", {"name": "desk", "expires_in_days": ""})
    assert McpKey.objects.get().expires_at is None


@pytest.mark.django_db
def test_the_api_creates_with_an_expiry_and_lists_status(client, owner, workspace):
    client.force_login(owner)
    url = f"/api/v1/workspaces/{workspace.slug}/mcp-keys/"
    created = client.post(url, {"name": "api", "expires_in_days": 30}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "active"
    assert created.json()["expires_at"] is not None
    refused = client.post(url, {"name": "api", "expires_in_days": 45}, content_type="application/json")
    assert refused.status_code == 400
    assert "expires_in_days" in refused.json()
    expire(McpKey.objects.get())
    assert [key["status"] for key in client.get(url).json()] == ["expired"]


@pytest.mark.django_db
def test_the_command_creates_with_an_expiry(workspace):
    out = io.StringIO()
    call_command("create_mcp_key", workspace.slug, "--name", "cron", "--expires-in", "90", stdout=out)
    assert McpKey.objects.get().expires_at.date() == (timezone.now() + dt.timedelta(days=90)).date()
    with pytest.raises(CommandError):
        call_command("create_mcp_key", workspace.slug, "--name", "cron", "--expires-in", "45")
    listing = io.StringIO()
    expire(McpKey.objects.get())
    call_command("list_mcp_keys", workspace.slug, stdout=listing)
    assert "expired" in listing.getvalue()


@pytest.mark.django_db
def test_the_admin_creates_with_an_expiry(staff_client, workspace):
    response = staff_client.post(
        "/admin/mcp_gateway/mcpkey/add/", {"workspace": workspace.pk, "name": "from admin", "expires_in_days": "30"}
    )
    assert response.status_code == 200
    assert McpKey.objects.get().expires_at is not None
    expire(McpKey.objects.get())
    assert "from admin" in staff_client.get("/admin/mcp_gateway/mcpkey/?status=expired").content.decode()
    assert "from admin" not in staff_client.get("/admin/mcp_gateway/mcpkey/?status=active").content.decode()


@pytest.mark.parametrize(("text", "days"), [("", None), ("never", None), ("30", 30), ("365", 365)])
def test_a_lifetime_as_forms_and_commands_give_it(text, days):
    assert lifetime_from_text(text) == days


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["7", "²", "90 ", "-30", "forever", "123456"])
def test_a_lifetime_not_offered_says_which_are(workspace, text):
    # Not a number at all: refused as it is read; a number of days the workspace does not offer: when the key
    # is made (its MCP policy may offer a lifetime of its own, tests/mcp_gateway/api/test_mcp_policy_api.py).
    with pytest.raises(InvalidKeyRequest, match="expires after 30, 90, 365 days, or never"):
        mcp_key_create(workspace=workspace, name="laptop", expires_in_days=lifetime_from_text(text))


@pytest.mark.django_db
def test_every_way_of_creating_a_key_offers_the_same_default_lifetime(staff_client, owner, workspace):
    """The settings page, the admin, the API and the command all default to 90 days (they used to differ:
    never in the command and the admin)."""
    expected = (timezone.now() + dt.timedelta(days=McpKey.DEFAULT_LIFETIME_DAYS)).date()
    client = signed_in(owner)
    page = client.get(f"/{workspace.slug}/settings/mcp/").content.decode()
    assert f'<option value="{McpKey.DEFAULT_LIFETIME_DAYS}" selected>' in page
    admin_form = staff_client.get("/admin/mcp_gateway/mcpkey/add/").content.decode()
    assert f'<option value="{McpKey.DEFAULT_LIFETIME_DAYS}" selected>' in admin_form
    url = f"/api/v1/workspaces/{workspace.slug}/mcp-keys/"
    assert client.post(url, {"name": "api"}, content_type="application/json").status_code == 201
    call_command("create_mcp_key", workspace.slug, "--name", "cron", stdout=io.StringIO())
    assert [key.expires_at.date() for key in McpKey.objects.order_by("name")] == [expected, expected]
    # Never, when asked for.
    client.post(url, {"name": "forever", "expires_in_days": None}, content_type="application/json")
    assert McpKey.objects.get(name="forever").expires_at is None
