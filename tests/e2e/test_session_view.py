"""The session view (an MCP App) in a real host: a test host page on ext-apps' AppBridge, in Debian's
Chromium, loads the view the server serves (resources/read of ui://alloy/session-view.html) in a sandboxed
iframe under a Content-Security-Policy that lets nothing reach the network, hands it a tool's input and
result, and bridges the tools it calls to the real server's /mcp with a key.

Rows are made before the browser starts: Playwright's sync API runs an event loop in this thread, where
Django refuses ORM calls.
"""

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from django.core.management import call_command
from playwright.sync_api import ConsoleMessage, Frame, Page, expect, sync_playwright

from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.protocol.session_view import VIEW_URI
from sessions_app.models import Session
from tests.e2e.chromium import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, accessibility_violations
from tests.factories import MessageFactory, SessionFactory, add_file
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db(transaction=True)

VIEW_FOLDER = Path(__file__).resolve().parents[2] / "session_view"
HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
BIG_DIFF_LINES = 15_000  # changed lines each side: a diff of 30,000 removed and added lines


@pytest.fixture(scope="session")
def host_page(tmp_path_factory) -> str:
    """The test host page, built from session_view/test-host with the view's own pinned packages."""
    output = tmp_path_factory.mktemp("host") / "host.html"
    subprocess.run(["node", str(VIEW_FOLDER / "build.mjs"), "--test-host", str(output)], check=True, timeout=120)
    return output.read_text()


@dataclass
class Mcp:
    """JSON-RPC to the real server with a key, as a host's MCP client sends it."""

    server: str
    key: str
    calls: list[tuple[str, dict]] = field(default_factory=list)

    def __call__(self, method: str, params: dict) -> dict:
        self.calls.append((method, params))
        body = {"jsonrpc": "2.0", "id": len(self.calls), "method": method, "params": params}
        response = httpx2.post(
            f"{self.server}/mcp", json=body, headers={**HEADERS, "X-MCP-API-Key": self.key}, timeout=30
        )
        answer = response.json()
        if "error" in answer:
            raise RuntimeError(answer["error"]["message"])
        return answer["result"]


@dataclass
class Demo:
    mcp: Mcp
    longest_chat: Session
    dev: Session
    big: Session
    hostile: Session


@pytest.fixture
def demo(server) -> Demo:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process
    workspace = Workspace.objects.get(slug="demo")
    sessions = Session.objects.filter(workspace=workspace).select_related("workspace")
    longest = sessions.order_by("-message_count").first()
    dev = sessions.filter(kind="dev").order_by("-file_count").first()
    big = SessionFactory(workspace=workspace, kind="dev", title="Renumber every setting")
    MessageFactory(session=big, index=0, role="user", content="Renumber them all.")
    add_file(
        big,
        "settings/values.py",
        before="".join(f"VALUE_{n} = {n}\n" for n in range(BIG_DIFF_LINES)),
        after="".join(f"VALUE_{n} = {n + 1}\n" for n in range(BIG_DIFF_LINES)),
    )
    hostile = SessionFactory(workspace=workspace, kind="prototype", title='<img src=x onerror="window.pwned=1">')
    MessageFactory(
        session=hostile,
        index=0,
        role="user",
        content=(
            '<script>window.pwned=1</script> and <img src=x onerror="window.pwned=2"> and '
            "[a link](javascript:window.pwned=3) and ![pixel](https://tracker.example/p.gif)"
        ),
    )
    add_file(hostile, 'pages/<img src=x onerror="window.pwned=4">.html', after="<script>window.pwned=5</script>\n")
    key = mcp_key_create(workspace=workspace, name="Claude").key
    return Demo(mcp=Mcp(server, key), longest_chat=longest, dev=dev, big=big, hostile=hostile)


@dataclass
class Host:
    page: Page
    mcp: Mcp
    problems: list[str]

    @property
    def view(self) -> Frame:
        return self.page.frames[1]

    def show(self, tool: str, arguments: dict, *, width: int = 700, theme: str = "light") -> Frame:
        """Call the tool on the server as the model would, and render the view with its result."""
        result = self.mcp("tools/call", {"name": tool, "arguments": arguments})
        html = self.mcp("resources/read", {"uri": VIEW_URI})["contents"][0]["text"]
        self.page.evaluate(
            "args => window.alloyHost.show(args)",
            {"html": html, "toolInput": arguments, "toolResult": result, "width": width, "theme": theme},
        )
        return self.view


@contextmanager
def host(host_page: str, mcp: Mcp) -> Iterator[Host]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 760, "height": 900})
        problems: list[str] = []

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                problems.append(message.text)

        page.on("console", console)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.expose_function("alloyMcp", mcp)
        page.set_content(host_page)
        page.wait_for_function("window.alloyHost !== undefined")
        try:
            yield Host(page, mcp, problems)
        finally:
            browser.close()


