"""Which text PostgreSQL can store and compare: none with a NUL character or an unpaired surrogate.

JSON, URLs and form fields can carry both, and a query given either fails inside the database (a
`DataError`, or an encoding error before it is sent). Every way in — an imported document, a tool's
arguments, a cursor, a page's query string — asks here first and tells the person what was wrong.
What is only recorded (the activity log) is made storable instead: a record must never be refused.
"""

from __future__ import annotations


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored or matched, as the end of a sentence; None when it can."""
    if "\0" in text:
        return "contains a NUL character (\\u0000), which text cannot hold"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "contains an unpaired UTF-16 surrogate (\\ud800-\\udfff), which text cannot hold"
    return None


def storable(text: str, *, max_length: int) -> str:
    """`text` as a column of `max_length` characters can hold it: each NUL or unpaired surrogate replaced
    by U+FFFD (the replacement character), then cut to length."""
    if unstorable(text) is not None:
        text = "".join("\ufffd" if char == "\0" or "\ud800" <= char <= "\udfff" else char for char in text)
    return text[:max_length]
