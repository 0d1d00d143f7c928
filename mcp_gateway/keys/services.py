"""Writes of MCP keys: create (the secret shown once, only its hash stored), revoke, delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError
from django.utils import timezone

from mcp_gateway.auth.key_format import generate_key, hash_key, parse_key
from mcp_gateway.models import KEY_NAME_MAX_LENGTH, McpKey
from mcp_gateway.policy.selectors import mcp_policy_of
from sessions_app.tenancy import only_workspace
from workspaces.audit import audit_event_record
from workspaces.models import AuditEvent, User, Workspace


class InvalidKeyRequest(Exception):
    """A key was asked for with a name or lifetime it cannot have; the message says what is accepted."""


def lifetime_from_text(text: str) -> int | None:
    """A lifetime as a form or command gives it: a number of days, or "" or "never" for no expiry (which
    `mcp_key_create` checks against what the workspace allows)."""
    if text in ("", "never"):
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 5:
        raise InvalidKeyRequest(_lifetimes_accepted(text))
    return int(text)


@dataclass(frozen=True)
class KeyLifetimes:
    """The lifetimes a new key of a workspace may have: McpKey.LIFETIME_DAYS up to the workspace's cap (its MCP
    policy), the cap itself, and never only without a cap."""

    days: tuple[int, ...]
    default: int
    never: bool
    cap: int | None


def key_lifetimes(*, workspace: Workspace) -> KeyLifetimes:
    cap = mcp_policy_of(workspace=workspace).max_key_lifetime_days
    if cap is None:
        return KeyLifetimes(McpKey.LIFETIME_DAYS, McpKey.DEFAULT_LIFETIME_DAYS, never=True, cap=None)
    days = tuple(sorted({days for days in McpKey.LIFETIME_DAYS if days <= cap} | {cap}))
    return KeyLifetimes(days, min(McpKey.DEFAULT_LIFETIME_DAYS, cap), never=False, cap=cap)


def _lifetimes_accepted(asked: object) -> str:
    days = ", ".join(str(days) for days in McpKey.LIFETIME_DAYS)
    return f"A key expires after {days} days, or never; not after {asked}."


@dataclass(frozen=True)
class CreatedKey:
    key: str  # the secret: shown to the person once, never stored
    record: McpKey


def key_name_problem(*, workspace: Workspace, name: str) -> str | None:
    """What is wrong with `name` (stripped) for a new key of `workspace`, in a sentence; None if nothing."""
    if not name:
        return "A key needs a name that says what it is for."
    if len(name) > KEY_NAME_MAX_LENGTH:
        return f"A key's name can be at most {KEY_NAME_MAX_LENGTH} characters."
    # Two live keys of one name cannot be told apart in the list, the activity log or a revocation.
    if McpKey.objects.filter(workspace=workspace, name__iexact=name).active().exists():
        return f"This workspace already has a key named {name!r}; choose another name."
    return None


def mcp_key_create(
    *, workspace: Workspace, name: str, created_by: User | None = None, expires_in_days: int | None = None
) -> CreatedKey:
    """A new key, valid for `expires_in_days` (one of `key_lifetimes`) or, with None, until revoked."""
    name = name.strip()
    if problem := key_name_problem(workspace=workspace, name=name):
        raise InvalidKeyRequest(problem)
    lifetimes = key_lifetimes(workspace=workspace)
    if expires_in_days not in lifetimes.days and not (expires_in_days is None and lifetimes.never):
        if lifetimes.cap is None or (expires_in_days is not None and expires_in_days not in McpKey.LIFETIME_DAYS):
            raise InvalidKeyRequest(_lifetimes_accepted(expires_in_days))
        raise InvalidKeyRequest(
            f"Keys of {workspace.slug} may live at most {lifetimes.cap} days, by its MCP policy: "
            f"choose {' or '.join(str(days) for days in lifetimes.days)} days."
        )
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    for _ in range(5):
        key = generate_key()
        try:
            with only_workspace(workspace.pk):  # a transaction: the key and its audit event
                record = McpKey.objects.create(
                    workspace=workspace,
                    name=name,
                    prefix=parse_key(key).lookup,
                    key_hash=hash_key(key),
                    created_by=created_by,
                    expires_at=expires_at,
                )
                expiry = {"expires": expires_at.isoformat() if expires_at else "never"}
                _audit(record, created_by, AuditEvent.Action.KEY_CREATED, before=None, after=expiry)
            return CreatedKey(key=key, record=record)
        except IntegrityError:  # the 8-character prefix is taken (about 1 in 10^14): draw again
            continue
    raise RuntimeError("Could not draw a unique key prefix.")


def mcp_key_revoke(*, key: McpKey, by: User | None) -> bool:
    """Revoke a key (`by`: who; None, an operator's command); False if it already was. Refused on the very next
    request, on every worker, since every request checks its credential in the database
    (mcp_gateway/auth/credentials.py)."""
    with only_workspace(key.workspace_id):  # a transaction: the revocation and its audit event
        revoked = McpKey.objects.unrevoked().filter(pk=key.pk).update(revoked_at=timezone.now())
        if revoked:
            _audit(key, by, AuditEvent.Action.KEY_REVOKED, before={"status": key.status}, after={"status": "revoked"})
        key.refresh_from_db(fields=["revoked_at"])
    return bool(revoked)


def mcp_key_delete(*, key: McpKey, by: User | None) -> None:
    """Delete a key; like revocation, it fails on the very next request. Its workspace's activity log keeps
    its calls, under the key's name (the log is behind the wall: mcp_gateway migration 0009)."""
    with only_workspace(key.workspace_id):
        _audit(key, by, AuditEvent.Action.KEY_DELETED, before={"status": key.status}, after=None)
        key.delete()


def _audit(key: McpKey, by: User | None, action: AuditEvent.Action, *, before: object, after: object) -> None:
    audit_event_record(workspace=key.workspace, by=by, action=action, target=str(key), before=before, after=after)
