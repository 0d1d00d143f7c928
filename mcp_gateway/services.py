"""Writes for the gateway: creating and revoking MCP keys, recording their use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mcp_gateway.keys import generate_key, hash_key, parse_key
from mcp_gateway.models import KEY_NAME_MAX_LENGTH, McpCall, McpKey, OAuthAccessToken
from mcp_gateway.principal import Principal
from workspaces.models import User, Workspace

LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidKeyRequest(Exception):
    """A key was asked for with a name or lifetime it cannot have; the message says what is accepted."""


def lifetime_from_text(text: str) -> int | None:
    """A lifetime as a form or command gives it: a number of days, or "" or "never" for no expiry."""
    if text in ("", "never"):
        return None
    if not text.isascii() or not text.isdigit() or int(text) not in McpKey.LIFETIME_DAYS:
        raise InvalidKeyRequest(_lifetimes_accepted(text))
    return int(text)


def _lifetimes_accepted(asked: object) -> str:
    days = ", ".join(str(days) for days in McpKey.LIFETIME_DAYS)
    return f"A key expires after {days} days, or never; not after {asked}."


@dataclass(frozen=True)
class CreatedKey:
    key: str  # the secret: shown to the person once, never stored
    record: McpKey


def mcp_key_create(
    *, workspace: Workspace, name: str, created_by: User | None = None, expires_in_days: int | None = None
) -> CreatedKey:
    """A new key, valid for `expires_in_days` (one of McpKey.LIFETIME_DAYS) or, with None, until revoked."""
    name = name.strip()
    if not name:
        raise InvalidKeyRequest("A key needs a name that says what it is for.")
    if len(name) > KEY_NAME_MAX_LENGTH:
        raise InvalidKeyRequest(f"A key's name can be at most {KEY_NAME_MAX_LENGTH} characters.")
    if expires_in_days is not None and expires_in_days not in McpKey.LIFETIME_DAYS:
        raise InvalidKeyRequest(_lifetimes_accepted(expires_in_days))
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    for _ in range(5):
        key = generate_key()
        try:
            with transaction.atomic():
                record = McpKey.objects.create(
                    workspace=workspace,
                    name=name,
                    prefix=parse_key(key).lookup,
                    key_hash=hash_key(key),
                    created_by=created_by,
                    expires_at=expires_at,
                )
            return CreatedKey(key=key, record=record)
        except IntegrityError:  # the 8-character prefix is taken (about 1 in 10^14): draw again
            continue
    raise RuntimeError("Could not draw a unique key prefix.")


def mcp_key_revoke(*, key: McpKey) -> bool:
    """Revoke a key; False if it already was. Refused on the very next request, on every worker, since
    every request checks its credential in the database (mcp_gateway/credentials.py)."""
    revoked = McpKey.objects.unrevoked().filter(pk=key.pk).update(revoked_at=timezone.now())
    key.refresh_from_db(fields=["revoked_at"])
    return bool(revoked)


def mcp_key_delete(*, key: McpKey) -> None:
    """Delete a key; like revocation, it fails on the very next request."""
    key.delete()


def record_credential_use(*, principal: Principal) -> None:
    """Note that a key or an OAuth token was used (the key's `last_used_at`, the token's `updated`, shown as
    "last used" on the settings pages). Called when a credential is looked up rather than found in a
    process's cache, and writes only when the recorded use is over a minute old: at most one row write a
    minute per credential, whatever the traffic and however many processes serve it."""
    now, stale = timezone.now(), timezone.now() - LAST_USED_RESOLUTION
    if principal.credential_kind == "mcp_key":
        McpKey.objects.filter(pk=principal.credential_id).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
        ).update(last_used_at=now)
    else:
        OAuthAccessToken.objects.filter(pk=principal.credential_id, updated__lt=stale).update(updated=now)


def mcp_calls_prune(*, older_than_days: int) -> int:
    """Delete activity-log records older than `older_than_days`; how many went. In batches, so a large
    backlog never holds a long lock on the table."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted = 0
    while True:
        batch = list(McpCall.objects.filter(at__lt=cutoff).values_list("pk", flat=True)[:10_000])
        if not batch:
            return deleted
        deleted += McpCall.objects.filter(pk__in=batch).delete()[0]
