"""The MCP key pages of the Django admin, in a real browser (Debian's Chromium through Playwright).

Database rows are made before the browser starts and checked after it stops: Playwright's sync API
runs an event loop in this thread, where Django refuses ORM calls.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path

import httpx2
import pytest
from django.utils import timezone
from playwright.sync_api import sync_playwright

from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.models import McpKey
from tests.e2e.chromium import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.conftest import give_password
from tests.e2e.people import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


def mcp_status(server: str, key: str) -> int:
    headers = {
        "X-MCP-API-Key": key,
        "accept": "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
    }
    return httpx2.post(f"{server}/mcp", json=LIST_TOOLS, headers=headers, timeout=10).status_code


@pytest.fixture
def ops(db):
    return give_password(UserFactory(email="ops@alloy.test", is_staff=True, is_superuser=True))


def test_create_a_key_see_it_once_use_it_and_revoke_it(server, ops, workspace, tmp_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(f"{server}/admin/login/")
        page.fill("#id_username", "ops@alloy.test")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"{server}/admin/mcp_gateway/mcpkey/add/")
        # The workspace field is an autocomplete (select2): open it, search, pick.
        page.click(".field-workspace .select2-selection")
        page.fill(".select2-search__field", "acme")
        page.click(".select2-results__option >> text=acme")
        page.fill("#id_name", "Claude Desktop on Priya's laptop")
        page.click("input[name=_save]")
        page.wait_for_selector("#mcp-key")
        page.screenshot(path=str(tmp_path / "key-created.png"))
        key = page.input_value("#mcp-key")
        assert re.fullmatch(r"alloy_mcp_[A-Za-z0-9]{44}", key)
        assert "it will not be shown again" in page.content()
        assert f"--header X-MCP-API-Key:{key}" in page.content()
        assert mcp_status(server, key) == 200

        page.goto(f"{server}/admin/mcp_gateway/mcpkey/")
        assert key not in page.content()
        assert key[:18] in page.content()
        page.check("input[name=_selected_action]")
        page.select_option("select[name=action]", "revoke_keys")
        page.click("button[name=index]")
        page.wait_for_selector("text=Revoked 1 key(s)")
        assert mcp_status(server, key) == 401
        browser.close()
    assert McpKey.objects.get().revoked_at is not None
    assert McpKey.objects.get().created_by == ops
    assert Path(tmp_path / "key-created.png").stat().st_size > 0


@pytest.fixture
def long_named_keys(workspace):
    creator = UserFactory(email="someone.with.a.rather-long-address@engineering.example.com")
    for n in range(3):
        name = f"{n}-Claude-Desktop-on-the-build-machine-in-the-third-floor-lab-" + "x" * 60
        mcp_key_create(workspace=workspace, name=name[:100], created_by=creator, expires_in_days=30)
    # The widest dates the list shows ("Sept. 30, 2027, 11:59 p.m."), whatever the time of day the test runs at:
    # CI once ran it late in the evening, and dates that fit at 9 a.m. pushed Status past the edge.
    widest = datetime(timezone.now().year, 9, 30, 23, 59, tzinfo=timezone.get_current_timezone())
    McpKey.objects.update(created_at=widest - timedelta(days=365), last_used_at=widest - timedelta(days=365))
    McpKey.objects.update(expires_at=widest + timedelta(days=365))


def test_the_key_list_fits_at_1280_without_sideways_scrolling(server, ops, long_named_keys):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server}/admin/login/")
        page.fill("#id_username", "ops@alloy.test")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"{server}/admin/mcp_gateway/mcpkey/")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "admin-keys-1280.png"), full_page=True)
        results = page.locator(".results")
        assert results.evaluate("element => element.scrollWidth <= element.clientWidth"), "the list scrolls sideways"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        headers = page.locator("#result_list thead th").all_inner_texts()
        assert {"STATUS", "EXPIRES AT"} <= {header.strip().upper() for header in headers}
        browser.close()
