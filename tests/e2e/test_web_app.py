"""Every page a person sees, in a real browser at desktop (1280 px) and phone (390 px, and 360 px) widths,
light and dark: nothing scrolls sideways on a phone, axe-core finds no serious or critical problem, and each page
leaves a screenshot under test-artifacts/. Then what the session pages do when used: files open in place,
lines are linked, long messages fold, the diff layout is remembered.

Rows are made before the browser starts: Playwright's sync API runs an event loop in this thread, where
Django refuses ORM calls.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect, sync_playwright

from mcp_gateway.activity.log import CallRecord, activity_log
from mcp_gateway.keys.services import mcp_key_create
from tests.e2e.chromium import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, accessibility_violations, horizontal_overflow
from tests.e2e.oauth_clients import CALLBACK, authorize_url
from tests.e2e.people import PASSWORD
from tests.factories import MessageFactory, OAuthApplicationFactory, SessionFactory, add_file, make_access_token

pytestmark = pytest.mark.django_db(transaction=True)

APP_JSX = """import { useState } from 'react'
import { HabitList } from './HabitList'

/* Habits live in localStorage, so the tracker
   works without a backend. */
export default function App() {
  const [habits, setHabits] = useState([])
  return <HabitList habits={habits} onChange={setHabits} />
}
"""
LIMITS_BEFORE = (
    "".join(f"# setting {n}\n" for n in range(1, 30))
    + "LIMIT = 60\nWINDOW = 60\n\ndef allowed(key):\n    return True\n"
)
LIMITS_AFTER = (
    "import redis\n"
    + "".join(f"# setting {n}\n" for n in range(1, 30))
    + "LIMIT = 120\nWINDOW = 60\n\ndef allowed(key):\n    return bucket(key).take()\n"
)
SHORT_ANSWER = (
    "Done. `App.jsx` keeps the list:\n\n```jsx\nconst [habits, setHabits] = useState([])\n```\n\n- add\n- tick"
)
LONG_ANSWER = "Here is the plan, step by step.\n\n" + "\n".join(
    f"{n}. Step {n}: change `module_{n}.py` so that it **reads** the new setting." for n in range(1, 40)
)


@pytest.fixture
def tour(person, member, workspace, settings, server):
    """What the pages show: two sessions, a key, a connected app."""
    prototype = SessionFactory(workspace=workspace, created_by=person, title="Habit tracker")
    MessageFactory(session=prototype, index=0, role="user", author="Olive", content="A tiny **habit tracker**, please.")
    MessageFactory(
        session=prototype,
        index=1,
        role="assistant",
        author="Alloy",
        content=SHORT_ANSWER,
    )
    MessageFactory(session=prototype, index=2, role="assistant", author="Alloy", content=LONG_ANSWER)
    for index in range(3, 15):  # enough chat to scroll
        role = "user" if index % 2 else "assistant"
        MessageFactory(session=prototype, index=index, role=role, content=f"Round {index}: tweak the streak badge.")
    add_file(prototype, "src/App.jsx", after=APP_JSX)
    add_file(prototype, "src/HabitList.jsx", after="export function HabitList() {\n  return null\n}\n")
    add_file(prototype, "package.json", after='{"name": "habits"}\n')
    add_file(prototype, "data/days.txt", after="".join(f"day {n}\n" for n in range(1, 2101)))  # over a window
    dev = SessionFactory(workspace=workspace, created_by=person, kind="dev", title="Shared rate limits")
    MessageFactory(session=dev, index=0, role="user", author="Olive", content="Limits leak between workers.")
    add_file(dev, "api/limits.py", before=LIMITS_BEFORE, after=LIMITS_AFTER)
    add_file(dev, "api/bucket.py", before=None, after="def bucket(key):\n    ...\n")
    add_file(dev, "api/legacy_throttle.py", before="COUNTS = {}\n", after=None)
    long_chat = SessionFactory(workspace=workspace, created_by=person, title="A long chat")
    for index in range(120):
        content = "We settled on a token bucket in Redis." if index == 75 else f"Message number {index}."
        MessageFactory(session=long_chat, index=index, role="user" if index % 2 else "assistant", content=content)
    desktop = mcp_key_create(workspace=workspace, name="Claude Desktop").record
    long_rows(workspace, desktop, dev=dev)
    claude = OAuthApplicationFactory(redirect_uris=CALLBACK)
    settings.ALLOY_MCP_RESOURCE = f"{server}/mcp"
    make_access_token(user=member, application=claude, workspace=workspace, settings=settings)
    return {
        "prototype": urlsplit(prototype.link()).path,
        "dev": urlsplit(dev.link()).path,
        "long_chat": urlsplit(long_chat.link()).path,
        "client_id": claude.client_id,
    }


def long_rows(workspace, key, *, dev) -> None:
    """Activity rows as long as they come: a 100-character key name, a long reason, a long title."""
    long_title = SessionFactory(workspace=workspace, title="A prototype whose title goes on " + "and on " * 12)
    for session, outcome, reason in [
        (long_title, "ok", ""),
        (dev, "error", "No file at " + "deep/" * 30 + "x.py in this session; did you mean api/limits.py?"),
        (None, "refused", "The key was revoked on 2026-12-01 10:00 UTC."),
    ]:
        activity_log.record(
            CallRecord(
                at=timezone.now(),
                workspace_id=workspace.pk,
                mcp_key_id=key.pk,
                application_id=None,
                user_id=None,
                credential=LONG_KEY_NAME + " (alloy_mcp_abcd…)",
                tool="get_file_content" if session else "",
                session_id=session.public_id if session else "",
                outcome=outcome,
                duration_ms=12.5,
                reason=reason,
            )
        )
    activity_log.flush()


@contextmanager
def browser_page(server: str, *, width: int, scheme: str = "light", for_axe: bool = False) -> Iterator[Page]:
    """A page in a fresh browser. Only axe's own script needs the Content-Security-Policy bypassed; every
    other test runs under the policy and fails on any error the console reports (a refused script, say)."""
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=for_axe, base_url=server
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        try:
            yield page
        finally:
            browser.close()
        assert not errors, errors


def sign_in(page: Page, server: str) -> None:
    page.goto("/login/")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/")


class Inspection:
    """Checks each page the tour reaches and keeps every problem, so one run reports them all."""

    def __init__(self, page: Page, width: int, scheme: str) -> None:
        self.page, self.width, self.scheme = page, width, scheme
        self.problems: list[str] = []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        if (overflow := horizontal_overflow(self.page)) > 0:
            self.problems.append(f"{name}: the page scrolls {overflow} px sideways")
        self.problems += [f"{name}: {violation}" for violation in accessibility_violations(self.page)]
        self.page.screenshot(path=str(ARTIFACTS / f"page-{name}-{self.width}-{self.scheme}.png"), full_page=True)


# A key named as long as names go (100 characters, no space to break at): the keys table stays in its card.
LONG_KEY_NAME = "Claude-Desktop-on-the-build-machine-in-the-third-floor-lab-" + "x" * 41


# 1280 and 390 px in both schemes, and the narrowest phone width the layout promises (360 px).
@pytest.mark.parametrize(
    ("width", "scheme"), [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark"), (360, "light")]
)
def test_every_page_fits_and_passes_axe(server, tour, width, scheme):
    with browser_page(server, width=width, scheme=scheme, for_axe=True) as page:
        inspect = Inspection(page, width, scheme)
        page.goto("/login/")
        inspect.check("sign-in")
        sign_in(page, server)
        expect(page.get_by_role("heading", name="Sessions in Acme")).to_be_visible()
        inspect.check("home")
        for section, path in [
            ("general", "/acme/settings/"),
            ("members", "/acme/settings/members/"),
            ("mcp", "/acme/settings/mcp/"),
            ("connected-apps", "/acme/settings/connected-apps/"),
            ("mcp-activity", "/acme/settings/mcp/activity/"),
            ("mcp-policy", "/acme/settings/mcp/policy/"),
            ("audit-trail", "/acme/settings/audit-trail/"),
            ("ingest-keys", "/acme/settings/ingest-keys/"),
        ]:
            page.goto(path)
            inspect.check(f"settings-{section}")
        page.goto("/acme/settings/mcp/")
        page.get_by_label("Name of a new key").fill(LONG_KEY_NAME)
        page.get_by_role("button", name="Create key").click()
        expect(page.get_by_label("New MCP key")).to_have_value(re.compile(r"alloy_mcp_\w{44}"))
        inspect.check("key-created")
        page.get_by_role("link", name="Delete").first.click()
        expect(page.get_by_role("button", name="Delete key")).to_be_visible()
        inspect.check("key-delete-confirmation")
        page.goto("/acme/settings/ingest-keys/")
        page.get_by_label("What writes with it").fill(LONG_KEY_NAME)
        page.get_by_role("button", name="Create ingestion key").click()
        expect(page.get_by_label("New ingestion key")).to_have_value(re.compile(r"alloy_ingest_\w{44}"))
        inspect.check("ingest-key-created")
        page.goto(authorize_url(server, tour["client_id"]))
        expect(page.locator("h1")).to_have_text("Allow Claude to read a workspace?")
        inspect.check("consent")
        page.goto(tour["prototype"] + "?file=src/App.jsx")
        expect(page.locator("#L5")).to_contain_text("works without a backend")
        inspect.check("prototype-file-open")
        page.goto(tour["long_chat"] + "?q=token+bucket")
        expect(page.locator("ol.hits li")).to_have_count(1)
        inspect.check("session-search")
        page.goto(tour["dev"])
        expect(page.locator("table.diff-table.unified").first).to_be_visible()
        inspect.check("dev-diff-unified")
        page.get_by_role("button", name="Split").click()
        # Split where the diff has room for two columns: beside the chat it has not, even at 1280 px; the note
        # says so and offers the room.
        expect(page.locator("table.diff-table.unified").first).to_be_visible()
        expect(page.locator(".narrow-note")).to_contain_text("a split diff needs more room than this pane has")
        inspect.check("dev-diff-split")
        page.locator(".narrow-note").get_by_role("link", name="Hide the chat").click()
        expect(page.locator(".review.wide")).to_be_visible()
        layout = "split" if width >= 1000 else "unified"
        expect(page.locator(f"table.diff-table.{layout}").first).to_be_visible()
        inspect.check("dev-changes-wide")
        page.get_by_role("button", name="Unified").click()  # the owner's choice back as it was
        expect(page.get_by_role("button", name="Unified")).to_have_attribute("aria-pressed", "true")
    assert not inspect.problems, "\n".join(inspect.problems)


def test_a_file_opens_beside_the_chat_without_moving_it(server, tour):
    with browser_page(server, width=1280) as page:
        sign_in(page, server)
        page.goto(tour["prototype"])
        chat = page.locator(".chat-pane")
        chat.evaluate("pane => pane.scrollTop = 200")
        before = chat.evaluate("pane => pane.scrollTop")
        assert before > 0
        page.evaluate("window.sameDocument = true")
        page.get_by_role("link", name="App.jsx").click()
        expect(page.locator("#file-heading")).to_contain_text("src/App.jsx")
        assert page.url.endswith("?file=src/App.jsx")
        assert page.evaluate("window.sameDocument")  # swapped in place, not a page load
        assert chat.evaluate("pane => pane.scrollTop") == before  # the chat stayed where it was
        page.go_back()
        expect(page.locator("#file-heading")).to_have_count(0)
        expect(page.get_by_text("Choose a file from the tree")).to_be_visible()


def test_lines_and_ranges_are_linkable(server, tour):
    with browser_page(server, width=1280) as page:
        sign_in(page, server)
        page.goto(tour["prototype"] + "?file=src/App.jsx#L4-L6")
        expect(page.locator("tr.selected")).to_have_count(3)
        page.get_by_role("link", name="Line 2", exact=True).click()
        page.get_by_role("link", name="Line 8", exact=True).click(modifiers=["Shift"])
        assert page.url.endswith("#L2-L8")
        expect(page.locator("tr.selected")).to_have_count(7)
        # A line past the 2,000 a page shows: the page that holds it is loaded, the line marked.
        page.goto(tour["prototype"] + "?file=data/days.txt#L2050")
        expect(page.locator("tr.selected")).to_have_text("2050day 2050")
        assert "lines_from=2001" in page.url


def test_a_long_message_folds_and_unfolds(server, tour):
    with browser_page(server, width=1280) as page:
        sign_in(page, server)
        page.goto(tour["prototype"])
        long_message = page.locator("#m2 .markdown")
        expect(long_message).to_have_class(re.compile(r"\bcollapsed\b"))
        folded = long_message.bounding_box()["height"]
        page.get_by_role("button", name="Show more").click()
        expect(page.get_by_role("button", name="Show less")).to_have_attribute("aria-expanded", "true")
        assert long_message.bounding_box()["height"] > folded * 2
        # The Markdown is rendered: a numbered list with code and bold, not asterisks and backticks.
        assert long_message.locator("ol > li").count() == 39
        assert long_message.locator("li code").first.inner_text() == "module_1.py"


def test_the_diff_layout_is_remembered_for_the_person(server, tour):
    with browser_page(server, width=1280) as page:
        sign_in(page, server)
        page.goto(tour["dev"])
        page.get_by_role("button", name="Split").click()
        expect(page.get_by_role("button", name="Split")).to_have_attribute("aria-pressed", "true")
        # Beside the chat the pane's diff has no room for two columns at 1280 px: unified, the choice kept.
        expect(page.locator(".narrow-note")).to_be_visible()
        expect(page.locator("table.diff-table.split")).to_have_count(0)
        page.goto("/")
        page.goto(tour["dev"] + "?wide=1")
        expect(page.locator("table.diff-table.split").first).to_be_visible()
        expect(page.locator(".narrow-note")).to_have_count(0)
        # Old and new line numbers side by side: "LIMIT = 60" was line 30, "LIMIT = 120" is line 31.
        row = page.locator("table.split tr", has_text="LIMIT = 120")
        expect(row.locator("td.num.removed")).to_have_text("30")
        expect(row.locator("td.num.added")).to_have_text("31")
        expect(row.locator("td.line.removed .chg")).to_have_text("60")  # the changed word, on each side
        expect(row.locator("td.line.added .chg")).to_have_text("120")


def test_the_changes_get_the_width_of_the_page(server, tour):
    """At 1280 px, with the chat folded away, the diff's code gets at least 900 px; the file tree folds away
    (and stays folded on the next page) and stays in view while the page scrolls."""
    with browser_page(server, width=1280) as page:
        sign_in(page, server)
        page.goto(tour["dev"])
        code = page.locator(".diff .code-box").first
        beside = code.bounding_box()["width"]
        page.get_by_role("link", name="Hide the chat: changes across the page").click()
        expect(page.locator(".chat-pane")).to_have_count(0)
        wide = code.bounding_box()["width"]
        assert wide >= 900, f"the diff is {wide} px wide at 1280 px (beside the chat: {beside} px)"
        print(f"diff at 1280 px: {beside:.0f} px beside the chat, {wide:.0f} px with it folded away")
        summary = page.locator("#changes-summary")
        expect(summary).to_contain_text("3 files changed")
        page.screenshot(path=str(ARTIFACTS / "dev-changes-wide-1280.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 500})
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        assert page.evaluate("window.scrollY") > 400
        assert 0 <= page.locator(".tree-box").bounding_box()["y"] <= 20  # sticky beside the diffs
        page.set_viewport_size({"width": 1280, "height": 900})
        page.locator(".tree-box > summary").click()  # fold the tree: the code takes its column
        expect(page.locator("details[data-tree]")).not_to_have_attribute("open", "")
        assert code.bounding_box()["width"] > wide + 100
        page.reload()
        expect(page.locator("details[data-tree]")).not_to_have_attribute("open", "")
        page.locator(".tree-box > summary").click()
        expect(page.locator("details[data-tree]")).to_have_attribute("open", "")


def test_on_a_phone_a_split_diff_reads_unified(server, tour):
    with browser_page(server, width=390) as page:
        sign_in(page, server)
        page.goto(tour["dev"])
        page.get_by_role("button", name="Split").click()
        expect(page.get_by_text("a split diff needs more room than this pane has")).to_be_visible()
        expect(page.locator("table.diff-table.unified").first).to_be_visible()
        expect(page.locator("table.diff-table.split")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "dev-changes-390.png"), full_page=True)
        # The person's choice is kept: a wide screen with the chat hidden shows it split.
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(tour["dev"] + "?wide=1")
        expect(page.locator("table.diff-table.split").first).to_be_visible()
        page.get_by_role("button", name="Unified").click()


def test_a_message_on_another_page_opens_from_its_address_and_a_search_reaches_it(server, tour):
    with browser_page(server, width=1280) as page:
        sign_in(page, server)
        page.goto(tour["long_chat"] + "#m75")  # message 75 is on the second page of 50
        expect(page.locator("#m75")).to_be_in_viewport()
        assert "from=50" in page.url
        expect(page.get_by_text("Messages #50 to #99 of 120")).to_be_visible()
        # Its permalink is the address it was reached at.
        assert page.locator("#m75 a.permalink").get_attribute("href") == "?from=50#m75"
        page.goto(tour["long_chat"])
        page.get_by_label("Words to find in this session's chat and files").fill("token bucket")
        page.get_by_role("button", name="Search").click()
        hits = page.get_by_role("status").filter(has_text="place")  # the page also says it is live
        expect(hits).to_contain_text("1 place with every word of “token bucket”")
        expect(page.locator("ol.hits mark")).to_have_text(["token", "bucket"])
        page.get_by_role("link", name="Message 75").click()
        expect(page.locator("#m75")).to_be_in_viewport()
        assert page.url.endswith("?from=50#m75")


def test_code_in_a_chat_message_has_a_copy_button(server, tour):
    with browser_page(server, width=1280) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        sign_in(page, server)
        page.goto(tour["prototype"])
        button = page.locator("#m1").get_by_role("button", name="Copy this code")
        button.click()
        expect(button).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()").strip() == "const [habits, setHabits] = useState([])"
        expect(button).to_have_text("Copy", timeout=4000)


def test_a_pane_being_fetched_says_it_is_loading(server, tour):
    with browser_page(server, width=1280) as page:
        sign_in(page, server)
        page.goto(tour["prototype"])
        held = []
        # The pane's answer is held back until the check is done.
        page.route("**/*pane=files*", lambda route: held.append(route))
        page.get_by_role("link", name="App.jsx").click()
        pane = page.locator("#files-pane")
        expect(pane).to_have_attribute("aria-busy", "true")
        assert pane.evaluate("pane => getComputedStyle(pane).cursor") == "progress"
        assert pane.evaluate("pane => getComputedStyle(pane, '::before').content") == '""'  # the moving bar
        held[0].continue_()
        expect(page.locator("#file-heading")).to_contain_text("src/App.jsx")
        expect(pane).not_to_have_attribute("aria-busy", "true")


def test_on_a_phone_the_home_filters_fold_behind_one_line(server, tour):
    with browser_page(server, width=390) as page:
        sign_in(page, server)
        kind = page.get_by_label("Kind")
        expect(kind).to_be_hidden()
        expect(page.get_by_role("link", name="Habit tracker")).to_be_in_viewport()
        page.get_by_text("Kind, status").click()
        kind.select_option("dev")
        page.get_by_role("button", name="Filter").click()
        expect(page.get_by_role("status")).to_have_text("1 session matches")
        expect(page.get_by_label("Kind")).to_be_visible()  # a filter that is set stays in view


def test_the_settings_menu_opens_on_a_phone(server, tour):
    with browser_page(server, width=390) as page:
        sign_in(page, server)
        page.goto("/acme/settings/")
        members = page.get_by_role("link", name="Members")
        expect(members).to_be_hidden()
        page.get_by_text("Acme: settings menu").click()
        members.click()
        expect(page.get_by_role("heading", name="Members")).to_be_visible()


def test_on_a_phone_a_file_opens_in_view_below_the_chat(server, tour):
    with browser_page(server, width=390) as page:
        sign_in(page, server)
        page.goto(tour["prototype"])
        page.get_by_role("link", name="App.jsx").click()
        expect(page.locator("#file-heading")).to_be_in_viewport()
        page.get_by_role("link", name="Chat", exact=True).click()
        expect(page.locator("#chat-heading")).to_be_in_viewport()
