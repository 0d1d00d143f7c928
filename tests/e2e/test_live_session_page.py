"""A running session's page, open in Chromium, follows what the product writes — through another server process
than the one serving the page (the announcement goes through PostgreSQL): new messages join the chat, a
recorded file shows in the files pane, the counts and the status stay true, with no reload. The page passes axe
while it is live, and fits at 390 px."""

import httpx2
import pytest
from playwright.sync_api import expect, sync_playwright

from ingest.keys import ingest_key_create
from tests.e2e.chromium import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, accessibility_violations, horizontal_overflow
from tests.e2e.conftest import give_password, start_server, stop_server
from tests.e2e.people import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SESSION_ID = "live-page-session-01"
# Generous for CI's two cores: the delay itself is measured by `make bench` (scripts/benchmark.py).
BOUND_MS = 10_000


@pytest.fixture
def writer(workspace, owner, tmp_path, static_root):
    """An API client of a second server process, with an ingestion key of the workspace."""
    give_password(owner)
    key = ingest_key_create(workspace=workspace, name="builder-api", created_by=owner).key
    process, base_url = start_server(tmp_path / "writer.log", workers=1, STATIC_ROOT=str(static_root))
    with httpx2.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        yield client
    stop_server(process)


def said(index: int) -> dict:
    return {
        "index": index,
        "role": "user" if index % 2 == 0 else "assistant",
        "content": f"Live message number {index}",
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_follows_messages_files_and_status_without_a_reload(server, writer, width):
    sessions = "/api/v1/workspaces/acme/sessions/"
    assert writer.post(sessions, json={"id": SESSION_ID, "kind": "dev", "title": "Live work"}).status_code == 201
    writer.post(f"{sessions}{SESSION_ID}/messages/", json={"messages": [said(0)]})
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, base_url=server, bypass_csp=True)
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto("/login/")
        page.get_by_label("Email").fill("owner@acme.test")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server}/")
        page.goto(f"/acme/p/dev/{SESSION_ID}")
        expect(page.get_by_role("status").filter(has_text="Live:")).to_be_visible()
        expect(page.locator("#m0")).to_contain_text("Live message number 0")
        page.evaluate("window.sameDocument = true")

        for index in range(1, 4):
            writer.post(f"{sessions}{SESSION_ID}/messages/", json={"messages": [said(index)]})
            expect(page.locator(f"#m{index}")).to_contain_text(f"Live message number {index}", timeout=BOUND_MS)
        expect(page.locator("[data-message-count]")).to_have_text("4 messages")
        assert page.locator(".chat li.message").count() == 4  # each once

        files = {"files": [{"path": "api/limits.py", "before": "LIMIT = 60\n", "after": "LIMIT = 120\n"}]}
        assert writer.put(f"{sessions}{SESSION_ID}/files/", json=files).status_code == 200
        expect(page.locator("#files-pane")).to_contain_text("api/limits.py", timeout=BOUND_MS)
        expect(page.locator("[data-file-count]")).to_have_text("1 file")

        assert horizontal_overflow(page) == 0
        assert accessibility_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / f"live-session-{width}.png"), full_page=True)

        writer.patch(f"{sessions}{SESSION_ID}/", json={"status": "completed"})
        expect(page.locator("[data-status]")).to_have_text("Completed", timeout=BOUND_MS)
        expect(page.get_by_role("status").filter(has_text="stopped running")).to_be_visible()
        assert page.evaluate("window.sameDocument")  # all of it without a reload
        browser.close()
    assert errors == []
