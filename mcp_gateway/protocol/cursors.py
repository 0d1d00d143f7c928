"""Opaque cursors for MCP results.

A cursor names the list it belongs to and the position of the first item of the next page (a
message index and character offset, a path and diff line, an update time and id), as URL-safe base64
of compact JSON. It is opaque to clients; a tampered cursor can only move within what the caller may
already read, because every query it feeds is filtered by the caller's workspace first.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sessions_app.errors import InvalidArgument
from sessions_app.storable import unstorable

MAX_CURSOR_LENGTH = 2048


def encode_cursor(list_name: str, *position: Any) -> str:
    raw = json.dumps([list_name, *position], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, list_name: str, types: tuple[type, ...]) -> list[Any]:
    """The position in `cursor`, checked against the expected types; `InvalidArgument` otherwise."""
    invalid = InvalidArgument(
        "That cursor is not one this tool issued; pass the next_cursor of the previous result unchanged, "
        "or leave cursor out to start from the beginning."
    )
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise invalid
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, RecursionError):  # RecursionError: arrays nested a thousand deep
        raise invalid from None
    if not isinstance(decoded, list) or not decoded or decoded[0] != list_name:
        raise invalid
    position = decoded[1:]
    if len(position) != len(types) or not all(
        isinstance(value, kind) and not isinstance(value, bool) for value, kind in zip(position, types, strict=True)
    ):
        raise invalid
    if any(isinstance(value, int) and value < 0 for value in position):
        raise invalid
    if any(isinstance(value, str) and unstorable(value) for value in position):
        raise invalid
    return position
