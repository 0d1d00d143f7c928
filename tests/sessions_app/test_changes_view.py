"""Room for diffs: the changes across the page with the chat folded away, a line of totals, no count of
zero lines, folder chains as one step, and split diffs unified on request (what narrow screens ask for)."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app import views
from sessions_app.models import Message
from tests.factories import SessionFactory, add_file, signed_in

pytestmark = pytest.mark.django_db

MINUS = "\N{MINUS SIGN}"  # how the pages write a count of removed lines


def path_of(session) -> str:
    return urlsplit(session.link()).path


def test_wide_shows_the_changes_across_the_page_without_reading_the_chat(member, dev):
    Message.objects.create(session=dev, index=0, role="user", content="a word in the chat")
    client = signed_in(member)
    beside = client.get(path_of(dev)).content.decode()
    assert 'class="pane chat-pane"' in beside
    assert '<a href="?wide=1" class="wide-link">Hide the chat: changes across the page</a>' in beside
    with CaptureQueriesContext(connection) as queries:
        wide = client.get(path_of(dev), {"wide": "1"}).content.decode()
    assert 'class="review wide"' in wide
    assert "chat-pane" not in wide
    assert "a word in the chat" not in wide
    assert not [q for q in queries.captured_queries if "sessions_app_message" in q["sql"]]
    assert '<a href="?">Show the chat beside the files</a>' in wide
    assert "api/views.py" in wide
    # Links inside the pane keep the layout: a file opened from the tree is still across the page.
    assert "?wide=1&amp;file=api/views.py" in wide


def test_the_changes_open_with_the_totals_of_the_whole_session(member, dev):
    page = signed_in(member).get(path_of(dev)).content.decode()
    summary = page.split('id="changes-summary">')[1].split("</p>")[0]
    # limits.py +1, views.py +1 -1, old.txt -1
    assert summary.startswith("3 files changed:")
    assert '<span class="plus">+2</span>' in summary
    assert f'<span class="minus">{MINUS}2</span>' in summary


def test_the_totals_count_files_past_the_trees_page(member, dev, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(views, "FILES_PER_PAGE", 1)
    page = signed_in(member).get(path_of(dev)).content.decode()
    assert 'id="changes-summary">3 files changed:' in page
    second = signed_in(member).get(path_of(dev), {"files_from": "api/views.py"}).content.decode()
    assert 'id="changes-summary">3 files changed:' in second


def test_a_count_of_zero_is_not_shown(member, dev):
    page = signed_in(member).get(path_of(dev)).content.decode()
    assert f"{MINUS}0<" not in page
    assert ">+0<" not in page
    added = page.split('title="api/limits.py">limits.py</a>')[1].split("</li>")[0]
    assert '<span class="plus">+1</span>' in added


def test_a_chain_of_single_folders_is_one_step(member, workspace):
    session = SessionFactory(workspace=workspace)
    add_file(session, "src/main/java/org/App.java", after="class App {}\n")
    add_file(session, "src/main/java/org/Util.java", after="class Util {}\n")
    add_file(session, "web/a/x.js", after="x\n")
    add_file(session, "web/b/y.js", after="y\n")
    page = signed_in(member).get(path_of(session)).content.decode()
    folders = [part.split("</summary>")[0] for part in page.split('<summary class="folder">')[1:]]
    assert folders == ["src/main/java/org/", "web/", "a/", "b/"]
    assert 'title="src/main/java/org/App.java">App.java</a>' in page


def test_split_is_unified_on_request_and_the_buttons_come_back_to_the_whole_page(member, dev):
    member.diff_view = "split"
    member.save()
    client = signed_in(member)
    assert 'class="code diff-table split"' in client.get(path_of(dev)).content.decode()
    narrow = client.get(path_of(dev), {"layout": "unified", "pane": "files", "w": "1"}).content.decode()
    assert 'class="code diff-table split"' not in narrow
    assert 'class="code diff-table unified"' in narrow
    assert "a split diff needs more room than this pane has" in narrow
    assert 'aria-pressed="true">Split</button>' in narrow  # the person's choice, kept
    # The way to the room: the page with the chat hidden, as the person chose it (not the pane, not unified).
    assert '<a href="?w=1&amp;wide=1">Hide the chat</a>' in narrow
    # The Unified/Split form returns to the page, not to the pane alone nor to the override.
    assert '<input type="hidden" name="next" value="' + path_of(dev) + '?w=1">' in narrow