def test_the_longest_demo_chat_renders_and_load_more_brings_the_next_page(host_page, demo):
    with host(host_page, demo.mcp) as client:
        view = client.show("get_chat_history", {"session": demo.longest_chat.public_id, "limit": 10})
        messages = view.locator(".message")
        expect(messages).to_have_count(10)
        expect(view.locator(".title")).to_have_text(demo.longest_chat.title)
        expect(view.locator(".message.role-user").first).to_be_visible()
        expect(view.locator(".message.role-assistant").first).to_be_visible()
        expect(view.get_by_text(f"{demo.longest_chat.message_count} messages", exact=True)).to_be_visible()
        view.get_by_role("button", name="Load more").click()
        expect(messages).to_have_count(min(20, demo.longest_chat.message_count))
        calls = [params for method, params in demo.mcp.calls if method == "tools/call"]
        assert calls[-1]["name"] == "get_chat_history"
        assert "cursor" in calls[-1]["arguments"]
        view.get_by_role("button", name="Open in Alloy").click()
        client.page.wait_for_function("window.alloyHost.openedLinks.length === 1")
        described = demo.mcp(
            "tools/call", {"name": "get_session", "arguments": {"session": demo.longest_chat.public_id}}
        )
        assert client.page.evaluate("window.alloyHost.openedLinks") == [described["structuredContent"]["link"]]
        assert client.problems == []


def test_a_dev_diff_shows_line_numbers_and_changed_words_unified_and_split(host_page, demo):
    changed = demo.dev.files.filter(status="modified", additions__gt=0, deletions__gt=0).order_by("path").first()
    with host(host_page, demo.mcp) as client:
        view = client.show("get_file_diff", {"session": demo.dev.public_id, "path": changed.path})
        diff = view.locator(".file-diff").first
        expect(diff.locator(".diff-row.kind-add").first).to_be_visible()
        expect(diff.locator(".diff-row.kind-del").first).to_be_visible()
        expect(diff.locator("mark.word-changed").first).to_be_visible()
        numbers = diff.locator(".diff-row.kind-context .line-number").all_inner_texts()
        assert numbers[0].strip().isdigit()
        expect(view.locator(".changed-file")).to_have_count(demo.dev.file_count)
        view.get_by_role("button", name="Split").click()
        expect(diff.locator(".split-row").first).to_be_visible()
        expect(diff.locator(".split-row .side-del").first).to_be_visible()
        expect(diff.locator(".split-row .side-add").first).to_be_visible()
        expect(diff.locator("mark.word-changed").first).to_be_visible()
        view.get_by_role("button", name="Unified").click()
        expect(diff.locator(".split-row")).to_have_count(0)
        assert client.problems == []


def test_the_first_screen_of_a_30000_line_diff_comes_quickly_and_the_rest_pages_in(host_page, demo):
    with host(host_page, demo.mcp) as client:
        started = time.perf_counter()
        view = client.show("get_file_diff", {"session": demo.big.public_id, "path": "settings/values.py"})
        expect(view.locator(".diff-row.kind-del").first).to_be_visible()  # the removed lines come first
        wall_ms = (time.perf_counter() - started) * 1000
        client.page.wait_for_timeout(100)
        first_screen_ms = int(view.evaluate("document.documentElement.dataset.firstDiffScreenMs"))
        rows_before = view.locator(".diff-row").count()
        # The next page comes when the diff is scrolled near its end (or on the button), not before.
        client.page.wait_for_timeout(500)
        assert view.locator(".diff-row").count() == rows_before
        view.locator(".diff-scroll").evaluate("box => { box.scrollTop = box.scrollHeight }")
        expect(view.locator(".diff-row")).not_to_have_count(rows_before)
        rows_after_scroll = view.locator(".diff-row").count()
        view.get_by_role("button", name="more lines").click()
        expect(view.locator(".diff-row")).not_to_have_count(rows_after_scroll)
        # Reported in the closing note: the view's own measure, from the tool result to the painted first screen,
        # and the wall clock of the whole show (the tool call and the view's resources/read included).
        print(f"first screen of a 30,000-line diff: {first_screen_ms} ms in the view; {wall_ms:.0f} ms in all")
        assert first_screen_ms < 2000
        assert client.problems == []


def test_an_outline_shows_the_messages_and_a_lock_file_its_packages(host_page, demo):
    """An outline is for the model to skim: handed one, the view reads the messages themselves. A lock file
    comes as its packages, not a line diff."""
    locked = SessionFactory(workspace=demo.dev.workspace, kind="dev", title="Bump lodash")
    lock = '{{"lockfileVersion": 3, "packages": {{"node_modules/lodash": {{"version": "{}"}}}}}}\n'
    add_file(locked, "package-lock.json", before=lock.format("4.17.20"), after=lock.format("4.17.21"))
    with host(host_page, demo.mcp) as client:
        view = client.show("get_chat_history", {"session": demo.longest_chat.public_id, "detail": "outline"})
        expect(view.locator(".message").first).to_be_visible()
        expect(view.locator(".message.role-user").first).to_be_visible()
        view = client.show("get_file_diff", {"session": locked.public_id, "path": "package-lock.json"})
        expect(view.get_by_text("changed: lodash 4.17.20 \u2192 4.17.21")).to_be_visible()
        expect(view.get_by_text("The line diff: full=true.", exact=False)).to_be_visible()
        assert client.problems == []


