"""The workspace settings pages in a real browser (Debian's Chromium via Playwright) against the server.

Rows are made before the browser starts: Playwright's sync API runs an event loop in this thread, where
Django refuses ORM calls. Each test saves a screenshot under test-artifacts/.
"""

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from django.utils import timezone
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from playwright.sync_api import Page, expect, sync_playwright

from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.models import McpCall
from tests.e2e.chromium import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.conftest import give_password
from tests.e2e.people import PASSWORD
from tests.factories import (
    MembershipFactory,
    MessageFactory,
    OAuthApplicationFactory,
    UserFactory,
    make_access_token,
    pasted_link,
)

pytestmark = pytest.mark.django_db(transaction=True)


def mcp_status(server: str, headers: dict[str, str]) -> int:
    headers = {**headers, "accept": "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25"}
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    return httpx2.post(f"{server}/mcp", json=body, headers=headers, timeout=10).status_code


async def title_through_mcp(server: str, key: str, session: str) -> str:
    async with (
        httpx2.AsyncClient(headers={"X-MCP-API-Key": key}, timeout=30) as http,
        Client(streamable_http_client(f"{server}/mcp", http_client=http)) as client,
    ):
        return (await client.call_tool("get_session", {"session": session})).structured_content["title"]


def browse(test):
    def run(server: str, email: str, screenshot: str, *args):
        ARTIFACTS.mkdir(exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.goto(f"{server}/login/")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{server}/")
            try:
                return test(page, server, *args)
            finally:
                page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
                browser.close()

    return run


@browse
def create_use_and_delete_a_key(page: Page, server: str, session_link: str) -> None:
    page.goto(f"{server}/acme/settings/mcp/")
    page.get_by_label("Name of a new key").fill("Claude Desktop")
    page.get_by_role("button", name="Create key").click()
    key = page.get_by_label("New MCP key").input_value()
    assert re.fullmatch(r"alloy_mcp_\w{44}", key)
    assert f"X-MCP-API-Key:{key}" in page.locator("#desktop-config").inner_text()
    page.reload()
    assert key not in page.content()
    assert key[:18] in page.content()
    # Playwright's loop runs in this thread: the SDK client gets a thread of its own.
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(asyncio.run, title_through_mcp(server, key, session_link)).result() == "Todo app"
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete key").click()
    assert "it no longer works" in page.get_by_role("status").inner_text()
    assert mcp_status(server, {"X-MCP-API-Key": key}) == 401


def test_owner_creates_sees_once_uses_and_deletes_a_key(server, person, prototype):
    browse_as = create_use_and_delete_a_key
    browse_as(server, "owner@acme.test", "settings-mcp-owner.png", pasted_link(prototype))


@browse
def read_only_mcp_page(page: Page, server: str) -> None:
    page.goto(f"{server}/acme/settings/mcp/")
    assert page.get_by_role("heading", name="MCP", exact=True).is_visible()
    assert page.get_by_role("button", name="Create key").count() == 0
    assert "Only owners and admins" in page.content()


@pytest.fixture
def member_person(member):
    return give_password(member)


def test_a_member_sees_the_mcp_page_read_only(server, member_person):
    read_only_mcp_page(server, "member@acme.test", "settings-mcp-member.png")


@browse
def outsider_visits(page: Page, server: str) -> None:
    response = page.goto(f"{server}/acme/settings/mcp/")
    assert response.status == 404


@pytest.fixture
def outsider_person(outsider):
    return give_password(outsider)


def test_an_outsider_gets_404(server, workspace, outsider_person):
    outsider_visits(server, "outsider@globex.test", "settings-mcp-outsider.png")


@pytest.fixture
def connected_claude(member, workspace, settings, server):
    app = OAuthApplicationFactory()
    settings.ALLOY_MCP_RESOURCE = f"{server}/mcp"  # the resource the server process checks tokens for
    return make_access_token(user=member, application=app, workspace=workspace, settings=settings)


@browse
def revoke_connected_app(page: Page, server: str, token: str) -> None:
    assert mcp_status(server, {"Authorization": f"Bearer {token}"}) == 200
    page.goto(f"{server}/acme/settings/connected-apps/")
    assert "member@acme.test" in page.content()
    page.get_by_role("link", name="Revoke").click()
    page.get_by_role("button", name="Revoke").click()
    assert "no longer work" in page.get_by_role("status").inner_text()
    assert mcp_status(server, {"Authorization": f"Bearer {token}"}) == 401


def test_revoking_a_connected_app_ends_its_token(server, person, connected_claude):
    revoke_connected_app(server, "owner@acme.test", "settings-connected-apps.png", connected_claude)


@browse
def open_dev_session(page: Page, server: str, dev_link: str, key: str) -> None:
    page.goto(dev_link)
    assert page.get_by_role("heading", name="Add rate limits").is_visible()
    assert page.locator(".message").first.inner_text().count("Please add limits") == 1
    removed = page.locator(".diff tr.removed").first  # a deletion, numbered and highlighted
    expect(removed.locator("td.num").first).to_have_text("2")
    expect(removed.locator(".k")).to_have_text("pass")
    button = page.get_by_role("button", name="Copy link")
    assert button.get_attribute("aria-live") == "polite"  # the feedback is announced
    button.click()
    expect(page.locator("#copy-link")).to_have_text("Copied")
    expect(page.locator("#copy-link")).to_have_text("Copy link", timeout=5000)  # and resets
    copied = page.get_by_label("Session link").input_value()
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(asyncio.run, title_through_mcp(server, key, copied)).result() == "Add rate limits"


@pytest.fixture
def dev_with_chat(dev):
    MessageFactory(session=dev, index=0, role="user", author="Olive", content="Please add limits")
    return dev


def test_a_dev_session_page_and_its_copy_link(server, person, dev_with_chat, workspace):
    key = mcp_key_create(workspace=workspace, name="e2e").key
    link = f"{server}/acme/p/dev/{dev_with_chat.public_id}"
    open_dev_session(server, "owner@acme.test", "session-dev-page.png", link, key)


@browse
def manage_members_and_read_the_trail(page: Page, server: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server}/acme/settings/members/")
    page.get_by_label("Email of their Alloy account").fill("dana@example.com")
    page.get_by_label("Role", exact=True).select_option("member")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("status")).to_contain_text("Added dana@example.com as member.")
    page.get_by_label("Role of dana@example.com").select_option("admin")
    page.locator("tr", has_text="dana@example.com").get_by_role("button", name="Change").click()
    expect(page.get_by_role("status")).to_contain_text("dana@example.com is now admin.")
    page.locator("tr", has_text="dana@example.com").get_by_text("Remove…").click()
    page.get_by_role("button", name="Remove dana@example.com").click()
    expect(page.get_by_role("status")).to_contain_text("Removed dana@example.com")
    assert page.locator("tr", has_text="dana@example.com").count() == 0
    page.goto(f"{server}/acme/settings/audit-trail/")
    rows = page.locator("table.audit tbody tr")
    expect(rows).to_have_count(3)
    assert [rows.nth(index).locator("td").nth(3).inner_text() for index in range(3)] == [
        "role: admin → none",
        "role: member → admin",
        "role: none → member",
    ]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def dana():
    return give_password(UserFactory(email="dana@example.com", name="Dana Reyes"))


