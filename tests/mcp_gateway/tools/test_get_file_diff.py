"""get_file_diff: one file or all, pages and continuations within budget, prototype refusal, tenancy."""

import pytest

from sessions_app.diff_cache import diffs_in_memory
from sessions_app.documents import FileDocument
from sessions_app.live import session_files_record
from tests.factories import SessionFactory, add_file, pasted_link

pytestmark = pytest.mark.django_db


def test_one_file(tool, key, dev):
    result = tool(key, "get_file_diff", {"session": pasted_link(dev), "path": "api/views.py"}).structured_content
    [diff] = result["diffs"]
    assert diff == {
        "path": "api/views.py",
        "status": "modified",
        "additions": 1,
        "deletions": 1,
        "diff": "--- a/api/views.py\n+++ b/api/views.py\n@@ -1,2 +1,2 @@\n def view():\n-    pass\n+    check()\n",
    }


def test_all_files_in_the_order_a_reviewer_reads(tool, key, dev):
    result = tool(key, "get_file_diff", {"session": dev.public_id, "context_lines": 0}).structured_content
    # Source before documentation, the larger change first.
    assert [d["path"] for d in result["diffs"]] == ["api/views.py", "api/limits.py", "old.txt"]
    assert result["diffs"][1]["diff"].startswith("--- /dev/null\n+++ b/api/limits.py\n")
    assert result["reading_order"].startswith("Source first")
    assert "next_cursor" not in result


def test_prototype_sessions_have_files_not_diffs(tool, key, prototype):
    result = tool(key, "get_file_diff", {"session": prototype.public_id})
    assert result.is_error
    assert result.content[0].text == "This is a prototype session: it has files, not diffs; read its files instead."


def test_a_missing_path_suggests(tool, key, dev):
    result = tool(key, "get_file_diff", {"session": dev.public_id, "path": "api/view.py"})
    assert "did you mean api/views.py" in result.content[0].text


def test_other_workspaces_diffs_are_not_found(assert_not_found_like_missing, key, foreign):
    assert_not_found_like_missing(
        key, "get_file_diff", {"session": pasted_link(foreign), "path": "secret.py"}, foreign.public_id
    )


@pytest.fixture
def big_change(workspace):
    session = SessionFactory(workspace=workspace, kind="dev")
    before = "".join(f"value_{n} = {n}\n" for n in range(3000))
    after = "".join(f"value_{n} = {n * 2}\n" for n in range(3000))
    add_file(session, "a/small.py", before="x = 1\n", after="x = 2\n")
    add_file(session, "b/big.py", before=before, after=after)
    add_file(session, "c/small.py", before="y = 1\n", after="y = 2\n")
    return session


def test_a_long_diff_is_continued_across_pages_within_budget(tool, key, big_change, settings):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 3_334  # 8_000 bytes
    arguments, pages, big_parts = {"session": big_change.public_id}, [], []
    while True:
        result = tool(key, "get_file_diff", arguments)
        assert len(result.content[0].text) <= 8_000
        page = result.structured_content
        pages.append([d["path"] for d in page["diffs"]])
        big_parts += [d["diff"] for d in page["diffs"] if d["path"] == "b/big.py"]
        if "next_cursor" not in page:
            break
        arguments = {"session": big_change.public_id, "cursor": page["next_cursor"]}
    assert pages[0] == ["b/big.py"]  # the largest change first, cut at a line
    assert pages[-1][-2:] == ["a/small.py", "c/small.py"]  # after its last page
    big = "".join(big_parts)
    assert big.count("\n-value_") == big.count("\n+value_") == 2999  # every changed line, once (+1 at the top)
    assert len(pages) > 8


def test_a_long_diff_is_computed_once_not_per_page(tool, key, big_change, settings, query_log):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 3_334  # 8_000 bytes
    diffs_in_memory.clear()  # other tests diff the same contents
    arguments, reads_of_texts = {"session": big_change.public_id, "path": "b/big.py"}, []
    while True:
        with query_log() as log:
            page = tool(key, "get_file_diff", arguments).structured_content
        reads_of_texts.append(sum("sessions_app_blob" in sql and '"text"' in sql for sql in log.statements))
        if "next_cursor" not in page:
            break
        arguments = {**arguments, "cursor": page["next_cursor"]}
    # The two sides are read (and diffed) for the first page only; every later page slices the kept diff.
    assert reads_of_texts[0] == 1
    assert len(reads_of_texts) > 8
    assert set(reads_of_texts[1:]) == {0}


def test_a_cursor_for_another_path_is_refused(tool, key, big_change, settings):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 3_334  # 8_000 bytes
    first = tool(key, "get_file_diff", {"session": big_change.public_id, "path": "b/big.py"}).structured_content
    assert first["diffs"][0]["truncated"]["fetch_rest_with"]["path"] == "b/big.py"
    result = tool(
        key, "get_file_diff", {"session": big_change.public_id, "path": "a/small.py", "cursor": first["next_cursor"]}
    )
    assert result.is_error
    assert "another file" in result.content[0].text


@pytest.fixture
def many_changes(workspace):
    sessions = []
    for count in (3, 300):
        session = SessionFactory(workspace=workspace, kind="dev")
        for n in range(count):
            add_file(session, f"gen/f{n:04}.py", before=f"x = {n}\n", after=f"x = {n + 1}\n")
        sessions.append(session)
    return sessions


def test_query_count_does_not_grow_with_the_session(tool, key, many_changes, query_log):
    counts = []
    for session in many_changes:
        with query_log() as log:
            assert not tool(key, "get_file_diff", {"session": session.public_id}).is_error
        counts.append(log.count())
    # The session, the files, the texts of the diffs not computed yet (sessions_app/diff_cache.py).
    assert counts == [3, 3]


def test_a_file_changed_while_the_session_runs_says_when_and_its_diff_follows(tool, key, workspace):
    session = SessionFactory(workspace=workspace, kind="dev")
    session_files_record(session=session, files=[FileDocument(path="app.py", before="a\n", after="a\nb\n")])
    first = tool(key, "get_file_diff", {"session": session.public_id}).structured_content["diffs"][0]
    session_files_record(session=session, files=[FileDocument(path="app.py", after="a\nc\n")])
    later = tool(key, "get_file_diff", {"session": session.public_id}).structured_content["diffs"][0]
    assert "+b" in first["diff"]
    assert "+c" in later["diff"]
    assert "+b" not in later["diff"]  # a new content is a new diff: nothing stale from the cache
    assert later["changed_at"] >= first["changed_at"]
    listed = tool(key, "list_session_files", {"session": session.public_id}).structured_content["files"]
    assert listed[0]["changed_at"] == later["changed_at"]
