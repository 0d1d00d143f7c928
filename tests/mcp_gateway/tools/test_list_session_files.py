"""list_session_files: paths, sizes, dev status and counts, prefixes, pages, tenancy, constant queries."""

import pytest

from mcp_gateway.protocol.tools.budget import estimated_tokens
from sessions_app.documents import parse_document
from sessions_app.models import Blob, SessionFile
from sessions_app.services import session_import
from tests import session_shapes
from tests.factories import SessionFactory, add_file, pasted_link

pytestmark = pytest.mark.django_db


def test_prototype_files(tool, key, prototype):
    result = tool(key, "list_session_files", {"session": pasted_link(prototype)}).structured_content
    assert result["files"] == [
        {"path": "package.json", "size": 17, "language": "json", "binary": False},
        {"path": "src/App.jsx", "size": 33, "language": "javascript", "binary": False},
        {"path": "src/main.jsx", "size": 36, "language": "javascript", "binary": False},
    ]


def test_dev_files_have_status_and_counts(tool, key, dev):
    files = tool(key, "list_session_files", {"session": dev.public_id}).structured_content["files"]
    assert [(f["path"], f["status"], f["additions"], f["deletions"]) for f in files] == [
        ("api/limits.py", "added", 1, 0),
        ("api/views.py", "modified", 1, 1),
        ("old.txt", "deleted", 0, 1),
    ]


def test_prefix_and_pages(tool, key, prototype):
    first = tool(key, "list_session_files", {"session": prototype.public_id, "limit": 1}).structured_content
    assert [f["path"] for f in first["files"]] == ["package.json"]
    rest = (
        tool(key, "list_session_files", {"session": prototype.public_id, "cursor": first["next_cursor"]})
    ).structured_content
    assert [f["path"] for f in rest["files"]] == ["src/App.jsx", "src/main.jsx"]
    src = tool(key, "list_session_files", {"session": prototype.public_id, "path_prefix": "src/"}).structured_content
    assert len(src["files"]) == 2


def test_other_workspaces_files_are_not_found(assert_not_found_like_missing, key, foreign):
    assert_not_found_like_missing(key, "list_session_files", {"session": pasted_link(foreign)}, foreign.public_id)


@pytest.fixture
def sessions_of_two_sizes(workspace):
    sizes = {}
    for count in (3, 1200):
        session = SessionFactory(workspace=workspace)
        for n in range(count):
            add_file(session, f"src/f{n:05}.ts", after=f"export const n = {n % 7}\n")
        sizes[count] = session
    return sizes


def test_query_count_does_not_grow_with_the_session(tool, key, sessions_of_two_sizes, query_log):
    counts = []
    for session in sessions_of_two_sizes.values():
        with query_log() as log:
            result = tool(key, "list_session_files", {"session": session.public_id, "limit": 100})
        assert not result.is_error
        counts.append(log.count())
    assert counts == [2, 2]


def test_a_small_budget_pages_instead_of_cutting(tool, key, sessions_of_two_sizes, settings):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 1_250  # 3_000 bytes
    session = sessions_of_two_sizes[1200]
    result = tool(key, "list_session_files", {"session": session.public_id, "limit": 1000})
    assert len(result.content[0].text) <= 3_000
    shown = result.structured_content["files"]
    assert 10 < len(shown) < 1000
    rest = tool(
        key, "list_session_files", {"session": session.public_id, "cursor": result.structured_content["next_cursor"]}
    )
    assert rest.structured_content["files"][0]["path"] == f"src/f{len(shown):05}.ts"


def test_with_content_reads_a_small_prototype_in_one_call(tool, key, prototype):
    """Explaining the demo's prototype took 13 calls: the list, then each file."""
    files = tool(key, "list_session_files", {"session": prototype.public_id, "with_content": True}).structured_content
    assert {file["path"]: file["content"] for file in files["files"]} == {
        "package.json": '{"name": "todo"}\n',
        "src/App.jsx": "export default function App() {}\n",
        "src/main.jsx": "import App from './App'\nrender(App)\n",
    }
    assert "next_cursor" not in files
    plain = tool(key, "list_session_files", {"session": prototype.public_id}).structured_content
    assert not [file for file in plain["files"] if "content" in file]


def test_with_content_leaves_out_what_does_not_fit_and_keeps_going(tool, key, workspace, settings):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 1_250  # 3_000 bytes
    session = SessionFactory(workspace=workspace)
    add_file(session, "a.txt", after="small a\n")
    add_file(session, "b.txt", after="x" * 5_000 + "\n")  # never fits whole: listed, no content
    add_file(session, "c.txt", after="small c\n")
    png = Blob.objects.create(workspace=workspace, digest="b" * 64, size=4, is_binary=True, data=b"\x89PNG")
    SessionFile.objects.create(session=session, path="d.png", after=png, media_type="image/png")
    result = tool(key, "list_session_files", {"session": session.public_id, "with_content": True})
    assert len(result.content[0].text.encode()) <= 3_000
    files = {file["path"]: file.get("content") for file in result.structured_content["files"]}
    assert files == {"a.txt": "small a\n", "b.txt": None, "c.txt": "small c\n", "d.png": None}
    # Said in the text the model reads, with the call that reads it (it was left out without a word).
    assert result.structured_content["notes"] == [
        "b.txt came without content: longer than one result. Read by lines with"
        f' get_file_content(session="{session.public_id}", path=…, start_line=…, end_line=…).'
    ]


