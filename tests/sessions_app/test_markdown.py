"""Chat messages render as Markdown, and nothing in them runs or reaches out."""

from html.parser import HTMLParser

import pytest

from sessions_app.markdown import MAX_RENDERED_CHARS, chat_html


class Elements(HTMLParser):
    """Every element of a piece of HTML, as a browser's parser sees it, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


def test_markdown_renders_code_emphasis_lists_and_tables():
    html = chat_html("Call `limit()` **once**, *then*:\n\n1. one\n2. two\n\n- a\n\n| a | b |\n|---|--:|\n| 1 | 2 |")
    assert "<code>limit()</code>" in html
    assert "<strong>once</strong>" in html
    assert "<em>then</em>" in html
    assert "<ol>\n<li>one</li>" in html
    assert "<ul>\n<li>a</li>" in html
    assert '<td style="text-align:right">2</td>' in html


def test_a_fenced_code_block_is_highlighted_in_its_language():
    html = chat_html("```python\ndef f():\n    return 1\n```")
    assert '<pre class="highlight" tabindex="0"><code><span class="k">def</span>' in html
    assert '<span class="mi">1</span>' in html


def test_an_unknown_language_is_plain_text():
    html = chat_html("```no-such-language\nx < y\n```")
    assert '<pre class="highlight" tabindex="0"><code>x &lt; y</code></pre>' in html


@pytest.mark.parametrize(
    "content",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<iframe src="https://evil.test"></iframe>',
        "<style>body{display:none}</style>",
        '<div onmouseover="alert(1)">hover</div>',
        "![tracker](https://evil.test/pixel.png)",
    ],
)
def test_html_and_script_in_a_message_are_neutralised(content):
    elements = Elements()
    elements.feed(chat_html(content))
    tags = {tag for tag, _ in elements.seen}
    assert tags <= {"p", "a"}, tags  # no script, img, iframe, style, div: their text at most
    for _tag, attributes in elements.seen:
        assert not [name for name, _ in attributes if name.startswith("on")]
        href = dict(attributes).get("href")
        assert href is None or href.startswith(("https:", "http:", "mailto:"))


def test_raw_html_is_shown_as_text():
    assert "&lt;b&gt;bold?&lt;/b&gt;" in chat_html("<b>bold?</b>")


def test_links_open_safely():
    html = chat_html("[docs](https://docs.example/x)")
    assert 'href="https://docs.example/x"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_a_huge_message_is_shown_as_escaped_text():
    html = chat_html("<b>" + "x" * MAX_RENDERED_CHARS)
    assert html.startswith('<pre class="plain">&lt;b&gt;xxx')
