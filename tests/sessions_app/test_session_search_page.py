"""A session's page finds words in its chat and files (the search_session selector, behind the wall), and
its long chat says where a page sits and gives each message an address that works from any page."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app import views
from sessions_app.models import Message
from tests.factories import SessionFactory, add_file, signed_in

pytestmark = pytest.mark.django_db


def path_of(session) -> str:
    return urlsplit(session.link()).path


@pytest.fixture
def long_chat(workspace):
    session = SessionFactory(workspace=workspace, kind="dev", title="Rate limits")
    Message.objects.bulk_create(
        Message(session=session, index=i, role="user" if i % 2 else "assistant", content=f"note {i}")
        for i in range(130)
    )
    Message.objects.filter(session=session, index=75).update(content="We decided on a token bucket in Redis.")
    session.message_count = 130
    session.save(update_fields=["message_count"])
    add_file(session, "api/bucket.py", before="x = 1\n", after="# a token bucket\nclass Bucket:\n    pass\n")
    return session


def test_a_search_lists_the_messages_and_file_lines_holding_every_word(member, long_chat):
    page = signed_in(member).get(path_of(long_chat), {"q": "token bucket"}).content.decode()
    assert "Search results" in page
    # Lines in a file holding them all: each line with one of the words (line 2 has "Bucket").
    assert "3 places with every word of “token bucket”" in page
    # The message on its page of the chat, at its anchor; the line in the file, at its number.
    assert '<a href="?from=50#m75">Message 75' in page
    assert '<a href="?q=token+bucket&amp;file=api%2Fbucket.py#L1"><code>api/bucket.py</code> line 1' in page
    assert "We decided on a <mark>token</mark> <mark>bucket</mark> in Redis." in page
    assert "note 74" not in page  # the results stand in for the chat
    assert '<a href="?">Back to the chat</a>' in page


def test_a_search_keeps_the_open_file(member, long_chat):
    page = signed_in(member).get(path_of(long_chat), {"q": "bucket", "file": "api/bucket.py"}).content.decode()
    assert '<input type="hidden" name="file" value="api/bucket.py">' in page
    assert 'id="file-heading"' in page


def test_a_search_that_finds_nothing_says_so(member, long_chat):
    page = signed_in(member).get(path_of(long_chat), {"q": "kafka"}).content.decode()
    assert "Nothing in this session's chat or files holds every word of “kafka”." in page


def test_a_search_of_too_many_words_says_what_is_accepted(member, long_chat):
    response = signed_in(member).get(path_of(long_chat), {"q": " ".join(["w"] * 9)})
    assert response.status_code == 200
    assert "query must be at most 8 words and 200 characters." in response.content.decode()


def test_words_in_a_snippet_are_escaped_around_the_marks(member, workspace):
    session = SessionFactory(workspace=workspace)
    Message.objects.create(session=session, index=0, role="user", content="<script>alert(1)</script> bucket")
    page = signed_in(member).get(path_of(session), {"q": "bucket"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>bucket</mark>" in page
    assert "<script>alert" not in page


def test_a_search_reads_behind_the_wall_and_finds_nothing_of_another_workspace(member, outsider, long_chat, foreign):
    with CaptureQueriesContext(connection) as queries:
        page = signed_in(member).get(path_of(long_chat), {"q": "secret"}).content.decode()
    assert "their secret" not in page
    assert any("set_config('alloy.workspace_id'" in q["sql"] for q in queries.captured_queries)
    assert signed_in(member).get(path_of(foreign), {"q": "secret"}).status_code == 404


def test_a_long_chat_says_where_the_page_sits_and_links_each_message(member, long_chat):
    client = signed_in(member)
    page = client.get(path_of(long_chat), {"from": 50}).content.decode()
    assert "Messages #50 to #99 of 130" in page
    assert "Earlier messages (#0 to #49)" in page
    assert "Later messages (from #100)" in page
    assert '<a class="permalink muted" href="?from=50#m75" aria-label="Link to message 75">#75</a>' in page
    assert 'data-chat data-page-size="50" data-count="130"' in page
    # A page that starts elsewhere (an older link) gives a message the same permalink.
    shifted = client.get(path_of(long_chat), {"from": 60}).content.decode()
    assert 'href="?from=50#m75"' in shifted


def test_a_short_chat_shows_no_position(member, prototype):
    page = signed_in(member).get(path_of(prototype)).content.decode()
    assert "Messages #" not in page


def test_a_search_costs_queries_bounded_by_its_page(member, long_chat, django_assert_max_num_queries):
    """Matching files are read ten at a time until the page's 50 hits are found: 150 files that each hold
    the word cost what 50 do (a file that matches has at least one hit)."""
    for n in range(150):
        add_file(long_chat, f"more/f{n:03}.py", before=None, after="bucket = 1\n")
    client = signed_in(member)
    # Four name the signed-in person in the test's transaction (a savepoint, the setting, the setting given back,
    # the release; a page served for real names them with one statement: alloy.middleware.person_behind_the_wall).
    with django_assert_max_num_queries(23):
        assert client.get(path_of(long_chat), {"q": "bucket"}).status_code == 200


def test_page_sizes_agree(monkeypatch):
    """The permalink arithmetic and the page's script share the page size the view pages by."""
    monkeypatch.setattr(views, "MESSAGES_PER_PAGE", 20)
    assert views.message_address(views.QueryDict(), 75) == "?from=60#m75"


def test_more_results_page_on_from_where_the_last_page_ended(member, workspace, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_HITS_PER_PAGE", 2)
    session = SessionFactory(workspace=workspace, kind="dev")
    Message.objects.bulk_create(Message(session=session, index=i, role="user", content=f"bucket {i}") for i in range(4))
    add_file(session, "src/a.b/c.py", before=None, after="bucket = 1\nbucket = 2\n")
    client = signed_in(member)
    seen, query = [], {"q": "bucket"}
    for _ in range(3):
        page = client.get(path_of(session), query).content.decode()
        seen += re.findall(r'<a href="[^"]*">(Message \d+|<code>src/a\.b/c\.py</code> line \d)', page)
        following = re.search(r'<a href="\?([^"]*)" rel="next">More results</a>', page)
        if not following:
            break
        query = dict(parse_qsl(following[1].replace("&amp;", "&")))
    assert seen == [
        "Message 0",
        "Message 1",
        "Message 2",
        "Message 3",
        "<code>src/a.b/c.py</code> line 1",
        "<code>src/a.b/c.py</code> line 2",
    ]
    assert query["hits_from"] == "f0.1.src/a.b/c.py"  # a path with dots, after the line
    assert "First results" in page


@pytest.mark.parametrize("value", ["x", "m-1", "f2.1.a", "m99999999999", "f0.1."])
def test_a_results_position_alloy_did_not_make_starts_at_the_first(member, long_chat, value):
    page = signed_in(member).get(path_of(long_chat), {"q": "token bucket", "hits_from": value})
    assert page.status_code == 200
    assert '<a href="?from=50#m75">Message 75' in page.content.decode()
