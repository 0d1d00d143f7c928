"""Unified diffs: correct hunks, counts, added/deleted files, and bounded work on huge inputs."""

import random
import subprocess

import pytest

from sessions_app.diffs import MAX_DIFFED_BYTES, TooLargeToDiff, count_changes, diff_texts, split_lines


def apply_with_patch(tmp_path, before: str | None, diff_text: str) -> str:
    """Apply our diff with patch(1): the strongest check that the diff is right."""
    target = tmp_path / "file.txt"
    target.write_text(before or "")
    subprocess.run(["patch", "-s", "--posix", str(target)], input=diff_text.encode(), check=True)
    return target.read_text()


def test_modified_file_has_hunks_with_context_and_counts():
    before = "".join(f"line {n}\n" for n in range(1, 21))
    after = before.replace("line 5\n", "line five\n").replace("line 15\n", "")
    diff = diff_texts(before=before, after=after, path="src/a.py", context_lines=2)
    assert diff.text.startswith("--- a/src/a.py\n+++ b/src/a.py\n")
    assert "@@ -3,5 +3,5 @@ line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n" in diff.text
    assert "@@ -13,5 +13,4 @@ line 12\n line 13\n line 14\n-line 15\n line 16\n line 17\n" in diff.text
    assert (diff.additions, diff.deletions) == (1, 2)


def test_nearby_changes_share_one_hunk():
    before = "".join(f"{n}\n" for n in range(10))
    after = before.replace("3\n", "three\n").replace("5\n", "five\n")
    diff = diff_texts(before=before, after=after, path="x", context_lines=3)
    assert diff.text.count("@@") == 2  # one header line: "@@ … @@"


def test_added_and_deleted_files_use_dev_null():
    added = diff_texts(before=None, after="a\nb\n", path="new.txt")
    assert added.text == "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+a\n+b\n"
    assert (added.additions, added.deletions) == (2, 0)
    deleted = diff_texts(before="a\n", after=None, path="old.txt")
    assert deleted.text == "--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"
    assert (deleted.additions, deleted.deletions) == (0, 1)


def test_missing_final_newline_is_marked():
    diff = diff_texts(before="a\nb", after="a\nc", path="f")
    assert "-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n" in diff.text


def test_equal_texts_give_an_empty_diff():
    diff = diff_texts(before="same\n", after="same\n", path="f")
    assert (diff.text, diff.additions, diff.deletions) == ("", 0, 0)


def test_only_newline_separates_lines():
    # Form feeds and Unicode line separators are characters, not line ends (as in git).
    assert split_lines("a\x0cb\u2028c\nd") == ["a\x0cb\u2028c\n", "d"]
    assert split_lines("") == []
    assert split_lines("x\r\ny\r\n") == ["x\r\n", "y\r\n"]


@pytest.mark.parametrize("seed", range(25))
def test_random_edits_apply_cleanly_with_patch(tmp_path, seed):
    rng = random.Random(seed)
    lines = [f"row {rng.randint(0, 30)}\n" for _ in range(rng.randint(0, 60))]
    edited = list(lines)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        position = rng.randint(0, len(edited))
        if choice < 0.4:
            edited.insert(position, f"new {rng.randint(0, 9)}\n")
        elif choice < 0.8 and edited:
            edited.pop(min(position, len(edited) - 1))
        elif edited:
            edited[min(position, len(edited) - 1)] = "changed\n"
    before, after = "".join(lines), "".join(edited)
    diff = diff_texts(before=before, after=after, path="file.txt", context_lines=rng.randint(0, 4))
    if before == after:
        assert diff.text == ""
        return
    assert apply_with_patch(tmp_path, before, diff.text) == after
    assert count_changes(before=before, after=after) == (diff.additions, diff.deletions)


def test_huge_files_are_diffed_exactly(tmp_path):
    # 200,000 lines with edits spread out: libgit2 finds each edit (difflib took minutes on such files).
    before_lines = [f"value = {n}\n" for n in range(200_000)]
    after_lines = list(before_lines)
    for position in range(10, 200_000, 7_000):
        after_lines[position] = f"value = {position} # edited\n"
    before, after = "".join(before_lines), "".join(after_lines)
    diff = diff_texts(before=before, after=after, path="big.py")
    assert (diff.additions, diff.deletions) == (29, 29)
    assert apply_with_patch(tmp_path, before, diff.text) == after


def test_a_lockfile_of_repetitive_lines_is_diffed_exactly(tmp_path):
    # The shape that held a worker for half a minute under difflib: thousands of near-identical entries.
    entries = [f'  "node_modules/pkg-{n % 300}": {{\n    "version": "1.{n % 7}.0",\n  }},\n' for n in range(4_000)]
    bumped = [entry.replace('"1.3.0"', '"1.4.0"') if n % 15 == 0 else entry for n, entry in enumerate(entries)]
    before, after = "".join(entries), "".join(bumped)
    diff = diff_texts(before=before, after=after, path="package-lock.json")
    changed = sum(1 for n, entry in enumerate(entries) if n % 15 == 0 and '"1.3.0"' in entry)
    assert (diff.additions, diff.deletions) == (changed, changed)
    assert apply_with_patch(tmp_path, before, diff.text) == after


def test_contents_past_the_bound_are_not_diffed():
    half = "x" * (MAX_DIFFED_BYTES // 2) + "\n"
    with pytest.raises(TooLargeToDiff):
        diff_texts(before=half, after=half + "y\n", path="huge.txt")
    assert count_changes(before=half, after=half + "y\n") is None
    assert count_changes(before="a\n", after="b\n") == (1, 1)


def test_whitespace_alone_can_be_ignored():
    before, after = "if x:\n  y()\n  z()\n", "if x:\n    y()\n    z(1)\n"
    assert diff_texts(before=before, after=after, path="a.py").additions == 2
    ignoring = diff_texts(before=before, after=after, path="a.py", ignore_whitespace=True)
    assert (ignoring.additions, ignoring.deletions) == (1, 1)
    assert "     y()\n" in ignoring.lines  # context, in its new form
    assert "-  z()\n" in ignoring.lines
    assert "+    z(1)\n" in ignoring.lines


def test_a_change_of_whitespace_only_is_no_change_when_ignored():
    assert diff_texts(before="a  b\n", after="a b\n", path="a", ignore_whitespace=True).lines == []