@pytest.mark.parametrize("width", [1280, 1440, 1920])
def test_an_owner_adds_promotes_and_removes_a_member_and_the_audit_trail_shows_it(server, person, dana, width):
    manage_members_and_read_the_trail(server, "owner@acme.test", f"settings-members-{width}.png", width)


@browse
def keys_table_fits(page: Page, server: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server}/acme/settings/mcp/")
    box = page.locator(".table-box").first
    assert box.evaluate("element => element.scrollWidth <= element.clientWidth"), "the keys table scrolls sideways"
    edge = box.bounding_box()
    actions = box.locator("button, a")
    assert actions.count() >= 6  # Revoke, Delete and Its calls for each of two keys
    for index in range(actions.count()):
        found = actions.nth(index).bounding_box()
        assert found["x"] >= edge["x"] - 1, actions.nth(index).inner_text()
        assert found["x"] + found["width"] <= edge["x"] + edge["width"] + 1, actions.nth(index).inner_text()
    # The creator's email on one line, whole or cut with an ellipsis, never broken mid-word.
    emails = box.locator("small.email")
    for index in range(emails.count()):
        assert emails.nth(index).evaluate("element => element.getClientRects().length") == 1


@pytest.fixture
def long_keys(workspace):
    creator = UserFactory(email="someone.with.a.rather-long-address@engineering.example.com")
    MembershipFactory(user=creator, workspace=workspace, role="admin")
    for n in range(2):
        mcp_key_create(workspace=workspace, name=f"{n}-{LONG_NAME}"[:100], created_by=creator)


LONG_NAME = "Claude-Desktop-on-the-build-machine-in-the-third-floor-lab-" + "x" * 60


@pytest.mark.parametrize("width", [1280, 1440, 1920])
def test_every_action_of_the_keys_table_is_inside_its_box_at_desktop_widths(server, person, long_keys, width):
    keys_table_fits(server, "owner@acme.test", f"settings-keys-{width}.png", width)


@pytest.fixture
def long_calls(workspace, owner, prototype):
    key = mcp_key_create(workspace=workspace, name=LONG_NAME[:100], created_by=owner).record
    long_reason = "No file at src/components/" + "deeply/nested/" * 12 + "Widget.tsx in this session; " * 3
    for n in range(6):
        McpCall.objects.create(
            at=timezone.now(),
            workspace=workspace,
            mcp_key=key,
            user=owner,
            credential=str(key),
            tool="get_file_content",
            session_id=prototype.public_id,
            outcome="error" if n % 2 else "ok",
            reason=long_reason if n % 2 else "",
            duration_ms=12.5,
        )


@browse
def activity_rows_are_compact(page: Page, server: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server}/acme/settings/mcp/activity/")
    rows = page.locator("table.activity tbody tr")
    assert rows.count() == 6
    for index in range(rows.count()):
        # At most two lines: the tallest cell's height against its own line height (plus its padding).
        tallest = rows.nth(index).evaluate(
            """row => Math.max(...[...row.cells].map(cell => {
                const style = getComputedStyle(cell);
                const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
                const line = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);  // "normal"
                return (cell.getBoundingClientRect().height - padding) / line;
            }))"""
        )
        assert tallest <= 2.05, f"row {index} is {tallest:.1f} lines"


@pytest.mark.parametrize("width", [1280, 1440, 1920])
def test_the_activity_pages_rows_are_at_most_two_lines_at_desktop_widths(server, person, long_calls, width):
    activity_rows_are_compact(server, "owner@acme.test", f"settings-activity-{width}.png", width)
