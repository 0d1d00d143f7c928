"""Syntax highlighting for session pages (Pygments), one line at a time.

Pages number lines, link them and lay them side by side in diffs, so a text is highlighted as a whole
(a docstring that spans lines stays a string) and handed back as one HTML string per line. Over
`MAX_HIGHLIGHTED_CHARS` a text is only escaped: a huge file cannot stall a page.
"""

from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import pairwise

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name, get_lexer_for_filename
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, _TokenType
from pygments.util import ClassNotFound

from sessions_app.diffs import split_lines
from sessions_app.languages import language_for_path

MAX_HIGHLIGHTED_CHARS = 200_000
LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"


def lexer_for_path(path: str) -> Lexer:
    return _lexer_for_file_name(path.rsplit("/", 1)[-1])


@lru_cache(maxsize=1024)
def _lexer_for_file_name(name: str) -> Lexer:
    """The lexer of the language the tools report for the file (sessions_app/languages.py), so a page and
    Claude never disagree; Pygments' own guess from the name only for a language that table does not know
    or Pygments does not know by that name. Cached: a lookup by file name tries every lexer (0.5 ms), and a
    lexer holds no state between texts."""
    if language := language_for_path(name):
        try:
            return get_lexer_by_name(language, stripnl=False)
        except ClassNotFound:
            pass
    try:
        return get_lexer_for_filename(name, stripnl=False)
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
    while token_type not in STANDARD_TYPES and token_type.parent is not None:
        token_type = token_type.parent
    return STANDARD_TYPES.get(token_type, "")


Pieces = list[tuple[str, str]]  # one line as (CSS class, text) pieces; "" is plain text


def highlighted_pieces(text: str, lexer: Lexer) -> list[Pieces]:
    """`text` lexed, one list of (class, text) pieces per line (as `split_lines` counts them), without the
    line ends; neighbouring pieces of one class are merged."""
    text_lines = split_lines(text)
    if len(text) > MAX_HIGHLIGHTED_CHARS:
        return [[("", line.rstrip("\n"))] for line in text_lines]
    lines: list[Pieces] = []
    current: Pieces = []
    for token_type, value in lexer.get_tokens(text):
        css_class = _css_class(token_type)
        for number, part in enumerate(value.split("\n")):
            if number:
                lines.append(current)
                current = []
            if not part:
                continue
            if current and current[-1][0] == css_class:
                current[-1] = (css_class, current[-1][1] + part)
            else:
                current.append((css_class, part))
    if current:
        lines.append(current)
    # Pygments ends the text with a newline it may not have had: keep only the text's own lines.
    return lines[: len(text_lines)]


def highlighted_lines(text: str, lexer: Lexer) -> list[SafeString]:
    """`text` as HTML, one string per line (as `split_lines` counts them), without the line ends."""
    return [pieces_html(pieces) for pieces in highlighted_pieces(text, lexer)]


def pieces_html(pieces: Pieces, marked: Sequence[tuple[int, int]] = ()) -> SafeString:
    """One line's pieces as HTML; characters in the `marked` ranges (start, end) also get the class `chg`
    (a diff's changed words)."""
    if marked:
        pieces = _split_at_marks(pieces, marked)
    html = "".join(
        f'<span class="{css_class}">{escape(text)}</span>' if css_class else escape(text) for css_class, text in pieces
    )
    return mark_safe(html)  # noqa: S308 - every piece escaped above


def _split_at_marks(pieces: Pieces, marked: Sequence[tuple[int, int]]) -> Pieces:
    result: Pieces = []
    position = 0
    for css_class, text in pieces:
        end = position + len(text)
        cuts = sorted({position, end, *(p for range_ in marked for p in range_ if position < p < end)})
        for start, stop in pairwise(cuts):
            inside = any(first <= start and stop <= last for first, last in marked)
            part = text[start - position : stop - position]
            result.append(((f"{css_class} chg" if css_class else "chg") if inside else css_class, part))
        position = end
    return result


# Where code text sits, by scheme: the code box, added and removed rows, a linked line, a hunk header, the
# changed words of an edited line. The page's stylesheet uses these variables; the token colours below are
# made readable on every one of them.
LIGHT_BACKGROUNDS = {
    "--code-bg": "#f8fafc",
    "--added-bg": "#e6ffec",
    "--removed-bg": "#ffebe9",
    "--line-selected": "#fff8c5",
    "--hunk-bg": "#eef3fc",
    "--added-num": "#ccffd8",
    "--removed-num": "#ffd7d5",
    "--added-word": "#abf2bc",
    "--removed-word": "#ffcecb",
}
DARK_BACKGROUNDS = {
    "--code-bg": "#0d1117",
    "--added-bg": "#0f2a1a",
    "--removed-bg": "#2f1417",
    "--line-selected": "#3a3320",
    "--hunk-bg": "#121d2f",
    "--added-num": "#14361f",
    "--removed-num": "#3b181c",
    "--added-word": "#1d4428",
    "--removed-word": "#5c1f21",
}
MINIMUM_CONTRAST = 4.6  # WCAG AA asks 4.5:1 of text; a little over, for rounding


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two colours given as "rrggbb" or "#rrggbb"."""
    lighter, darker = sorted((_luminance(first.lstrip("#")), _luminance(second.lstrip("#"))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable(colour: str, backgrounds: list[str], *, toward: str) -> str:
    """`colour`, mixed step by step with `toward` (black for light schemes, white for dark) until it reads
    at MINIMUM_CONTRAST on every background: the style's hue, at a contrast people can read."""
    start = [int(colour[i : i + 2], 16) for i in (0, 2, 4)]
    end = [int(toward[i : i + 2], 16) for i in (0, 2, 4)]
    for step in range(21):
        mixed = "".join(f"{round(a + (b - a) * step / 20):02x}" for a, b in zip(start, end, strict=True))
        if min(contrast(mixed, background) for background in backgrounds) >= MINIMUM_CONTRAST:
            return mixed
    return toward


def _token_rules(style_name: str, backgrounds: dict[str, str], *, toward: str) -> list[str]:
    style = get_style_by_name(style_name)
    rules = []
    for token_type, css_class in STANDARD_TYPES.items():
        if not css_class:
            continue
        token_style = style.style_for_token(token_type)
        declarations = []
        if token_style["color"]:
            colour = readable(token_style["color"], list(backgrounds.values()), toward=toward)
            declarations.append(f"color: #{colour}")
        if token_style["bold"]:
            declarations.append("font-weight: bold")
        if token_style["italic"]:
            declarations.append("font-style: italic")
        if declarations:
            rules.append(f".highlight .{css_class} {{ {'; '.join(declarations)} }}")
    return rules


def _variables(backgrounds: dict[str, str]) -> str:
    return ":root { " + " ".join(f"{name}: {colour};" for name, colour in backgrounds.items()) + " }"


@cache
def stylesheet() -> str:
    """Code colours: the backgrounds code sits on and the token colours of the light style, then the dark
    ones when the system is dark. Token rules only (the page gives code its background, so rows can tint it)."""
    light = [_variables(LIGHT_BACKGROUNDS), *_token_rules(LIGHT_STYLE, LIGHT_BACKGROUNDS, toward="000000")]
    dark = [_variables(DARK_BACKGROUNDS), *_token_rules(DARK_STYLE, DARK_BACKGROUNDS, toward="ffffff")]
    return "\n".join(light) + "\n@media (prefers-color-scheme: dark) {\n" + "\n".join(dark) + "\n}"
