"""The session view's layout at 390, 700 and 1280 px in a real MCP Apps host (tests/e2e/test_session_view.py's):
an opened file beside the tree, or in its place with a way back, scrolled to, the tree open to it, a window of a
long file headed by its lines; a split diff unified where two columns do not fit; a chat opened at a message
numbered, with the messages before it a click away; a frame of bounded height whatever is loaded into it."""

import re

import httpx2
import pytest
from playwright.sync_api import expect

from ingest.keys import ingest_key_create
from mcp_gateway.keys.services import mcp_key_create
from sessions_app.live import session_update
from tests.e2e.test_session_view import Mcp, host, host_page  # noqa: F401 - host_page is a fixture
from tests.factories import MessageFactory, SessionFactory, add_file

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [390, 700, 1280]
LONG_FILE_LINES = 3_000
INLINE_HEIGHT = 720  # px: session_view/src/main.js


@pytest.fixture
def sessions(server, workspace, owner):
    """A prototype of 40 files, one of them 3,000 lines deep in folders; a dev session with one modified file;
    a chat of 120 messages."""
    prototype = SessionFactory(workspace=workspace, kind="prototype", title="Forty files")
    for n in range(39):
        add_file(prototype, f"src/module_{n:02}.js", after=f"export const value{n} = {n}\n")
    add_file(
        prototype,
        "src/deep/inside/target.py",
        after="".join(f"def function_{n}():\n    return {n}\n" for n in range(LONG_FILE_LINES // 2)),
    )
    dev = SessionFactory(workspace=workspace, kind="dev", title="One change")
    add_file(
        dev,
        "api/limits.py",
        before="".join(f"LIMIT_{n} = {n}  # the old limit for bucket {n}\n" for n in range(30)),
        after="".join(f"LIMIT_{n} = {n * 2}  # the new limit for bucket {n}\n" for n in range(30)),
    )
    chat = SessionFactory(workspace=workspace, kind="prototype", title="A long chat")
    for index in range(120):
        role = "user" if index % 2 == 0 else "assistant"
        MessageFactory(session=chat, index=index, role=role, content=f"Message {index}: " + "words " * 60)
    chat.message_count = 120
    chat.save(update_fields=["message_count"])
    session_update(session=chat, status="completed")
    key = mcp_key_create(workspace=workspace, name="Claude", created_by=owner).key
    return {"mcp": Mcp(server, key), "prototype": prototype, "dev": dev, "chat": chat}


@pytest.mark.parametrize("width", WIDTHS)
def test_an_opened_file_is_shown_at_once_the_tree_open_to_it_and_headed_by_its_lines(host_page, sessions, width):  # noqa: F811
    with host(host_page, sessions["mcp"]) as client:
        arguments = {"session": sessions["prototype"].public_id, "path": "src/deep/inside/target.py"}
        view = client.show("get_file_content", arguments, width=width)
        heading = view.locator(".code-heading h2")
        expect(heading).to_have_text("src/deep/inside/target.py")
        extent = view.locator(".code-heading .muted")
        expect(extent).to_have_text(WINDOW)
        first_window = extent.inner_text()
        expect(view.locator(".code-line").first).to_be_in_viewport()  # the first screen shows the file
        view.locator(".code-scroll").evaluate("box => { box.scrollTop = box.scrollHeight }")
        view.get_by_role("button", name="more lines").click()  # the heading follows the lines shown
        expect(extent).not_to_have_text(first_window)
        expect(extent).to_have_text(WINDOW)
        assert _shown_to(extent.inner_text()) > _shown_to(first_window)
        current = view.locator('.file-button[aria-current="true"]')
        expect(current).to_have_text("target.py")
        if width >= 700:  # beside the tree
            expect(view.locator(".tree")).to_be_visible()
            expect(current).to_be_visible()
            assert view.locator(".tree").bounding_box()["x"] < view.locator(".viewer").bounding_box()["x"]
        else:  # in its place, with a way back to a tree open at it
            expect(view.locator(".tree")).to_be_hidden()
            view.get_by_role("button", name="← All files").click()
            expect(current).to_be_visible()
            view.get_by_role("button", name="module_03.js").click()
            expect(view.locator(".code-heading h2")).to_have_text("src/module_03.js")
            expect(view.locator(".code-heading .muted")).to_have_text("1 lines")
            expect(view.locator(".code-line").first).to_be_in_viewport()
        assert client.problems == []


# A window of the 3,000-line file, "Lines 1\u20131,988 of 3,000" (where it ends depends on the result budget).
WINDOW = re.compile(r"^Lines 1\u2013[0-9,]+ of 3,000$")


def _shown_to(heading: str) -> int:
    return int(heading.split("\u2013")[1].split(" ")[0].replace(",", ""))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_split_diff_is_unified_where_two_columns_do_not_fit(host_page, sessions, width):  # noqa: F811
    with host(host_page, sessions["mcp"]) as client:
        view = client.show(
            "get_file_diff", {"session": sessions["dev"].public_id, "path": "api/limits.py"}, width=width
        )
        expect(view.locator(".diff-row.kind-add").first).to_be_visible()
        view.get_by_role("button", name="Split").click()
        if width >= 700:
            expect(view.locator(".split-row").first).to_be_visible()
            expect(view.locator(".layout-note")).to_have_text("")
        else:
            expect(view.locator(".layout-note")).to_contain_text("A split diff needs a wider view")
            expect(view.locator(".diff-row.kind-add").first).to_be_visible()
            assert view.locator(".split-row").count() == 0
        assert client.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_chat_opened_at_a_message_is_numbered_and_the_earlier_ones_a_click_away(host_page, sessions, width):  # noqa: F811
    with host(host_page, sessions["mcp"]) as client:
        arguments = {"session": sessions["chat"].public_id, "start_index": 60, "limit": 12}
        view = client.show("get_chat_history", arguments, width=width)
        expect(view.locator(".message").first.locator(".message-number")).to_have_text("#60")
        expect(view.get_by_text("Messages #60 to #71 of 120")).to_be_visible()
        view.get_by_role("button", name="Earlier messages (#10 to #59)").click()
        expect(view.locator(".message").first.locator(".message-number")).to_have_text("#10")
        expect(view.get_by_role("button", name="Earlier messages (#0 to #9)")).to_be_visible()
        numbers = view.locator(".message-number").all_inner_texts()
        assert numbers == [f"#{n}" for n in range(10, 72)]  # in order, none twice
        assert client.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_frame_stays_bounded_and_the_view_scrolls_itself(host_page, sessions, width):  # noqa: F811
    with host(host_page, sessions["mcp"]) as client:
        view = client.show("get_chat_history", {"session": sessions["chat"].public_id, "limit": 20}, width=width)
        expect(view.locator(".message")).to_have_count(20)
        view.get_by_role("button", name="Load more").click()  # the next pages are of 50
        expect(view.locator(".message")).to_have_count(70)
        client.page.wait_for_timeout(300)  # the size the view reports reaches the host
        frame_height = client.page.locator("iframe").evaluate("frame => frame.getBoundingClientRect().height")
        assert frame_height <= INLINE_HEIGHT + 2, f"the view asked for a {frame_height} px frame"
        panel = view.locator("#panel-chat")
        assert panel.evaluate("panel => panel.scrollHeight > panel.clientHeight")  # it scrolls within
        view.get_by_role("button", name="Load more").click()
        expect(view.locator(".message")).to_have_count(120)
        assert (
            client.page.locator("iframe").evaluate("frame => frame.getBoundingClientRect().height") <= INLINE_HEIGHT + 2
        )
        assert client.problems == []


def test_a_running_chat_offers_newer_messages_when_asked(host_page, sessions, workspace, owner):  # noqa: F811
    running = SessionFactory(workspace=workspace, kind="prototype", title="Running", status="active")
    writer = httpx2.Client(
        base_url=sessions["mcp"].server,
        headers={"Authorization": f"Bearer {ingest_key_create(workspace=workspace, name='builder').key}"},
        timeout=30,
    )
    messages = f"/api/v1/workspaces/acme/sessions/{running.public_id}/messages/"
    writer.post(messages, json={"messages": [{"index": n, "role": "user", "content": f"Said {n}"} for n in range(3)]})
    with host(host_page, sessions["mcp"]) as client:
        view = client.show("get_chat_history", {"session": running.public_id}, width=700)
        expect(view.get_by_role("status").filter(has_text="Still running")).to_be_visible()
        view.get_by_role("button", name="Newer messages").click()
        expect(view.get_by_text("Nothing new yet")).to_be_visible()
        writer.post(messages, json={"messages": [{"index": 3, "role": "assistant", "content": "Said 3"}]})
        view.get_by_role("button", name="Newer messages").click()
        expect(view.locator(".message").last.locator(".message-number")).to_have_text("#3")
        expect(view.locator(".message")).to_have_count(4)
        assert client.problems == []
    writer.close()
