"""Chat messages as HTML: Markdown (CommonMark with tables and strikethrough), code blocks highlighted,
everything else sanitized.

Chats hold what people and models wrote, including HTML and script meant as text, so two walls stand:
markdown-it renders raw HTML as text (`html` off), and nh3 keeps only the tags and attributes listed
here (and only http, https and mailto links) whatever the renderer produced. Images are left out: the
page's Content-Security-Policy would refuse them, and a chat should not make the reader fetch anything.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from sessions_app.highlight import highlighted_lines, lexer_for_language

# Above this a message is shown as plain text: Markdown's worst cases are not linear.
MAX_RENDERED_CHARS = 100_000
MAX_REMEMBERED_CHARS = 16_000

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "span", "blockquote", "a",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class"},
    "pre": {"class", "tabindex"},
    "code": {"class"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def _highlight_fence(code: str, language: str, _attributes: str) -> str:
    # `language` is the info string's first word (markdown-it splits it off).
    lines = highlighted_lines(code, lexer_for_language(language or "text"))
    # Focusable: a wide block scrolls sideways, and keyboards must be able to scroll it too.
    return '<pre class="highlight" tabindex="0"><code>' + "\n".join(lines) + "</code></pre>"


_renderer = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "highlight": _highlight_fence})
    .enable("table")
    .enable("strikethrough")
)


def chat_html(content: str) -> SafeString:
    """A message's content as safe HTML."""
    if len(content) > MAX_RENDERED_CHARS:
        return mark_safe(f'<pre class="plain">{escape(content)}</pre>')  # noqa: S308 - escaped
    if len(content) <= MAX_REMEMBERED_CHARS:
        return _remembered(content)
    return _rendered(content)


@lru_cache(maxsize=256)
def _remembered(content: str) -> SafeString:
    # Rendering costs about 1 ms a kilobyte (pure-Python Markdown, Pygments for code): a chat page read
    # again (the next person, a reload) renders from memory. Bounded: 256 messages of at most 16 KB.
    return _rendered(content)


def _rendered(content: str) -> SafeString:
    html = nh3.clean(
        _renderer.render(content),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )
    return mark_safe(html)  # noqa: S308 - sanitized by nh3 above