def test_with_content_ends_the_page_before_a_text_that_fits_only_the_next(tool, key, workspace, settings):
    """25 files: 7 came with content and 18 without, and nothing said so. Now every text comes whole."""
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 1_250  # 3_000 bytes
    session = SessionFactory(workspace=workspace)
    texts = {f"src/f{n:02}.js": f"export const value{n} = '{'v' * 700}';\n" for n in range(10)}
    for path, text in texts.items():
        add_file(session, path, after=text)
    seen, cursor, calls = {}, None, 0
    while True:
        arguments = {"session": session.public_id, "with_content": True} | ({"cursor": cursor} if cursor else {})
        page = tool(key, "list_session_files", arguments).structured_content
        calls += 1
        assert "notes" not in page
        seen |= {file["path"]: file["content"] for file in page["files"]}
        if not (cursor := page.get("next_cursor")):
            break
    assert seen == texts
    assert calls > 1


@pytest.mark.parametrize("reading", ["with_content", "with_outline"])
def test_contents_or_maps_cost_one_more_query_whatever_the_files(tool, key, sessions_of_two_sizes, query_log, reading):
    counts = []
    for session in sessions_of_two_sizes.values():
        with query_log() as log:
            tool(key, "list_session_files", {"session": session.public_id, "limit": 100, reading: True})
        counts.append(log.count())
    assert counts == [3, 3]


@pytest.mark.parametrize("reading", ["with_content", "with_outline"])
def test_contents_or_maps_in_another_workspace_are_not_found(assert_not_found_like_missing, key, foreign, reading):
    arguments = {"session": foreign.public_id, reading: True}
    assert_not_found_like_missing(key, "list_session_files", arguments, foreign.public_id)


APP = """import { useState } from "react";

export default function App() {
  const [items, setItems] = useState([]);
  return <List items={items} />;
}

export function List({ items }) {
  return <ul>{items.map((item) => <li key={item}>{item}</li>)}</ul>;
}
"""


def test_with_outline_maps_each_code_file_and_says_which_have_none(tool, key, workspace):
    session = SessionFactory(workspace=workspace)
    add_file(session, "src/App.jsx", after=APP)
    add_file(session, "api/app.py", after='@app.get("/items")\ndef items():\n    return []\n')
    add_file(session, "README.md", after="# Todo\n")
    add_file(session, "package-lock.json", after='{"lockfileVersion": 3}\n')
    result = tool(key, "list_session_files", {"session": session.public_id, "with_outline": True})
    files = {file["path"]: file.get("symbols") for file in result.structured_content["files"]}
    assert files == {
        "README.md": None,
        "api/app.py": ["route GET /items:1", "function items:2"],
        "package-lock.json": None,
        "src/App.jsx": ["component App:3", "component List:8"],
    }
    assert result.structured_content["notes"] == [
        "No map for package-lock.json (a lock file or generated): read with get_file_content.",
        "No map for README.md (no parser here for its kind): read with get_file_content.",
    ]
    assert not [file for file in result.structured_content["files"] if "content" in file]


def test_a_dev_sessions_map_marks_the_symbols_the_change_touched(tool, key, workspace):
    session = SessionFactory(workspace=workspace, kind="dev")
    before = APP
    after = APP.replace("<li key={item}>{item}</li>", "<li key={item.id}>{item.name}</li>")
    add_file(session, "src/App.jsx", before=before, after=after)
    add_file(session, "src/gone.js", before="export function gone() {}\n")
    files = tool(key, "list_session_files", {"session": session.public_id, "with_outline": True}).structured_content
    assert files["files"][0]["symbols"] == ["component App:3", "component List:8*"]
    assert "symbols" not in files["files"][1]  # deleted: its status says so
    assert "notes" not in files


def test_the_map_of_a_25_file_prototype_is_one_call_within_3500_tokens(tool, key, workspace):
    """Explaining such a prototype read every file: 21 calls and about 102,000 tokens."""
    files, written = session_shapes.prototype()
    session_import(document=parse_document(session_shapes.prototype_document(workspace.slug, "orders-prototype-1")))
    result = tool(key, "list_session_files", {"session": "orders-prototype-1", "with_outline": True})
    page = result.structured_content
    assert "next_cursor" not in page
    assert estimated_tokens(result.content[0].text) <= 3_500
    assert {file["path"] for file in page["files"]} == {file["path"] for file in files}
    mapped = {(file["path"], symbol) for file in page["files"] for symbol in file.get("symbols", [])}
    expected = {(path, f"{kind} {name}:{line}") for path, symbols in written.items() for kind, name, line in symbols}
    found = expected & mapped
    assert len(found) >= 0.9 * len(expected), sorted(expected - mapped)


def test_a_note_names_only_the_files_its_page_lists(tool, key, workspace, settings):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 1_250
    session = SessionFactory(workspace=workspace)
    for n in range(12):
        add_file(session, f"a/m{n:02}.py", after=f"def f{n}():\n    return {n}\n")
    long_name = "b/" + "n" * 1_000 + ".md"  # no map, and too long a listing to fit beside the others
    add_file(session, long_name, after="# Notes\n")
    first = tool(key, "list_session_files", {"session": session.public_id, "with_outline": True}).structured_content
    assert [file["path"] for file in first["files"]] == [f"a/m{n:02}.py" for n in range(12)]
    assert "notes" not in first  # the long file is on the next page, and said there
    arguments = {"session": session.public_id, "with_outline": True, "cursor": first["next_cursor"]}
    following = tool(key, "list_session_files", arguments).structured_content
    assert [file["path"] for file in following["files"]] == [long_name]
    assert following["notes"][0].startswith(f"No map for {long_name} (no parser here for its kind)")
