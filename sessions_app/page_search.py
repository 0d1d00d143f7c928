"""A session page's search results: where a page of hits starts (`hits_from`), and snippets with the words
marked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from sessions_app.search.in_session import SearchHit

HIT_KEY = re.compile(r"m([0-9]{1,9})|f([01])\.([0-9]{1,9})\.(.{1,1024})", re.DOTALL)


@dataclass(frozen=True, slots=True)
class HitLink:
    """A search hit as the page lists it: what it is, where it goes, its snippet with the words marked."""

    hit: SearchHit
    href: str
    snippet: SafeString


def hit_key(hit: SearchHit) -> str:
    """Where a page of hits starting at `hit` starts, as `hits_from` carries it: `m<index>`, or
    `f<version>.<line>.<path>` (the path last: it may hold any character)."""
    position = hit.position
    return f"m{position[1]}" if position[0] == 0 else f"f{position[2]}.{position[3]}.{position[1]}"


def hit_position(key: str) -> tuple | None:
    """The search position a `hits_from` value names; None (the first page) for anything Alloy did not make."""
    if found := HIT_KEY.fullmatch(key):
        index, version, line, path = found.groups()
        return (0, int(index)) if index is not None else (1, path, int(version), int(line))
    return None


def marked(text: str, words: list[str]) -> SafeString:
    """`text` escaped, each occurrence of a word (any case) in <mark>."""
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(format_html("{}<mark>{}</mark>", text[last : match.start()], match.group()))
        last = match.end()
    parts.append(format_html("{}", text[last:]))
    return format_html_join("", "{}", ((part,) for part in parts))
