"""Renames found by similarity, as `git diff -M` finds them: a deleted file and an added one whose contents
are at least half the same are one file, moved (and perhaps edited).

Similarity is git's idea measured by lines: the lines the two sides share, twice, over the lines of both
(100 for the same content, found by digest without comparing). Candidates are pruned by size first (two
contents whose sizes differ more than twice cannot be half the same) and the comparisons are bounded
(MAX_COMPARISONS), as git bounds them with diff.renameLimit; each pair takes libgit2 a fraction of a
millisecond. Binary files are renamed only when byte for byte the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from sessions_app.diffs import count_changes, split_lines

MIN_SIMILARITY = 50
MAX_COMPARISONS = 2_500


@dataclass(frozen=True)
class Side:
    """A deleted file's old content, or an added file's new one."""

    path: str
    digest: str
    size: int
    text: str | None  # None for a binary content


@dataclass(frozen=True)
class Rename:
    old_path: str
    new_path: str
    similarity: int  # percent


def find_renames(*, deleted: list[Side], added: list[Side]) -> list[Rename]:
    """Each deleted file paired with the added file most like it, best pairs first, each file at most once."""
    candidates: list[tuple[int, int, str, str]] = []
    compared = 0
    for old in deleted:
        for new in added:
            if old.digest == new.digest:
                candidates.append((100, _nearness(old, new), old.path, new.path))
                continue
            if old.text is None or new.text is None or not _sizes_allow(old.size, new.size):
                continue
            if compared >= MAX_COMPARISONS:
                continue
            compared += 1
            similarity = _similarity(old.text, new.text)
            if similarity >= MIN_SIMILARITY:
                candidates.append((similarity, _nearness(old, new), old.path, new.path))
    renames, used_old, used_new = [], set(), set()
    for similarity, _, old_path, new_path in sorted(candidates, key=lambda c: (-c[0], -c[1], c[2], c[3])):
        if old_path in used_old or new_path in used_new:
            continue
        used_old.add(old_path)
        used_new.add(new_path)
        renames.append(Rename(old_path=old_path, new_path=new_path, similarity=similarity))
    return renames


def _nearness(old: Side, new: Side) -> int:
    """Between equally similar pairs: the same name first, then the same folder (as git prefers a file's
    own name when contents tie)."""
    old_path, new_path = PurePosixPath(old.path), PurePosixPath(new.path)
    return 2 * (old_path.name == new_path.name) + (old_path.parent == new_path.parent)


def _sizes_allow(old: int, new: int) -> bool:
    return min(old, new) * 2 >= max(old, new)


def _similarity(before: str, after: str) -> int:
    counts = count_changes(before=before, after=after)
    old_lines, new_lines = len(split_lines(before)), len(split_lines(after))
    if counts is None or not old_lines + new_lines:
        return 0
    shared = old_lines - counts[1]
    # Rounded down, as git does: a pair only just under half the same is not a rename.
    return (200 * shared) // (old_lines + new_lines)
