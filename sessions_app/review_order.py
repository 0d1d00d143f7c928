"""The order a reviewer reads a change in: source first, then tests, then documentation, then lock files and
generated code, then binary files; within each, the largest change first, then by path. Stored on each
changed file at import (`SessionFile.review_order`), so get_file_diff pages through it by keyset."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

SOURCE, TESTS, DOCUMENTATION, GENERATED, BINARY = range(5)
_SPAN = 1_000_000_000  # lines changed past this sort as this many

_TEST_FOLDERS = frozenset({"test", "tests", "__tests__", "spec", "specs", "e2e", "testing"})
_TEST_NAME = re.compile(r"(^test_.*\.py$)|(_test\.(py|go|rb|exs?)$)|(\.(test|spec)\.[cm]?[jt]sx?$)|(Tests?\.\w+$)")
_DOCUMENTATION_SUFFIXES = frozenset({".md", ".mdx", ".rst", ".txt", ".adoc"})


def review_rank(path: str, *, binary: bool, generated: bool) -> int:
    posix = PurePosixPath(path)
    if binary:
        return BINARY
    if generated:
        return GENERATED
    if _TEST_FOLDERS.intersection(part.lower() for part in posix.parts[:-1]) or _TEST_NAME.search(posix.name):
        return TESTS
    if posix.suffix.lower() in _DOCUMENTATION_SUFFIXES or posix.name.upper().startswith(("README", "CHANGELOG")):
        return DOCUMENTATION
    return SOURCE


def review_order(path: str, *, binary: bool, generated: bool, changed_lines: int) -> int:
    """One sortable number: the rank, then the lines changed, most first."""
    return review_rank(path, binary=binary, generated=generated) * _SPAN + (_SPAN - 1 - min(changed_lines, _SPAN - 1))


def review_rank_of(order: int) -> int:
    """The rank a stored review order was made from."""
    return order // _SPAN
