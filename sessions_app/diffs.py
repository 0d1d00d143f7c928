"""Unified diffs of a file's `before` → `after`, bounded in time and memory.

`difflib` alone is quadratic in the worst case. We first strip the lines both sides share at the start
and the end (linear, and most real changes are small edits in large files), then match only the
changed middle. When that middle is still larger than `MAX_MATCHED_LINES` on either side we do not
try to find a minimal diff: the middle is reported as removed and re-added, and the result says it is
`approximate`. The diff is still correct (applying it gives `after`); it is only not the smallest.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

MAX_MATCHED_LINES = 20_000
NO_NEWLINE = "\\ No newline at end of file\n"

Opcode = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]


@dataclass(frozen=True)
class FileDiff:
    lines: list[str]  # the unified diff's lines, each with its "\n"; none when the sides are equal
    additions: int
    deletions: int
    approximate: bool = False

    @property
    def text(self) -> str:
        return "".join(self.lines)

    @property
    def size(self) -> int:
        """Characters, for the cache's budget."""
        return sum(map(len, self.lines))


def diff_texts(
    *, before: str | None, after: str | None, path: str, context_lines: int = 3, ignore_whitespace: bool = False
) -> FileDiff:
    """The unified diff of one file. `before` is None for an added file, `after` None for a deleted one.

    With `ignore_whitespace`, lines that differ only in whitespace count as equal (as `git diff -w`);
    they are shown as context, in their new form.
    """
    old, new = split_lines(before or ""), split_lines(after or "")
    if ignore_whitespace:
        opcodes, approximate = _opcodes(_without_whitespace(old), _without_whitespace(new))
    else:
        opcodes, approximate = _opcodes(old, new)
    additions = sum(j2 - j1 for tag, _, _, j1, j2 in opcodes if tag in ("replace", "insert"))
    deletions = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag in ("replace", "delete"))
    if not additions and not deletions:
        return FileDiff(lines=[], additions=0, deletions=0)
    from_name = "/dev/null" if before is None else f"a/{path}"
    to_name = "/dev/null" if after is None else f"b/{path}"
    lines = [f"--- {from_name}\n", f"+++ {to_name}\n"]
    for group in _KnownOpcodes(opcodes).get_grouped_opcodes(context_lines):
        lines.append(_hunk_header(group))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(_prefixed(" ", new[j1:j2] if ignore_whitespace else old[i1:i2]))
                continue
            if tag in ("replace", "delete"):
                lines.extend(_prefixed("-", old[i1:i2]))
            if tag in ("replace", "insert"):
                lines.extend(_prefixed("+", new[j1:j2]))
    return FileDiff(lines=lines, additions=additions, deletions=deletions, approximate=approximate)


def count_changes(*, before: str, after: str) -> tuple[int, int]:
    """(lines added, lines removed) — the same figures `diff_texts` reports, without the text."""
    opcodes, _ = _opcodes(split_lines(before), split_lines(after))
    additions = sum(j2 - j1 for tag, _, _, j1, j2 in opcodes if tag in ("replace", "insert"))
    deletions = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag in ("replace", "delete"))
    return additions, deletions


def split_lines(text: str) -> list[str]:
    """Lines with their "\n" kept; only "\n" ends a line, as in git and diff(1)."""
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def _without_whitespace(lines: list[str]) -> list[str]:
    return ["".join(line.split()) for line in lines]


def _opcodes(old: list[str], new: list[str]) -> tuple[list[Opcode], bool]:
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    old_end, new_end = len(old) - suffix, len(new) - suffix
    opcodes: list[Opcode] = []
    if prefix:
        opcodes.append(("equal", 0, prefix, 0, prefix))
    old_mid, new_mid = old[prefix:old_end], new[prefix:new_end]
    approximate = max(len(old_mid), len(new_mid)) > MAX_MATCHED_LINES
    if approximate:
        middle: list[Opcode] = [("replace", 0, len(old_mid), 0, len(new_mid))]
    else:
        middle = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in middle:
        if tag == "replace" and i1 == i2:
            tag = "insert"
        elif tag == "replace" and j1 == j2:
            tag = "delete"
        if i1 == i2 and j1 == j2:
            continue
        opcodes.append((tag, i1 + prefix, i2 + prefix, j1 + prefix, j2 + prefix))
    if suffix:
        opcodes.append(("equal", old_end, len(old), new_end, len(new)))
    return opcodes, approximate


class _KnownOpcodes(difflib.SequenceMatcher):
    """difflib's own hunk grouping (`get_grouped_opcodes`) over opcodes found here, in bounded time."""

    def __init__(self, opcodes: list[Opcode]) -> None:
        super().__init__(None, (), ())
        self._known = list(opcodes)  # difflib trims the first and last in place

    def get_opcodes(self) -> list[Opcode]:
        return self._known


def _hunk_header(group: Sequence[tuple[str, int, int, int, int]]) -> str:
    first, last = group[0], group[-1]
    return f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"


def _range(start: int, stop: int) -> str:
    # Unified diff ranges are 1-based; an empty range names the line before it.
    length = stop - start
    if length == 1:
        return f"{start + 1}"
    if length == 0:
        return f"{start},0"
    return f"{start + 1},{length}"


def _prefixed(mark: str, lines: list[str]) -> Iterator[str]:
    for line in lines:
        if line.endswith("\n"):
            yield mark + line
        else:
            yield mark + line + "\n"
            yield NO_NEWLINE
