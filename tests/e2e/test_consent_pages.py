"""Sign-in and consent pages in a real browser (Debian's Chromium via Playwright): Allow and Deny.

Rows are made before the browser starts: Playwright's sync API runs an event loop in this thread,
where Django refuses ORM calls.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import sync_playwright

from mcp_gateway.models import OAuthAccessToken
from tests.e2e.chromium import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.oauth_clients import CALLBACK, authorize_url
from tests.e2e.people import PASSWORD
from tests.factories import OAuthApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def claude(db):
    return OAuthApplicationFactory(redirect_uris=CALLBACK)


def sign_in_and_answer(server: str, client_id: str, answer: str, screenshot: str) -> dict[str, list[str]]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.route(f"{CALLBACK}*", lambda route: route.fulfill(status=200, body="back at the client"))
        page.goto(authorize_url(server, client_id))
        assert page.locator("h1").inner_text() == "Sign in to Alloy"
        page.get_by_label("Email").fill("owner@acme.test")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Sign in").click()
        assert "do not match" in page.get_by_role("alert").inner_text()
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        heading = page.locator("h1").inner_text()
        assert heading == "Allow Claude to read a workspace?"
        assert "127.0.0.1:9" in page.content()
        assert page.get_by_label("Workspace").input_value()  # preselected: the person's one workspace
        page.screenshot(path=str(ARTIFACTS / screenshot))
        page.get_by_role("button", name=answer).click()
        page.wait_for_url(f"{CALLBACK}*")
        query = parse_qs(urlsplit(page.url).query)
        browser.close()
    return query


def test_allow_sends_a_code_back(server, person, claude):
    query = sign_in_and_answer(server, claude.client_id, "Allow", "consent-page.png")
    assert query["state"] == ["s1"]
    assert query["code"]
    assert query["iss"] == [server]


def test_deny_sends_access_denied_back(server, person, claude):
    query = sign_in_and_answer(server, claude.client_id, "Deny", "consent-page-deny.png")
    assert query["error"] == ["access_denied"]
    assert "code" not in query
    assert not OAuthAccessToken.objects.exists()
