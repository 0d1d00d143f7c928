"""get_chat_history: oldest → newest, pages within the budget, long messages continued, tenancy."""

import json

import pytest
from pydantic import ValidationError

from mcp_gateway.protocol.cursors import encode_cursor
from mcp_gateway.protocol.tools.budget import result_tokens
from sessions_app.documents import MessageDocument
from sessions_app.live import IndexedMessage, session_messages_append, session_update
from sessions_app.models import Message
from tests.factories import SessionFactory, add_chat, pasted_link

pytestmark = pytest.mark.django_db


def test_first_page_oldest_first(tool, key, prototype):
    result = tool(key, "get_chat_history", {"session": pasted_link(prototype), "limit": 3}).structured_content
    assert result["session"]["id"] == prototype.public_id
    assert result["total_messages"] == 5
    assert [m["index"] for m in result["messages"]] == [0, 1, 2]
    assert [m["role"] for m in result["messages"]] == ["user", "assistant", "user"]
    rest = (
        tool(key, "get_chat_history", {"session": prototype.public_id, "cursor": result["next_cursor"]})
    ).structured_content
    assert [m["index"] for m in rest["messages"]] == [3, 4]
    assert "next_cursor" not in rest


def test_other_workspaces_chat_is_not_found(assert_not_found_like_missing, key, foreign):
    assert_not_found_like_missing(key, "get_chat_history", {"session": foreign.public_id}, foreign.public_id)
    assert_not_found_like_missing(key, "get_chat_history", {"session": pasted_link(foreign)}, foreign.public_id)


LONG_TEXT = "".join(f'line {n} with a "quote" and é\n' for n in range(1000))


@pytest.fixture
def long_message(workspace):
    session = SessionFactory(workspace=workspace)
    Message.objects.create(session=session, index=0, role="assistant", content=LONG_TEXT)
    Message.objects.create(session=session, index=1, role="user", content="thanks")
    return session


@pytest.fixture
def huge_chat(workspace):
    session = SessionFactory(workspace=workspace)
    add_chat(session, 60_000)
    return session


def test_a_message_longer_than_a_result_is_continued(tool, key, long_message, settings):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 2_084  # 5_000 bytes
    session, long_text = long_message, LONG_TEXT
    pieces, cursor, results = [], None, 0
    while True:
        arguments = {"session": session.public_id} | ({"cursor": cursor} if cursor else {})
        result = tool(key, "get_chat_history", arguments)
        results += 1
        # Within the budget as it is estimated (budget.py: 2.4 bytes a token as code, more as prose).
        assert result_tokens(json.loads(result.content[0].text), prose=True) <= 2_084
        page = result.structured_content
        first = page["messages"][0]
        if first["index"] == 0:
            assert first.get("starts_at_char", 0) == len("".join(pieces))
            pieces.append(first["content"])
            if "truncated" in first:
                assert first["truncated"]["fetch_rest_with"] == {
                    "session": session.public_id,
                    "cursor": page["next_cursor"],
                }
                assert first["truncated"]["remaining_chars"] == len(long_text) - len("".join(pieces))
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert "".join(pieces) == long_text
    assert page["messages"][-1]["content"] == "thanks"
    assert results > 5


def test_every_page_of_a_60000_message_chat_stays_in_budget(tool, key, huge_chat):
    indexes, cursor, pages = 0, None, 0
    while True:
        arguments = {"session": huge_chat.public_id, "limit": 500} | ({"cursor": cursor} if cursor else {})
        result = tool(key, "get_chat_history", arguments)
        assert len(result.content[0].text) <= 40_000
        page = result.structured_content
        assert page["messages"][0]["index"] == indexes
        indexes += len(page["messages"])
        pages += 1
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert indexes == 60_000
    assert pages > 100  # the budget, not the limit, decided where pages end


def test_the_last_page_costs_the_queries_the_first_does(tool, key, huge_chat, query_log):
    with query_log() as first_queries:
        first = tool(key, "get_chat_history", {"session": huge_chat.public_id, "limit": 100})
    # The last page, straight from a cursor for message 59,960: keyset, so no scan of what comes before.
    with query_log() as last_queries:
        last = tool(
            key,
            "get_chat_history",
            {"session": huge_chat.public_id, "cursor": encode_cursor("messages", 59_960, 0, "full", ""), "limit": 100},
        )
    assert first.structured_content["messages"][0]["index"] == 0
    assert last.structured_content["messages"][-1]["index"] == 59_999
    assert "next_cursor" not in last.structured_content
    # One statement: the page and its session together (sessions_app.selectors.message_page).
    assert first_queries.count() == last_queries.count() == 1


