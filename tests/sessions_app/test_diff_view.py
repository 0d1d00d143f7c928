"""A diff laid out in rows: line numbers on both sides, highlighting, split pairs, a cap."""

import pytest

from sessions_app import diff_view
from sessions_app.diff_view import changed_words, diff_layout
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
    assert rows[0].html == "@@ -17,7 +17,7 @@ line 16"  # git's section heading: the line above that starts a definition
    assert (rows[1].old_number, rows[1].new_number) == (17, 17)
    assert [row.old_number for row in rows if row.kind == "removed"] == [20]


def test_each_side_is_highlighted_as_a_whole():
    rows = layout(None, 'x = """a\nb"""\n').rows  # an added file: nothing to compare word by word
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


def test_the_changed_words_of_an_edited_line_are_marked_on_both_sides():
    rows = layout("LIMIT = 60\n", "LIMIT = 120\n").rows
    removed, added = (row.html for row in rows if row.kind in ("removed", "added"))
    assert removed.endswith('<span class="mi chg">60</span>')
    assert added.endswith('<span class="mi chg">120</span>')
    assert '<span class="n">LIMIT</span>' in added  # the unchanged words are not


def test_a_replaced_line_is_not_marked_word_by_word():
    rows = layout("return True\n", "return bucket(key).take()\n").rows
    assert not any("chg" in row.html for row in rows)


def test_edits_pair_up_line_by_line_within_a_run():
    rows = layout("a = 1\nb = 2\n", "a = 10\nb = 20\nc = 3\n").rows
    marked = [(row.kind, row.html.count("chg")) for row in rows if row.kind != "hunk"]
    assert marked == [("removed", 1), ("removed", 1), ("added", 1), ("added", 1), ("added", 0)]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("x = 60", "x = 120", ([(4, 6)], [(4, 7)])),
        ("call(a, b)", "call(a, c)", ([(8, 9)], [(8, 9)])),
        ("same", "same", ([], [])),
        ("a" * 1001, "b", None),  # too long to compare
        ("alpha beta", "gamma delta", None),  # nothing shared: a replacement
    ],
)
def test_changed_words(old, new, expected):
    assert changed_words(old, new) == expected


def test_a_hunk_headings_code_is_escaped():
    # git's section heading is a line of the file: it may hold markup.
    before = "html = '<script>alert(1)</script>'\n" + "".join(f" {n}\n" for n in range(10))
    rows = layout(before, before.replace(" 5\n", " five\n"), path="x.py").rows
    assert rows[0].html == "@@ -4,7 +4,7 @@ html = &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;"
