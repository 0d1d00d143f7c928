"""A unified diff laid out for reading: rows with old and new line numbers, highlighted, unified or split.

The diff's text is what the MCP tools return too (`diffs.py`); this module only reads it back. Each side
is highlighted as one text (the old side: context and removed lines; the new side: context and added
lines), so a string or comment that spans lines keeps its colour in the diff; in a line edited rather than
replaced, the words that changed are marked too. A diff longer than
`MAX_ROWS` shows its first rows and says how many it left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import zip_longest
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygments.lexer import Lexer

from sessions_app.diffs import NO_NEWLINE, FileDiff
from sessions_app.highlight import highlighted_pieces, pieces_html

MAX_ROWS = 3_000
MAX_COMPARED_CHARS = 1_000  # longer lines are marked changed as a whole, not word by word
MIN_SIMILARITY = 0.5  # two lines sharing less than this are a replacement, not an edit
WORD = re.compile(r"\w+|\s+|[^\w\s]")  # words, runs of space, and each other character
HUNK_HEADER = re.compile(r"@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)")

RowKind = Literal["hunk", "context", "added", "removed", "note"]


@dataclass(slots=True)
class DiffRow:
    kind: RowKind
    old_number: int | None
    new_number: int | None
    html: SafeString


@dataclass(frozen=True)
class DiffLayout:
    rows: list[DiffRow]
    omitted_rows: int  # rows past MAX_ROWS, not shown

    @property
    def split_rows(self) -> list[tuple[DiffRow | None, DiffRow | None]]:
        """Side by side: context on both sides; a run of removals beside the additions that follow it;
        hunk headers and notes across both (as (row, None) with row.kind saying so)."""
        pairs: list[tuple[DiffRow | None, DiffRow | None]] = []
        removed: list[DiffRow] = []
        added: list[DiffRow] = []

        def flush() -> None:
            pairs.extend(zip_longest(removed, added))
            removed.clear()
            added.clear()

        for row in self.rows:
            if row.kind == "removed":
                if added:  # a removal after additions starts a new run
                    flush()
                removed.append(row)
            elif row.kind == "added":
                added.append(row)
            else:
                flush()
                pairs.append((row, row) if row.kind == "context" else (row, None))
        flush()
        return pairs


def diff_layout(diff: FileDiff, lexer: Lexer) -> DiffLayout:
    lines = diff.lines[2:]  # past the ---/+++ header
    omitted = max(0, len(lines) - MAX_ROWS)
    # First the rows' numbers, with where each row's code is: a line of the old side or of the new one.
    rows: list[tuple[RowKind, int | None, int | None, str]] = []
    sides: dict[str, list[str]] = {"old": [], "new": []}
    where: list[tuple[str, int] | None] = []
    old_number = new_number = 0
    for line in lines[:MAX_ROWS]:
        mark, text = line[:1], line[1:]
        if mark == "@":
            if match := HUNK_HEADER.match(line):
                old_number, new_number = int(match[1]), int(match[2])
            rows.append(("hunk", None, None, line.rstrip("\n")))
            where.append(None)
        elif line == NO_NEWLINE:
            rows.append(("note", None, None, line[2:].rstrip("\n")))
            where.append(None)
        elif mark == " ":
            rows.append(("context", old_number, new_number, ""))
            where.append(("new", len(sides["new"])))
            sides["old"].append(text)
            sides["new"].append(text)
            old_number += 1
            new_number += 1
        elif mark == "-":
            rows.append(("removed", old_number, None, ""))
            where.append(("old", len(sides["old"])))
            sides["old"].append(text)
            old_number += 1
        elif mark == "+":
            rows.append(("added", None, new_number, ""))
            where.append(("new", len(sides["new"])))
            sides["new"].append(text)
            new_number += 1
    pieces = {side: highlighted_pieces("".join(_ended(texts)), lexer) for side, texts in sides.items()}
    marks = _changed_words(rows, where, sides)
    return DiffLayout(
        rows=[
            DiffRow(
                kind,
                old,
                new,
                pieces_html(pieces[place[0]][place[1]], marks.get(number, ())) if place else mark_safe(escape(text)),  # noqa: S308 - escaped
            )
            for number, ((kind, old, new, text), place) in enumerate(zip(rows, where, strict=True))
        ],
        omitted_rows=omitted,
    )


def _changed_words(
    rows: list[tuple[RowKind, int | None, int | None, str]],
    where: list[tuple[str, int] | None],
    sides: dict[str, list[str]],
) -> dict[int, list[tuple[int, int]]]:
    """The changed words of each edited line, by row: a run of removed lines followed by a run of added
    ones pairs up line by line (as the split view shows them), and each pair is compared word by word."""
    marks: dict[int, list[tuple[int, int]]] = {}
    removed: list[int] = []
    added: list[int] = []

    def pair_up() -> None:
        for old_row, new_row in zip(removed, added, strict=False):
            old_place, new_place = where[old_row], where[new_row]
            assert old_place is not None
            assert new_place is not None
            old_text = sides["old"][old_place[1]].rstrip("\n")
            new_text = sides["new"][new_place[1]].rstrip("\n")
            if changed := changed_words(old_text, new_text):
                marks[old_row], marks[new_row] = changed
        removed.clear()
        added.clear()

    for number, (kind, *_rest) in enumerate(rows):
        if kind == "removed":
            if added:
                pair_up()
            removed.append(number)
        elif kind == "added":
            added.append(number)
        else:
            pair_up()
    pair_up()
    return marks


def changed_words(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """Where two versions of a line differ, as character ranges of each, compared word by word; None when
    they are too long to compare or share too little to be one line edited (then the whole row says it)."""
    if len(old) > MAX_COMPARED_CHARS or len(new) > MAX_COMPARED_CHARS:
        return None
    old_words, new_words = WORD.findall(old), WORD.findall(new)
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    if matcher.ratio() < MIN_SIMILARITY:
        return None
    old_at, new_at = _offsets(old_words), _offsets(new_words)
    old_ranges, new_ranges = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            old_ranges.append((old_at[i1], old_at[i2]))
        if j2 > j1:
            new_ranges.append((new_at[j1], new_at[j2]))
    return old_ranges, new_ranges


def _offsets(words: list[str]) -> list[int]:
    """Where each word starts, and where the last one ends."""
    offsets = [0]
    for word in words:
        offsets.append(offsets[-1] + len(word))
    return offsets


def _ended(lines: list[str]) -> list[str]:
    """Each line with its own newline, so one that had none ("\\ No newline") still ends its row."""
    return [line if line.endswith("\n") else line + "\n" for line in lines]