def test_start_index_starts_at_a_message_a_search_hit_names(tool, key, workspace):
    """A hit at message 299 of 300 was 14 calls and 130,000 tokens away when cursors were opaque."""
    session = SessionFactory(workspace=workspace)
    add_chat(session, 300)
    page = tool(key, "get_chat_history", {"session": session.public_id, "start_index": 294, "limit": 10})
    assert [m["index"] for m in page.structured_content["messages"]] == list(range(294, 300))
    assert "next_cursor" not in page.structured_content


def test_start_index_with_a_cursor_or_past_the_end_says_what_is_accepted(tool, key, prototype):
    cursor = encode_cursor("messages", 2, 0)
    both = tool(key, "get_chat_history", {"session": prototype.public_id, "cursor": cursor, "start_index": 1})
    assert both.is_error
    assert both.content[0].text == "Pass cursor or start_index, not both: a cursor already says where to go on."
    past = tool(key, "get_chat_history", {"session": prototype.public_id, "start_index": 6})
    assert past.is_error
    assert past.content[0].text == "start_index 6 is past the chat's last message, 4 (it has 5); indexes start at 0."
    with pytest.raises(ValidationError):
        tool(key, "get_chat_history", {"session": prototype.public_id, "start_index": -1})


def test_start_index_in_another_workspace_is_not_found(assert_not_found_like_missing, key, foreign):
    arguments = {"session": foreign.public_id, "start_index": 0}
    assert_not_found_like_missing(key, "get_chat_history", arguments, foreign.public_id)


@pytest.fixture
def talk(workspace):
    """A chat of long assistant answers and person's prompts, some short and some long."""
    session = SessionFactory(workspace=workspace)
    for index in range(40):
        if index % 2:
            content = (
                f"Prompt {index}: make the list sortable." if index % 4 == 1 else f"Prompt {index}: " + "why? " * 90
            )
            Message.objects.create(session=session, index=index, role="user", author="Dana", content=content)
        else:
            content = f"Answer {index}.\n\nI changed the table so that\n" + "it sorts. " * 150
            Message.objects.create(session=session, index=index, role="assistant", author="Alloy", content=content)
    session.message_count = 40
    session.save()
    return session


def test_an_outline_is_a_line_a_message_with_what_reads_it_whole(tool, key, talk):
    page = tool(key, "get_chat_history", {"session": talk.public_id, "detail": "outline"}).structured_content
    lines = page["outline"]
    assert len(lines) == 40
    assert "next_cursor" not in page
    assert "start_index=index, limit=1" in page["read_whole"]
    # An assistant's answer: its opening words, cut at a word and marked, on one line.
    assert lines[0].startswith("#0 assistant Alloy · ")
    assert ": Answer 0. I changed the table so that it sorts." in lines[0]
    assert lines[0].endswith("…")
    assert len(lines[0]) < 220
    assert "\n" not in "".join(lines)
    # A person's short prompt whole; a long one cut.
    assert lines[1].endswith(": Prompt 1: make the list sortable.")
    assert "· 33 chars:" in lines[1]
    assert lines[3].endswith("…")
    assert f"{len(talk.messages.get(index=3).content):,} chars" in lines[3]
    # The line's index reads the message whole.
    whole = tool(key, "get_chat_history", {"session": talk.public_id, "start_index": 2, "limit": 1})
    assert whole.structured_content["messages"][0]["content"] == talk.messages.get(index=2).content


def test_the_persons_messages_alone_cost_little_more_than_their_text(tool, key, talk):
    result = tool(key, "get_chat_history", {"session": talk.public_id, "role": "user"})
    page = result.structured_content
    assert page["role"] == "user"
    assert page["authors"] == ["Dana"]
    assert [m["index"] for m in page["messages"]] == list(range(1, 40, 2))
    assert set(page["messages"][0]) == {"index", "content"}
    own_text = "".join(m.content for m in talk.messages.filter(role="user"))
    note = len(json.dumps({"live": page["live"]}))  # a running session's last page says so (tested below)
    assert len(result.content[0].text) - note <= len(own_text) * 1.15


