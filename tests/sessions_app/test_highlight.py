"""Highlighting a text one line at a time, in colours people can read."""

import re

from sessions_app.diffs import split_lines
from sessions_app.highlight import (
    DARK_BACKGROUNDS,
    LIGHT_BACKGROUNDS,
    MAX_HIGHLIGHTED_CHARS,
    contrast,
    highlighted_lines,
    lexer_for_path,
    pieces_html,
    readable,
    stylesheet,
)


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


def test_every_token_colour_reads_on_every_code_background_in_both_schemes():
    light, dark = stylesheet().split("@media (prefers-color-scheme: dark)")
    for css, backgrounds in ((light, LIGHT_BACKGROUNDS), (dark, DARK_BACKGROUNDS)):
        colours = set(re.findall(r"\.highlight \.\w+(?:-\w+)? \{ color: #([0-9a-f]{6})", css))
        assert len(colours) > 5
        assert {name for name in backgrounds} <= set(re.findall(r"(--[\w-]+):", css))
        worst = min(contrast(colour, background) for colour in colours for background in backgrounds.values())
        assert worst >= 4.5


def test_a_colour_is_only_darkened_as_far_as_it_must_be():
    assert readable("008000", ["ffffff"], toward="000000") == "008000"  # 5.1:1 already
    darker = readable("008000", ["ffebe9"], toward="000000")
    assert contrast(darker, "ffebe9") >= 4.5
    assert contrast(readable("008000", ["ffebe9"], toward="000000"), "ffebe9") < 6


def test_a_page_highlights_in_the_language_the_tools_report():
    assert lexer_for_path("src/App.jsx").name == "JavaScript"  # language_for_path says "javascript"
    assert lexer_for_path("deploy/Dockerfile").name == "Docker"
    assert lexer_for_path("icon.svg").name == "XML"  # a language Pygments knows by another name: its guess
    assert lexer_for_path("notes.unknown-suffix").name == "Text only"


def test_marked_ranges_split_pieces_and_keep_escaping():
    pieces = [("n", "a<b"), ("", " "), ("mi", "123")]
    assert pieces_html(pieces, [(1, 2), (5, 6)]) == (
        '<span class="n">a</span><span class="n chg">&lt;</span><span class="n">b</span>'
        ' <span class="mi">1</span><span class="mi chg">2</span><span class="mi">3</span>'
    )
    assert pieces_html([("", "x y")], [(0, 3)]) == '<span class="chg">x y</span>'
