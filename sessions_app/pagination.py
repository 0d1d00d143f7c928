"""Keyset pages.

A selector returns the items of a page and the item that would come next (`following`), so the caller
can make a cursor from the next item's key — or, when it shows fewer items than it fetched (to stay
within a size budget), from the first item it left out. Keys are plain values (a message index, a
path, an update time and id); turning them into opaque cursors is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sessions_app.errors import InvalidArgument

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    following: T | None  # the first item of the next page; None on the last page

    @classmethod
    def from_rows(cls, rows: list[T], limit: int) -> Page[T]:
        """`rows` fetched with `limit + 1`: the extra row, if any, is the next page's first."""
        return cls(items=rows[:limit], following=rows[limit] if len(rows) > limit else None)


def check_limit(limit: int, *, maximum: int) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= maximum:
        raise InvalidArgument(f"limit must be a whole number from 1 to {maximum}.")
    return limit
