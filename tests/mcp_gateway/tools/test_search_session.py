"""search_session: words found in a session's chat and files, in order and paged, within its workspace
only; clear errors for an empty query or a cursor of another search."""

import pytest

from tests.factories import MessageFactory, SessionFactory, add_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(workspace, owner):
    session = SessionFactory(workspace=workspace, created_by=owner, kind="dev", title="Rate limits")
    chat = [
        "Let's add rate limits to the API.",
        "I'll keep the counters in Redis so every worker shares them.",
        "Actually, drop Redis: PostgreSQL advisory counters are enough for our traffic.",
        "Agreed. We decided to drop redis and keep one moving part.",
    ]
    for index, content in enumerate(chat):
        MessageFactory(session=session, index=index, role="user" if index % 2 == 0 else "assistant", content=content)
    add_file(session, "api/limits.py", before="import redis\nCLIENT = redis.Redis()\n", after="LIMIT = 10\n")
    add_file(session, "docs/notes.md", before=None, after="# Notes\nWe dropped Redis.\nMore notes.\n")
    return session


def test_every_word_must_occur_and_hits_come_in_order(tool, key, decided):
    result = tool(key, "search_session", {"session": decided.link(), "query": "drop REDIS"}).structured_content
    assert [(hit["kind"], hit.get("message_index"), hit.get("path"), hit.get("line")) for hit in result["hits"]] == [
        ("message", 2, None, None),
        ("message", 3, None, None),
        ("file", None, "docs/notes.md", 2),  # "dropped" holds "drop": words match inside words
    ]
    assert result["hits"][0]["snippet"].startswith("Actually, drop Redis")
    assert result["hits"][0]["role"] == "user"
    assert "next_cursor" not in result


def test_file_hits_name_the_path_version_and_line(tool, key, decided):
    result = tool(key, "search_session", {"session": decided.public_id, "query": "redis"}).structured_content
    files = [
        (hit["path"], hit["version"], hit["line"], hit["snippet"]) for hit in result["hits"] if hit["kind"] == "file"
    ]
    assert files == [
        ("api/limits.py", "before", 1, "import redis"),
        ("api/limits.py", "before", 2, "CLIENT = redis.Redis()"),
        ("docs/notes.md", "after", 2, "We dropped Redis."),
    ]


def test_pages_continue_from_chat_into_files_without_gaps(tool, key, decided):
    seen, cursor = [], None
    for _ in range(10):
        arguments = {"session": decided.public_id, "query": "redis", "limit": 2}
        if cursor:
            arguments["cursor"] = cursor
        result = tool(key, "search_session", arguments).structured_content
        seen += [(hit["kind"], hit.get("message_index"), hit.get("path"), hit.get("line")) for hit in result["hits"]]
        cursor = result.get("next_cursor")
        if cursor is None:
            break
    everything = tool(key, "search_session", {"session": decided.public_id, "query": "redis"}).structured_content
    assert seen == [
        (hit["kind"], hit.get("message_index"), hit.get("path"), hit.get("line")) for hit in everything["hits"]
    ]
    assert len(seen) == 6


def test_a_cursor_of_another_query_is_refused(tool, key, decided):
    first = tool(key, "search_session", {"session": decided.public_id, "query": "redis", "limit": 1})
    cursor = first.structured_content["next_cursor"]
    result = tool(key, "search_session", {"session": decided.public_id, "query": "limits", "cursor": cursor})
    assert result.is_error
    assert "belongs to another search" in result.content[0].text


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)  # through the whole stack: the server checks the arguments
@pytest.mark.parametrize(
    ("query", "says"), [("   ", "at least one word"), ("", "query string should have at least 1 character")]
)
async def test_an_empty_query_is_a_tool_error(call, key, decided, query, says):
    result = await call(key, "search_session", {"session": decided.public_id, "query": query})
    assert result.is_error
    assert says in result.content[0].text


def test_another_workspaces_session_is_not_found_like_a_missing_one(key, foreign, assert_not_found_like_missing):
    assert_not_found_like_missing(
        key, "search_session", {"session": foreign.public_id, "query": "the"}, foreign.public_id
    )


@pytest.fixture
def theirs(other_workspace):
    session = SessionFactory(workspace=other_workspace, title="Theirs")
    MessageFactory(session=session, index=0, content="globexonlyword in their chat")
    return session


def test_words_only_in_another_workspace_find_nothing_here(tool, key, decided, theirs):
    result = tool(key, "search_session", {"session": decided.public_id, "query": "globexonlyword"})
    assert result.structured_content["hits"] == []