def test_an_outline_pages_by_the_budget_and_its_cursor_keeps_role_and_detail(tool, key, talk, settings):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 700
    arguments = {"session": talk.public_id, "detail": "outline", "role": "user", "start_index": 5}
    seen, pages, cursor = [], 0, None
    while True:
        page = tool(key, "get_chat_history", {"session": talk.public_id, "cursor": cursor} if cursor else arguments)
        pages += 1
        seen += [int(line.split(" ", 1)[0][1:]) for line in page.structured_content["outline"]]
        if not (cursor := page.structured_content.get("next_cursor")):
            break
    assert pages > 1
    assert seen == list(range(5, 40, 2))


def test_an_unknown_detail_or_role_is_refused_with_what_is_accepted(tool, key, talk):
    with pytest.raises(ValidationError, match="'full' or 'outline'"):
        tool(key, "get_chat_history", {"session": talk.public_id, "detail": "summary"})
    with pytest.raises(ValidationError, match="'user', 'assistant', 'system' or 'tool'"):
        tool(key, "get_chat_history", {"session": talk.public_id, "role": "person"})


def test_an_outline_of_another_workspaces_chat_is_not_found(assert_not_found_like_missing, key, foreign):
    arguments = {"session": foreign.public_id, "detail": "outline", "role": "user"}
    assert_not_found_like_missing(key, "get_chat_history", arguments, foreign.public_id)


def test_an_outline_page_is_one_query_wherever_it_starts(tool, key, workspace, query_log):
    session = SessionFactory(workspace=workspace)
    add_chat(session, 3_000)
    with query_log() as queries:
        page = tool(key, "get_chat_history", {"session": session.public_id, "detail": "outline", "start_index": 2_900})
    assert page.structured_content["outline"][0].startswith("#2900 ")
    assert queries.count() == 1


def test_a_running_sessions_last_page_says_more_may_come_and_where_to_read_it(tool, key, workspace):
    session = SessionFactory(workspace=workspace, status="active")
    session_messages_append(session=session, messages=[message_at(n) for n in range(3)])
    last = tool(key, "get_chat_history", {"session": session.public_id}).structured_content
    assert "next_cursor" not in last
    assert last["live"] == (
        "Still running: more messages and file changes may come (message 2 is the last so far). For what comes "
        "after: get_chat_history with start_index=3; files show changed_at."
    )
    first = tool(key, "get_chat_history", {"session": session.public_id, "limit": 2}).structured_content
    assert "live" not in first  # not the last page: its cursor goes on
    session_update(session=session, status="completed")
    assert "live" not in tool(key, "get_chat_history", {"session": session.public_id}).structured_content


def test_a_cursor_minted_before_an_append_goes_on_without_skipping_or_repeating(tool, key, workspace):
    session = SessionFactory(workspace=workspace)
    session_messages_append(session=session, messages=[message_at(n) for n in range(4)])
    page = tool(key, "get_chat_history", {"session": session.public_id, "limit": 2}).structured_content
    session_messages_append(session=session, messages=[message_at(n) for n in range(4, 7)])
    seen = [m["index"] for m in page["messages"]]
    while cursor := page.get("next_cursor"):
        page = tool(key, "get_chat_history", {"session": session.public_id, "cursor": cursor, "limit": 2})
        page = page.structured_content
        seen += [m["index"] for m in page["messages"]]
    assert seen == list(range(7))
    assert "start_index=7" in page["live"]


def message_at(index: int) -> IndexedMessage:
    return IndexedMessage(index=index, message=MessageDocument(role="user", content=f"said {index}"))


def test_the_next_message_of_a_running_session_is_no_error_before_it_is_said(tool, key, workspace):
    session = SessionFactory(workspace=workspace, status="active")
    session_messages_append(session=session, messages=[message_at(n) for n in range(2)])
    waiting = tool(key, "get_chat_history", {"session": session.public_id, "start_index": 2}).structured_content
    assert waiting["messages"] == []
    assert "start_index=2" in waiting["live"]
    past = tool(key, "get_chat_history", {"session": session.public_id, "start_index": 3})
    assert past.is_error
    assert "start_index 3 is past the chat's last message, 1" in past.content[0].text
    session_update(session=session, status="completed")
    finished = tool(key, "get_chat_history", {"session": session.public_id, "start_index": 2})
    assert finished.is_error
