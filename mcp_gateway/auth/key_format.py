"""Alloy's key formats: a fixed prefix + 38 random base62 characters + a 6-character checksum. MCP keys
(`alloy_mcp_`) read sessions over /mcp; ingestion keys (`alloy_ingest_`) write them through the API.

    alloy_mcp_4fTq9ZcLx2…(38)…Kp1DxA   (54 characters; an ingestion key 57)

- The fixed prefix lets secret scanners (GitHub, GitGuardian…) recognise a leaked key.
- The checksum (CRC32 of everything before it, in base62) catches typos and truncated pastes without
  a database round trip, and lets scanners rule out random look-alikes.
- The first 8 random characters are the key's public `prefix`: shown in lists, used to find the row.
  The key itself is never stored: only an HMAC-SHA256 of it, keyed with a server secret, so a copy of
  the database does not yield usable keys. The HMAC is compared in constant time. Both kinds share the
  secret: their prefixes keep their hashes apart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import zlib
from dataclasses import dataclass

from django.conf import settings

BODY_LENGTH = 38  # 38 base62 characters ≈ 226 random bits
CHECKSUM_LENGTH = 6
LOOKUP_LENGTH = 8
_BASE62 = string.digits + string.ascii_letters


class MalformedKey(ValueError):
    """Not a key of the format at all, or one with a wrong checksum (mistyped or truncated)."""


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


@dataclass(frozen=True)
class KeyFormat:
    """One kind of Alloy key: its fixed prefix, then the random body and the checksum above."""

    prefix: str

    @property
    def length(self) -> int:
        return len(self.prefix) + BODY_LENGTH + CHECKSUM_LENGTH

    @property
    def lookup_length(self) -> int:
        """The length of the public prefix a row keeps: the fixed prefix and the body's first characters."""
        return len(self.prefix) + LOOKUP_LENGTH

    def generate(self) -> str:
        body = "".join(secrets.choice(_BASE62) for _ in range(BODY_LENGTH))
        return self.prefix + body + _checksum(self.prefix + body)

    def looks_like(self, text: str) -> bool:
        """Whether a credential is meant as a key of this kind (rather than, say, an OAuth access token)."""
        return text.startswith(self.prefix)

    def is_well_formed(self, text: str) -> bool:
        """Whether `text` has this kind's shape and checksum (no database involved)."""
        try:
            self.parse(text)
        except MalformedKey:
            return False
        return True

    def parse(self, text: str) -> ParsedKey:
        """Check the shape and checksum; raise `MalformedKey` without touching the database."""
        body = text[len(self.prefix) :]
        if len(text) != self.length or not self.looks_like(text) or not all(c in _BASE62 for c in body):
            raise MalformedKey(f"not a key starting {self.prefix}")
        if not hmac.compare_digest(text[-CHECKSUM_LENGTH:], _checksum(text[:-CHECKSUM_LENGTH])):
            raise MalformedKey("checksum mismatch")
        return ParsedKey(key=text, lookup=text[: self.lookup_length])


MCP_KEYS = KeyFormat("alloy_mcp_")  # read sessions over /mcp
INGEST_KEYS = KeyFormat("alloy_ingest_")  # write sessions through /api/v1 (ingest/)

# The MCP key's format, by the names the gateway reads it with.
KEY_PREFIX = MCP_KEYS.prefix
KEY_LENGTH = MCP_KEYS.length
generate_key = MCP_KEYS.generate
looks_like_key = MCP_KEYS.looks_like
is_well_formed_key = MCP_KEYS.is_well_formed
parse_key = MCP_KEYS.parse


def hash_key(key: str) -> str:
    """The keyed hash stored for a key (HMAC-SHA256 with MCP_KEY_HASH_SECRET)."""
    return hmac.new(settings.MCP_KEY_HASH_SECRET.encode(), key.encode(), hashlib.sha256).hexdigest()
