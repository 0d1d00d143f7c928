"""A unified diff laid out for reading: rows with old and new line numbers, highlighted, unified or split.

The diff's text is what the MCP tools return too (`diffs.py`); this module only reads it back. Each side
is highlighted as one text (the old side: context and removed lines; the new side: context and added
lines), so a string or comment that spans lines keeps its colour in the diff. A diff longer than
`MAX_ROWS` shows its first rows and says how many it left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import zip_longest
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygments.lexer import Lexer

from sessions_app.diffs import NO_NEWLINE, FileDiff
from sessions_app.highlight import highlighted_lines

MAX_ROWS = 3_000
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
    html = {side: highlighted_lines("".join(_ended(texts)), lexer) for side, texts in sides.items()}
    return DiffLayout(
        rows=[
            DiffRow(kind, old, new, html[place[0]][place[1]] if place else mark_safe(escape(text)))  # noqa: S308
            for (kind, old, new, text), place in zip(rows, where, strict=True)
        ],
        omitted_rows=omitted,
    )


def _ended(lines: list[str]) -> list[str]:
    """Each line with its own newline, so one that had none ("\\ No newline") still ends its row."""
    return [line if line.endswith("\n") else line + "\n" for line in lines]
