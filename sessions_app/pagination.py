"""Keyset pages with opaque cursors.

A cursor is the position after the last item of a page (an index, a path, a time and id), wrapped in
URL-safe base64 together with the name of the list it belongs to. It is opaque to callers, and a
tampered cursor can only move within what the caller may already read: every query it feeds is
filtered by workspace and session first.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sessions_app.errors import InvalidArgument

T = TypeVar("T")

MAX_CURSOR_LENGTH = 2048


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None  # None on the last page


def encode_cursor(list_name: str, position: list[Any]) -> str:
    raw = json.dumps([list_name, *position], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, list_name: str) -> list[Any]:
    """The position inside `cursor`; `InvalidArgument` if it was not issued for this list."""
    invalid = InvalidArgument(
        "That cursor is not one this list issued; pass the next_cursor of the previous page, "
        "or leave the cursor out to start from the first page."
    )
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        decoded = json.loads(raw)
    except (binascii.Error, ValueError):
        raise invalid from None
    if not isinstance(decoded, list) or not decoded or decoded[0] != list_name:
        raise invalid
    return decoded[1:]


def check_limit(limit: int, *, maximum: int) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= maximum:
        raise InvalidArgument(f"limit must be a whole number from 1 to {maximum}.")
    return limit
