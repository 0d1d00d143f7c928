"""How searches meet the indexes: titles, chats and file contents through the search tables beside the
walled ones (migrations 0009 and 0012), since under row-level security a LIKE or full-text match on a
walled table is never an index condition. The search tables are read inside functions (migration 0014),
whose plans EXPLAIN does not show: the tests count the scans of each index in the transaction instead."""

from collections.abc import Callable

import pytest
from django.db import connection

from sessions_app import selectors
from sessions_app.models import Message
from sessions_app.search import in_session as search
from tests.factories import MessageFactory, SessionFactory, add_file

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    """The plan with table scans ruled out: on tables this small PostgreSQL would scan them anyway."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def index_scans(index: str, search: Callable[[], object]) -> int:
    """How many times `search()` scanned `index`, table scans ruled out (on tables this small PostgreSQL
    would scan them anyway)."""

    def scans() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_get_xact_numscans(%s::regclass)", [index])
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    before = scans()
    search()
    return scans() - before


def test_file_content_search_uses_the_content_search_tables_index_keyed_by_workspace(dev):
    files = dev.files.filter(search._files_matching(dev, ["redis", "streams"]))
    assert index_scans("blobsearch_trigrams", lambda: list(files)) == 2  # once for the versions before, once after


def test_a_content_search_looks_for_the_trigrams_inside_the_words_as_the_contents_were_indexed(workspace):
    # pg_trgm folds case and splits words on anything but letters and digits, in the contents and here
    # alike; only the trigrams inside a word are asked for, so a substring still matches mid-word.
    session = SessionFactory(workspace=workspace)
    add_file(session, "cfg.py", after="MAX_RETRIES = 3\nretry_after = 'Über'\n")
    add_file(session, "other.py", after="nothing here\n")

    def found(*words: str) -> list[str]:
        return [file.path for file in session.files.filter(search._files_matching(session, list(words)))]

    assert found("max_ret") == found("AX_RETRIE") == found("ies = 3") == found("über") == ["cfg.py"]
    assert found("x_r", "=") == found("ü") == ["cfg.py"]  # no whole trigram: the workspace's contents, checked
    assert found("max_retries", "nothing") == []
    assert found("retries_max") == []


def test_under_row_level_security_a_like_is_never_an_index_condition(prototype):
    # Why titles and chats have no trigram index: the policy's checks come first, and `~~` is not
    # leakproof, so PostgreSQL scans even when told not to. A chat search scans one session's messages.
    assert "Seq Scan" in plan(Message.objects.filter(content__icontains="redis"))


def test_title_search_goes_through_the_title_search_tables_index(workspace):
    search_titles = lambda: selectors.session_list(workspace=workspace, query="redis")  # noqa: E731
    assert index_scans("sessiontitlesearch_trgm", search_titles) == 1


def test_chat_search_goes_through_the_chat_search_tables_index(prototype):
    messages = prototype.messages.filter(search._chat_matches(prototype, ["redis"]))
    assert index_scans("messagesearch_fts", lambda: list(messages)) == 1


def test_titles_found_after_import_and_rename_with_like_characters_taken_literally(workspace):
    renamed = SessionFactory(workspace=workspace, title="Old name")
    SessionFactory(workspace=workspace, title="100% coverage_plan")
    SessionFactory(workspace=workspace, title="100 percent coverage plan")
    renamed.title = "Move queues to Redis streams"
    renamed.save()

    def titles(query: str) -> list[str]:
        return [s.title for s in selectors.session_list(workspace=workspace, query=query).items]

    assert titles("redis STREAM") == ["Move queues to Redis streams"]
    assert titles("old name") == []
    assert titles("0% cov") == ["100% coverage_plan"]
    assert titles("e_p") == ["100% coverage_plan"]


def test_chat_search_stems_english_words(workspace):
    session = SessionFactory(workspace=workspace)
    MessageFactory(session=session, index=0, content="We dropped the Redis cache.")
    MessageFactory(session=session, index=1, content="Nothing here.")
    page = search.session_search(workspace=workspace, session_ref=session.public_id, query="drop redis")
    assert [hit.message_index for hit in page.hits] == [0]
