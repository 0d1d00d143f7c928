"""get_file_diff as a reviewer reads a change: source first, lock files as packages, generated files and binary
files as their sizes, renames in a line; the line diff one argument away; nothing summarised without a word."""

import base64
import io
import json
import struct

import pytest

from sessions_app.documents import parse_document
from sessions_app.exports import write_session_documents
from sessions_app.models import Session, SessionFile
from sessions_app.services import session_import
from tests.factories import SessionFactory, add_file

pytestmark = pytest.mark.django_db


def png(width: int, height: int) -> str:
    header = (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height) + b"\x08\x02\0\0\0"
    )
    return base64.b64encode(header + b"\0" * 20).decode()


def lock(packages: dict[str, str]) -> str:
    entries = {"": {"name": "app"}} | {f"node_modules/{name}": {"version": v} for name, v in packages.items()}
    return json.dumps({"name": "app", "lockfileVersion": 3, "packages": entries}, indent=2) + "\n"


MODULE = "".join(f"def function_{n}():\n    return {n}\n\n\n" for n in range(60))


@pytest.fixture
def change(workspace, owner):
    """A change as Alloy imports it: a lock file bumped, a file renamed whole and one renamed with an edit,
    an image replaced, a test and a source file edited, a minified bundle rebuilt."""
    before_lock = {f"pkg-{n}": "1.0.0" for n in range(300)} | {"left-pad": "1.3.0"}
    after_lock = {f"pkg-{n}": ("1.1.0" if n % 50 == 0 else "1.0.0") for n in range(300)} | {"react": "19.0.0"}
    files = [
        {"path": "package-lock.json", "before": lock(before_lock), "after": lock(after_lock)},
        {"path": "src/old_name.py", "before": MODULE},
        {"path": "src/new_name.py", "after": MODULE},
        {"path": "lib/moved.py", "before": MODULE},
        {"path": "pkg/moved.py", "after": MODULE.replace("return 7\n", "return 'seven'\n")},
        {"path": "logo.png", "before_base64": png(64, 32), "after_base64": png(128, 64)},
        {"path": "tests/test_app.py", "before": "def test():\n    pass\n", "after": "def test():\n    assert 1\n"},
        {"path": "src/app.py", "before": "x = 1\ny = 2\n", "after": "x = 1\ny = 3\nz = 4\n"},
        {"path": "dist/app.min.js", "before": "var a=1;", "after": "var a=2;"},
    ]
    document = {
        "workspace": "acme",
        "id": "review-me-0001",
        "kind": "dev",
        "title": "A change to review",
        "created_at": "2026-12-01T10:00:00Z",
        "updated_at": "2026-12-01T11:00:00Z",
        "created_by": "owner@acme.test",
        "messages": [],
        "files": files,
    }
    session_import(document=parse_document(document))
    return Session.objects.get(public_id="review-me-0001")


def test_every_change_is_accounted_for_in_reading_order(tool, key, change):
    page = tool(key, "get_file_diff", {"session": change.public_id}).structured_content
    assert [(d["path"], d["status"]) for d in page["diffs"]] == [
        ("src/app.py", "modified"),
        ("pkg/moved.py", "renamed"),
        ("src/new_name.py", "renamed"),
        ("tests/test_app.py", "modified"),
        ("package-lock.json", "modified"),
        ("dist/app.min.js", "modified"),
        ("logo.png", "modified"),
    ]
    assert "next_cursor" not in page


def test_a_lock_file_is_the_packages_it_changed(tool, key, change):
    [diff] = tool(key, "get_file_diff", {"session": change.public_id, "path": "package-lock.json"}).structured_content[
        "diffs"
    ]
    assert diff["packages"] == {
        "added": ["react 19.0.0"],
        "removed": ["left-pad 1.3.0"],
        "changed": [f"pkg-{n} 1.0.0 → 1.1.0" for n in sorted(range(0, 300, 50), key=lambda n: f"pkg-{n}")],
    }
    assert diff["summary"].startswith("A lock file: 1 packages added, 1 removed, 6 changed version (+")
    assert diff["summary"].endswith("The line diff: full=true.")
    assert "diff" not in diff
    whole = tool(key, "get_file_diff", {"session": change.public_id, "path": "package-lock.json", "full": True})
    [line_by_line] = whole.structured_content["diffs"]
    assert '-      "version": "1.0.0"\n+      "version": "1.1.0"\n' in line_by_line["diff"]
    assert "summary" not in line_by_line


