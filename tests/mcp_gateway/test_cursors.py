"""Cursors: what a tool issues comes back as the same position; anything else is one clear refusal."""

import base64
import json

import pytest

from mcp_gateway.protocol.cursors import MAX_CURSOR_LENGTH, decode_cursor, encode_cursor
from sessions_app.errors import InvalidArgument


def forged(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("name", "position", "types"),
    [("messages", (40, 1200), (int, int)), ("files", ("src/é 日本.py",), (str,)), ("diffs", ("a.py", 0), (str, int))],
)
def test_a_cursor_gives_back_its_position(name, position, types):
    cursor = encode_cursor(name, *position)
    assert "=" not in cursor
    assert decode_cursor(cursor, name, types) == list(position)


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor("files", "a.py"),  # another list's cursor
        encode_cursor("messages", 3),  # too few values
        encode_cursor("messages", 3, 4, 5),  # too many
        encode_cursor("messages", "3", 0),  # wrong type
        encode_cursor("messages", True, 0),  # a bool is not a number here
        encode_cursor("messages", -1, 0),  # negative
        encode_cursor("messages", 1.5, 0),
        encode_cursor("messages", 1, 0, "everything", ""),  # a detail no page has
        encode_cursor("messages", 1, 0, "full", "admin"),  # a role no message has
        forged({"messages": 1}),  # not a list
        forged(),  # empty
        "not base64!",
        "x" * (MAX_CURSOR_LENGTH + 1),
        base64.urlsafe_b64encode(b"[" * 5000).decode(),  # nested past the recursion limit
    ],
)
def test_anything_else_is_refused_with_one_message(cursor):
    with pytest.raises(InvalidArgument, match="not one this tool issued"):
        decode_cursor(cursor, "messages", (int, int))


def test_a_string_the_database_cannot_hold_is_refused():
    with pytest.raises(InvalidArgument):
        decode_cursor(encode_cursor("files", "a\x00b"), "files", (str,))