def test_a_theme_change_from_the_host_changes_the_colours(host_page, demo):
    with host(host_page, demo.mcp) as client:
        view = client.show("get_session", {"session": demo.dev.public_id})
        expect(view.locator(".message").first).to_be_visible()
        light = view.evaluate("getComputedStyle(document.body).backgroundColor")
        client.page.evaluate("window.alloyHost.setTheme('dark')")
        expect(view.locator("html")).to_have_attribute("data-theme", "dark")
        dark = view.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (light, dark) == ("rgb(255, 255, 255)", "rgb(13, 17, 23)")
        view.get_by_role("button", name="Full screen").click()
        client.page.wait_for_function("window.alloyHost.displayModes.length === 1")
        expect(view.get_by_role("button", name="Exit full screen")).to_be_visible()
        assert client.problems == []


def test_files_open_with_numbered_highlighted_lines(host_page, demo):
    prototype = Session.objects.filter(workspace=demo.longest_chat.workspace, kind="prototype").first()
    first_file = prototype.files.order_by("path").first()
    with host(host_page, demo.mcp) as client:
        view = client.show("list_session_files", {"session": prototype.public_id})
        expect(view.get_by_role("tab", name="Files")).to_have_attribute("aria-selected", "true")
        view.get_by_role("button", name=first_file.path.rsplit("/", 1)[-1], exact=True).first.click()
        expect(view.locator(".code-line").first).to_be_visible()
        # Waited for, not read once: the numbers can land a moment after the first line shows (seen once in CI).
        expect(view.locator(".code-line .line-number").first).to_have_text("1")
        assert client.problems == []


@pytest.mark.parametrize("width", [360, 700])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_nothing_serious_inside_the_view(host_page, demo, width, theme):
    ARTIFACTS.mkdir(exist_ok=True)
    with host(host_page, demo.mcp) as client:
        view = client.show("get_session", {"session": demo.dev.public_id}, width=width, theme=theme)
        expect(view.locator(".message").first).to_be_visible()
        problems = accessibility_violations(view)
        view.get_by_role("tab", name="Changes").click()
        view.locator(".file-toggle").first.click()
        expect(view.locator(".diff-row").first).to_be_visible()
        problems += accessibility_violations(view)
        client.page.locator("iframe").screenshot(path=ARTIFACTS / f"session-view-{width}-{theme}.png")
        assert problems == []
        assert client.problems == []


def test_hostile_content_never_runs_in_the_view(host_page, demo):
    with host(host_page, demo.mcp) as client:
        view = client.show("get_chat_history", {"session": demo.hostile.public_id})
        message = view.locator(".message").first
        expect(message).to_contain_text("<script>window.pwned=1</script>")
        expect(view.locator(".title")).to_have_text(demo.hostile.title)
        assert message.locator("a").count() == 0  # the javascript: link is text
        expect(message).to_contain_text("[image: pixel]")
        view.get_by_role("tab", name="Files").click()
        view.get_by_role("button", name='<img src=x onerror="window.pwned=4">.html').click()
        expect(view.locator(".code-line").first).to_contain_text("<script>window.pwned=5</script>")
        assert view.evaluate("window.pwned") is None
        assert view.locator("img, iframe, object, embed").count() == 0
        assert view.evaluate("document.scripts.length") == 1  # the view's own
        assert client.problems == []


def test_direction_overrides_in_a_title_a_path_and_a_link_label_show_as_code_points(host_page, demo):
    # "src/‮gpj.js" would read "src/sj.jpg", a title "Invoice ‮fdp.exe" "Invoice exe.pdf".
    workspace = demo.hostile.workspace
    spoof = SessionFactory(workspace=workspace, kind="prototype", title="Invoice \u202efdp.exe")
    MessageFactory(session=spoof, index=0, role="user", content="See [notes\u202etxt.exe](https://example.com/notes).")
    add_file(spoof, "src/\u202egpj.js", after="export {};\n")
    with host(host_page, demo.mcp) as client:
        view = client.show("get_session", {"session": spoof.public_id})
        expect(view.locator(".title")).to_have_text("Invoice ⟨U+202E⟩fdp.exe")
        expect(view.locator(".message a").first).to_have_text("notes⟨U+202E⟩txt.exe")
        view.get_by_role("tab", name="Files").click()
        expect(view.get_by_role("button", name="⟨U+202E⟩gpj.js")).to_be_visible()
        assert "\u202e" not in view.locator("body").inner_text()
        assert client.problems == []