def test_a_rename_is_one_line_and_a_rename_with_edits_shows_only_the_edits(tool, key, change):
    diffs = {
        d["path"]: d for d in tool(key, "get_file_diff", {"session": change.public_id}).structured_content["diffs"]
    }
    assert diffs["src/new_name.py"] == {
        "path": "src/new_name.py",
        "status": "renamed",
        "renamed_from": "src/old_name.py",
        "similarity": 100,
        "additions": 0,
        "deletions": 0,
    }
    edited = diffs["pkg/moved.py"]
    assert (edited["renamed_from"], edited["additions"], edited["deletions"]) == ("lib/moved.py", 1, 1)
    assert edited["similarity"] == 99
    assert edited["diff"].startswith("--- a/lib/moved.py\n+++ b/pkg/moved.py\n@@ -27,7 +27,7 @@ def function_6():\n")
    assert edited["diff"].count("\n-") == edited["diff"].count("\n+") - 1 == 1  # the edit alone
    assert not SessionFile.objects.filter(session=change, path__in=["src/old_name.py", "lib/moved.py"]).exists()
    # The file as it was is read at its new path.
    before = tool(
        key, "get_file_content", {"session": change.public_id, "path": "src/new_name.py", "version": "before"}
    )
    assert before.structured_content["content"].startswith("def function_0():")


def test_binary_and_generated_files_say_what_changed_in_size(tool, key, change):
    diffs = {
        d["path"]: d for d in tool(key, "get_file_diff", {"session": change.public_id}).structured_content["diffs"]
    }
    dimensions = "64\u00d732 \u2192 128\u00d764"  # as people write them, with the multiplication sign
    assert diffs["logo.png"]["summary"] == f"A binary file: 49 \u2192 49 bytes; {dimensions} pixels."
    assert (
        diffs["dist/app.min.js"]["summary"]
        == "Generated or minified (+1 -1 lines, 8 → 8 bytes). The line diff: full=true."
    )


def test_a_deleted_file_says_what_it_was_and_where_to_read_it(tool, key, change):
    diffs = {
        d["path"]: d for d in tool(key, "get_file_diff", {"session": change.public_id}).structured_content["diffs"]
    }
    assert "src/old_name.py" not in diffs  # renamed, not deleted
    session = SessionFactory(workspace=change.workspace, kind="dev")
    add_file(session, "src/gone.py", before="x = 1\ny = 2\n")
    [gone] = tool(key, "get_file_diff", {"session": session.public_id}).structured_content["diffs"]
    assert gone["summary"] == (
        'Deleted (2 lines, 12 bytes). What it held: get_file_content with version="before"; the line diff: full=true.'
    )
    assert "diff" not in gone
    [whole] = tool(key, "get_file_diff", {"session": session.public_id, "full": True}).structured_content["diffs"]
    assert whole["diff"] == "--- a/src/gone.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x = 1\n-y = 2\n"


def test_a_file_too_large_to_diff_says_how_to_read_it(tool, key, workspace, settings, monkeypatch):
    monkeypatch.setattr("sessions_app.diffs.MAX_DIFFED_BYTES", 100)
    session = SessionFactory(workspace=workspace, kind="dev")
    add_file(session, "big.py", before="x = 1\n" * 10, after="x = 2\n" * 10)
    [diff] = tool(key, "get_file_diff", {"session": session.public_id}).structured_content["diffs"]
    assert diff["summary"] == "Too large to diff (60 → 60 bytes): read it by lines with get_file_content."


def test_full_is_kept_by_the_cursor(tool, key, change, settings):
    settings.ALLOY_MCP_MAX_RESULT_TOKENS = 1_000
    arguments = {"session": change.public_id, "full": True}
    seen, cursor = [], None
    while True:
        page = tool(key, "get_file_diff", {"session": change.public_id, "cursor": cursor} if cursor else arguments)
        seen += [(d["path"], "summary" in d) for d in page.structured_content["diffs"]]
        if not (cursor := page.structured_content.get("next_cursor")):
            break
    assert ("package-lock.json", False) in seen
    assert ("package-lock.json", True) not in seen


def test_another_workspaces_change_is_not_found(assert_not_found_like_missing, key, foreign):
    arguments = {"session": foreign.public_id, "full": True}
    assert_not_found_like_missing(key, "get_file_diff", arguments, foreign.public_id)


def test_an_export_gives_back_the_files_the_rename_was_found_in_and_imports_the_same(change):
    out = io.StringIO()
    write_session_documents(workspace=change.workspace, write=out.write, session_id=change.public_id)
    exported = json.loads(out.getvalue())
    files = {f["path"]: f for f in exported["files"]}
    assert set(files["src/old_name.py"]) == {"path", "before"}
    assert set(files["src/new_name.py"]) == {"path", "after"}
    stored = sorted(SessionFile.objects.filter(session=change).values_list("path", "status", "renamed_from"))
    session_import(document=parse_document(exported | {"title": "Imported again"}))
    assert sorted(SessionFile.objects.filter(session=change).values_list("path", "status", "renamed_from")) == stored
