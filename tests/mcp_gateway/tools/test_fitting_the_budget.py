"""Each tool's logic called directly, below the transport: how a page is filled to the result budget and
where the next one starts. (The tools' own test modules drive the same logic through the MCP stack.)"""

import pytest

from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.tools.budget import json_text, max_bytes
from mcp_gateway.protocol.tools.get_chat_history import chat_history
from mcp_gateway.protocol.tools.get_file_content import file_content
from mcp_gateway.protocol.tools.get_file_diff import file_diffs
from mcp_gateway.protocol.tools.list_session_files import session_files
from mcp_gateway.protocol.tools.list_sessions import sessions
from sessions_app.models import Message
from tests.factories import SessionFactory, add_file

pytestmark = pytest.mark.django_db

BUDGET_TOKENS = 1_250  # 3,000 bytes of JSON


@pytest.fixture(autouse=True)
def small_budget(settings):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = BUDGET_TOKENS


@pytest.fixture
def principal(workspace):
    return Principal(workspace=workspace, credential_kind="mcp_key", credential_id=1, user_id=None)


def size(result) -> int:
    text = json_text(result if isinstance(result, dict) else result.model_dump(mode="json", exclude_none=True))
    return len(text.encode())


def test_a_message_longer_than_a_result_is_cut_and_continued(principal, workspace):
    session = SessionFactory(workspace=workspace)
    Message.objects.create(session=session, index=0, role="user", content="a" * 5_000)
    first = chat_history(principal, session=session.public_id, cursor=None, limit=50)
    assert size(first) <= max_bytes()
    shown = len(first["messages"][0]["content"])
    assert first["messages"][0]["truncated"]["remaining_chars"] == 5_000 - shown
    content, page = first["messages"][0]["content"], first
    while "next_cursor" in page:
        page = chat_history(principal, session=session.public_id, cursor=page["next_cursor"], limit=50)
        assert page["messages"][0]["starts_at_char"] == len(content)
        content += page["messages"][0]["content"]
    assert content == "a" * 5_000


def test_a_chat_page_stops_before_the_message_that_does_not_fit(principal, workspace):
    session = SessionFactory(workspace=workspace)
    for index in range(10):
        Message.objects.create(session=session, index=index, role="user", content=f"{index}" * 600)
    page = chat_history(principal, session=session.public_id, cursor=None, limit=50)
    count = len(page["messages"])
    assert 1 <= count < 10
    assert "truncated" not in page["messages"][-1]  # whole messages only, when one fits
    following = chat_history(principal, session=session.public_id, cursor=page["next_cursor"], limit=50)
    assert following["messages"][0]["index"] == count


def test_a_file_is_cut_at_a_line_with_the_arguments_for_the_rest(principal, workspace):
    session = SessionFactory(workspace=workspace)
    add_file(session, "long.txt", after="".join(f"line {n:04}\n" for n in range(1, 1001)))
    result = file_content(principal, session=session.public_id, path="long.txt", start_line=None, end_line=None,
                          version=None)  # fmt: skip
    assert size(result) <= max_bytes()
    assert result.content.endswith("\n")
    assert result.truncated.fetch_rest_with == {
        "session": session.public_id,
        "path": "long.txt",
        "start_line": result.end_line + 1,
    }
    assert result.truncated.remaining_lines == 1000 - result.end_line


def test_whole_diffs_until_one_does_not_fit_which_starts_the_next_page(principal, workspace):
    session = SessionFactory(workspace=workspace, kind="dev")
    add_file(session, "a.py", before="a = 1\n", after="a = 2\n")
    # A test comes after the source, however large: it does not fit beside a.py.
    add_file(session, "tests/test_b.py", before=None, after="".join(f"b{n} = {n}\n" for n in range(400)))
    page = file_diffs(principal, session=session.public_id, path=None, context_lines=3, cursor=None)
    assert [diff["path"] for diff in page["diffs"]] == ["a.py"]
    following = file_diffs(principal, session=session.public_id, path=None, context_lines=3, cursor=page["next_cursor"])
    assert following["diffs"][0]["path"] == "tests/test_b.py"
    assert following["diffs"][0]["truncated"]["remaining_lines"] > 0  # b.py alone is over the budget
    assert size(following) <= max_bytes()


def test_a_file_listing_stops_where_the_budget_does(principal, workspace):
    session = SessionFactory(workspace=workspace)
    for n in range(60):
        add_file(session, f"src/module_{n:03}.py", after="x\n")
    page = session_files(principal, session=session.public_id, path_prefix=None, cursor=None, limit=200)
    assert 0 < len(page["files"]) < 60
    assert size(page) <= max_bytes()
    following = session_files(principal, session=session.public_id, path_prefix=None, cursor=page["next_cursor"],
                              limit=200)  # fmt: skip
    assert following["files"][0]["path"] == f"src/module_{len(page['files']):03}.py"


def test_a_session_listing_stops_where_the_budget_does(principal, workspace):
    for n in range(40):
        SessionFactory(workspace=workspace, title=f"A session with a long enough title {n}")
    page = sessions(principal, query=None, kind=None, status=None, cursor=None, limit=100)
    assert 0 < len(page.sessions) < 40
    assert size(page) <= max_bytes()
    assert page.next_cursor
