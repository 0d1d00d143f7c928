"""Syntax highlighting for session pages (Pygments), with a size cap so a huge file cannot stall a page."""

from functools import cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import DiffLexer, TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

MAX_HIGHLIGHTED_CHARS = 200_000


@cache
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(cssclass="highlight", wrapcode=True)


@cache
def stylesheet() -> str:
    return _formatter().get_style_defs(".highlight")


def _render(text: str, lexer) -> SafeString:
    if len(text) > MAX_HIGHLIGHTED_CHARS:
        return mark_safe(f'<pre class="highlight plain"><code>{escape(text)}</code></pre>')  # noqa: S308 - escaped
    return mark_safe(highlight(text, lexer, _formatter()))  # noqa: S308 - Pygments escapes its input


def highlight_file(path: str, text: str) -> SafeString:
    try:
        lexer = get_lexer_for_filename(path, stripnl=False)
    except ClassNotFound:
        lexer = TextLexer(stripnl=False)
    return _render(text, lexer)


def highlight_diff(text: str) -> SafeString:
    return _render(text, DiffLexer(stripnl=False))
