"""Highlighting a text one line at a time."""

from sessions_app.diffs import split_lines
from sessions_app.highlight import MAX_HIGHLIGHTED_CHARS, highlighted_lines, lexer_for_path, stylesheet


def test_one_html_line_per_line_of_text_whatever_the_ending():
    for text in ("", "a", "a\n", "a\n\nb", "a\n\nb\n", "\n\n"):
        assert len(highlighted_lines(text, lexer_for_path("x.txt"))) == len(split_lines(text))


def test_a_token_spanning_lines_keeps_its_colour_on_each():
    lines = highlighted_lines('x = """one\ntwo"""\n', lexer_for_path("x.py"))
    assert lines[1] == '<span class="s2">two&quot;&quot;&quot;</span>'


def test_text_is_escaped():
    assert highlighted_lines("<b>&</b>", lexer_for_path("x.txt")) == ["&lt;b&gt;&amp;&lt;/b&gt;"]


def test_a_huge_text_is_only_escaped():
    text = "<" * MAX_HIGHLIGHTED_CHARS + "\nx = 1\n"
    lines = highlighted_lines(text, lexer_for_path("x.py"))
    assert lines[1] == "x = 1"
    assert lines[0].startswith("&lt;&lt;")


def test_the_stylesheet_has_a_dark_scheme():
    assert "@media (prefers-color-scheme: dark)" in stylesheet()
    assert ".highlight .k {" in stylesheet()
