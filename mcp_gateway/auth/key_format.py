"""The MCP key format: `alloy_mcp_` + 38 random base62 characters + a 6-character checksum.

    alloy_mcp_4fTq9ZcLx2…(38)…Kp1DxA   (54 characters)

- The fixed prefix lets secret scanners (GitHub, GitGuardian…) recognise a leaked key.
- The checksum (CRC32 of everything before it, in base62) catches typos and truncated pastes without
  a database round trip, and lets scanners rule out random look-alikes.
- The first 8 random characters are the key's public `prefix`: shown in lists, used to find the row.
  The key itself is never stored: only an HMAC-SHA256 of it, keyed with a server secret, so a copy of
  the database does not yield usable keys. The HMAC is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import zlib
from dataclasses import dataclass

from django.conf import settings

KEY_PREFIX = "alloy_mcp_"
BODY_LENGTH = 38  # 38 base62 characters ≈ 226 random bits
CHECKSUM_LENGTH = 6
LOOKUP_LENGTH = 8
KEY_LENGTH = len(KEY_PREFIX) + BODY_LENGTH + CHECKSUM_LENGTH
_BASE62 = string.digits + string.ascii_letters


class MalformedKey(ValueError):
    """Not an MCP key at all, or one with a wrong checksum (mistyped or truncated)."""


@dataclass(frozen=True)
class ParsedKey:
    key: str
    lookup: str  # the public prefix stored on the row, e.g. "alloy_mcp_4fTq9ZcL"


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(_BASE62[digit])
    return "".join(reversed(digits))


def _checksum(text: str) -> str:
    return _base62(zlib.crc32(text.encode()), CHECKSUM_LENGTH)


def generate_key() -> str:
    body = "".join(secrets.choice(_BASE62) for _ in range(BODY_LENGTH))
    return KEY_PREFIX + body + _checksum(KEY_PREFIX + body)


def looks_like_key(text: str) -> bool:
    """Whether a credential is meant as an MCP key (rather than, say, an OAuth access token)."""
    return text.startswith(KEY_PREFIX)


def is_well_formed_key(text: str) -> bool:
    """Whether `text` has a key's shape and checksum (no database involved)."""
    try:
        parse_key(text)
    except MalformedKey:
        return False
    return True


def parse_key(text: str) -> ParsedKey:
    """Check the shape and checksum; raise `MalformedKey` without touching the database."""
    if len(text) != KEY_LENGTH or not looks_like_key(text) or not all(c in _BASE62 for c in text[len(KEY_PREFIX) :]):
        raise MalformedKey("not an Alloy MCP key")
    if not hmac.compare_digest(text[-CHECKSUM_LENGTH:], _checksum(text[:-CHECKSUM_LENGTH])):
        raise MalformedKey("checksum mismatch")
    return ParsedKey(key=text, lookup=text[: len(KEY_PREFIX) + LOOKUP_LENGTH])


def hash_key(key: str) -> str:
    """The keyed hash stored for a key (HMAC-SHA256 with MCP_KEY_HASH_SECRET)."""
    return hmac.new(settings.MCP_KEY_HASH_SECRET.encode(), key.encode(), hashlib.sha256).hexdigest()
