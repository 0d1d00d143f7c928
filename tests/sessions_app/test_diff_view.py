"""A diff laid out in rows: line numbers on both sides, highlighting, split pairs, a cap."""

from sessions_app import diff_view
from sessions_app.diff_view import diff_layout
from sessions_app.diffs import diff_texts
from sessions_app.highlight import lexer_for_path


def layout(before: str | None, after: str | None, path: str = "x.py", **options):
    return diff_layout(diff_texts(before=before, after=after, path=path, **options), lexer_for_path(path))


def test_rows_carry_old_and_new_line_numbers():
    rows = layout("a = 1\nb = 2\nc = 3\n", "a = 1\nb = 22\nc = 3\nd = 4\n").rows
    assert [(row.kind, row.old_number, row.new_number) for row in rows] == [
        ("hunk", None, None),
        ("context", 1, 1),
        ("removed", 2, None),
        ("added", None, 2),
        ("context", 3, 3),
        ("added", None, 4),
    ]
    assert rows[0].html == "@@ -1,3 +1,4 @@"


def test_hunks_start_at_their_own_line_numbers():
    before = "".join(f"line {n}\n" for n in range(1, 31))
    after = before.replace("line 20\n", "line twenty\n")
    rows = layout(before, after, path="x.txt").rows
    assert rows[0].html == "@@ -17,7 +17,7 @@"
    assert (rows[1].old_number, rows[1].new_number) == (17, 17)
    assert [row.old_number for row in rows if row.kind == "removed"] == [20]


def test_each_side_is_highlighted_as_a_whole():
    rows = layout("x = 1\n", 'x = """a\nb"""\n').rows
    added = [row.html for row in rows if row.kind == "added"]
    assert added == ['<span class="n">x</span> <span class="o">=</span> <span class="s2">&quot;&quot;&quot;a</span>',
                     '<span class="s2">b&quot;&quot;&quot;</span>']  # fmt: skip


def test_a_missing_final_newline_is_a_note_row():
    rows = layout("a\n", "b", path="x.txt").rows
    assert [row.kind for row in rows][-1] == "note"
    assert rows[-1].html == "No newline at end of file"


def test_split_rows_pair_removals_with_the_additions_after_them():
    pairs = layout("a\nb\nc\nd\n", "a\nB\nC\nX\nd\n", path="x.txt").split_rows
    kinds = [(left and left.kind, right and right.kind) for left, right in pairs]
    assert kinds == [
        ("hunk", None),
        ("context", "context"),
        ("removed", "added"),
        ("removed", "added"),
        (None, "added"),
        ("context", "context"),
    ]


def test_a_very_long_diff_shows_its_first_rows(monkeypatch):
    monkeypatch.setattr(diff_view, "MAX_ROWS", 10)
    result = layout(None, "".join(f"{n}\n" for n in range(100)), path="x.txt")
    assert len(result.rows) == 10
    assert result.omitted_rows == 91  # 101 rows after the header: the hunk line and 100 additions
