"""Syntax highlighting for session pages (Pygments), one line at a time.

Pages number lines, link them and lay them side by side in diffs, so a text is highlighted as a whole
(a docstring that spans lines stays a string) and handed back as one HTML string per line. Over
`MAX_HIGHLIGHTED_CHARS` a text is only escaped: a huge file cannot stall a page.
"""

from functools import cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name, get_lexer_for_filename
from pygments.token import STANDARD_TYPES, _TokenType
from pygments.util import ClassNotFound

from sessions_app.diffs import split_lines

MAX_HIGHLIGHTED_CHARS = 200_000
LIGHT_STYLE = "default"  # Pygments' default meets WCAG AA contrast on white since 2.11
DARK_STYLE = "github-dark"


def lexer_for_path(path: str) -> Lexer:
    try:
        return get_lexer_for_filename(path, stripnl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False)


def lexer_for_language(language: str) -> Lexer:
    """A Markdown code block's lexer from its info string ("python", "js"), plain text if unknown."""
    try:
        return get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False)


@cache
def _css_class(token_type: _TokenType) -> str:
    """The short class Pygments' stylesheets use for a token type (its nearest standard ancestor's)."""
    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
    return STANDARD_TYPES[token_type]


def highlighted_lines(text: str, lexer: Lexer) -> list[SafeString]:
    """`text` as HTML, one string per line (as `split_lines` counts them), without the line ends."""
    count = len(split_lines(text))
    if len(text) > MAX_HIGHLIGHTED_CHARS:
        return [mark_safe(escape(line.rstrip("\n"))) for line in split_lines(text)]  # noqa: S308 - escaped
    lines: list[str] = []
    current: list[tuple[str, str]] = []  # (class, text) pieces of the line so far; neighbours of a class merged
    for token_type, value in lexer.get_tokens(text):
        css_class = _css_class(token_type)
        for number, part in enumerate(value.split("\n")):
            if number:
                lines.append(_line_html(current))
                current = []
            if not part:
                continue
            if current and current[-1][0] == css_class:
                current[-1] = (css_class, current[-1][1] + part)
            else:
                current.append((css_class, part))
    if current:
        lines.append(_line_html(current))
    # Pygments ends the text with a newline it may not have had: keep only the text's own lines.
    return [mark_safe(line) for line in lines[:count]]  # noqa: S308 - every piece escaped above


def _line_html(pieces: list[tuple[str, str]]) -> str:
    return "".join(
        f'<span class="{css_class}">{escape(text)}</span>' if css_class else escape(text) for css_class, text in pieces
    )


@cache
def stylesheet() -> str:
    """Token colours for `.highlight` blocks: the light style, and the dark one when the system is dark."""
    # Token rules only: the page's own stylesheet gives code its background, so rows can tint it.
    light = "\n".join(HtmlFormatter(style=LIGHT_STYLE).get_token_style_defs(".highlight"))
    dark = "\n".join(HtmlFormatter(style=DARK_STYLE).get_token_style_defs(".highlight"))
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}"
