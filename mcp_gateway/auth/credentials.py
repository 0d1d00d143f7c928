"""From a credential to a principal, cheaply, without ever trusting a revoked one.

- **A process-local cache.** A verified credential is remembered in this process for
  ALLOY_CREDENTIAL_CACHE_SECONDS (a minute by default), keyed by its hash, so the request costs no
  database round trip and no thread hop before the tool runs.
- **Liveness on every request, in the database.** The cache is never the authority. Each read a tool
  makes checks that its credential is still live (key not revoked or deleted; token not expired or
  revoked, its person still a member of the workspace) in the statement that walls the read to the
  workspace (`liveness_condition`, sessions_app.tenancy.walled_reads): no extra round trip, and a
  credential that is not live sees no rows. A request that runs no tool
  (initialize, tools/list) checks it with one query of its own (`credential_is_live`). A revocation,
  wherever it is made, is therefore refused on the very next request by every worker on every host,
  with no cache to clear and no message bus.
- **The workspace's MCP policy, the same way.** A principal carries the policy it was checked against, and
  the check above also holds only while that policy's revision is still the workspace's. When it fails, the
  credential is looked up afresh (`recheck`: a query or two, only then): a revoked one is refused, one the new
  policy refuses is forbidden, and any other goes on with the new policy. Nothing is refused on a cached
  principal alone.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from alloy import metrics
from mcp_gateway.auth.caller import Caller
from mcp_gateway.auth.key_format import INGEST_KEYS, MalformedKey, hash_key, looks_like_key, parse_key
from mcp_gateway.auth.principal import Principal
from mcp_gateway.auth.resolve import (
    KEY_NOT_LIVE,
    TOKEN_NOT_LIVE,
    InvalidCredential,
    RefusedByPolicy,
    key_expired_message,
    principal_for_access_token,
    principal_for_key,
)
from mcp_gateway.auth.services import record_credential_use
from mcp_gateway.models import McpKey, McpPolicy, OAuthAccessToken, secret_digest
from mcp_gateway.policy.rules import network_refusal
from workspaces.models import Membership


def fingerprint(credential: str) -> str:
    """What the cache keys a credential by: its keyed hash (keys) or SHA-256 (tokens), never the secret."""
    if looks_like_key(credential):
        try:
            return hash_key(parse_key(credential).key)
        except MalformedKey:
            return ""  # refused by `authenticate` with the reason; never cached
    return secret_digest(credential)


class PrincipalCache:
    """Verified principals by credential fingerprint, for a short time, in this process only."""

    def __init__(self, *, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Principal | None:
        entry = self._entries.get(key)
        if entry is None:
            metrics.credential_cache.labels(result="miss").inc()
            return None
        expires, principal = entry
        if time.monotonic() >= expires:
            self.forget(key)
            metrics.credential_cache.labels(result="miss").inc()
            return None
        metrics.credential_cache.labels(result="hit").inc()
        return principal

    def put(self, key: str, principal: Principal) -> None:
        seconds = settings.ALLOY_CREDENTIAL_CACHE_SECONDS
        if not seconds or not key:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # crude but bounded: a flood of credentials cannot grow memory
            self._entries[key] = (time.monotonic() + seconds, principal)

    def forget(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)


principals = PrincipalCache()


# An ingestion key is write-only (ingest/): it never reads a session, here or anywhere.
INGEST_KEY_REFUSED = (
    "That is an ingestion key: it writes sessions through Alloy's API and cannot read them. Connect with an MCP key "
    "(alloy_mcp_…) or with OAuth."
)


def authenticate(credential: str, *, credential_fingerprint: str = "") -> Principal:
    """The full check (a worker thread, one query): an MCP key or an OAuth access token;
    `credential_fingerprint` is its `fingerprint`, when the caller has computed it already.

    Runs when the credential is not cached, so at most once a minute per credential and process;
    that is also when its last use is recorded (at most one write a minute, see auth/services.py).
    """
    if INGEST_KEYS.looks_like(credential):
        raise InvalidCredential(INGEST_KEY_REFUSED)
    if looks_like_key(credential):
        principal = principal_for_key(key=credential, key_hash=credential_fingerprint or None)
    else:
        principal = principal_for_access_token(token=credential)
    record_credential_use(principal=principal)
    return principal


def not_live_message(principal: Principal) -> str:
    """What a caller whose credential stopped being live is told: the same as for one never valid,
    but for a key that expired, which says so and when."""
    if principal.credential_kind != "mcp_key":
        return TOKEN_NOT_LIVE
    if principal.expires_at is not None and principal.expires_at <= timezone.now():
        return key_expired_message(principal.expires_at)
    return KEY_NOT_LIVE


def _liveness_sql() -> dict[str, str]:
    """The check per credential kind, as SQL written once: the tool path cannot afford compiling
    querysets on every call. Only table names from model metadata are interpolated."""
    keys = McpKey._meta.db_table
    tokens = OAuthAccessToken._meta.db_table
    members = Membership._meta.db_table
    policies = McpPolicy._meta.db_table
    if connection.vendor == "postgresql":
        # Keys, tokens and memberships are behind the wall (mcp_gateway 0010 and 0011, workspaces 0003), and the
        # check runs before a read's workspace is set: it asks the functions that check one key, one token.
        return {
            "mcp_key": "mcp_gateway_key_is_live(%s, %s, %s)",
            "oauth_token": "mcp_gateway_token_is_live(%s, %s, %s)",
        }
    # The policy's revision: 0 for a workspace without one.
    revision = f"COALESCE((SELECT revision FROM {policies} p WHERE p.workspace_id = {{alias}}.workspace_id), 0) = %s"  # noqa: S608
    return {
        "mcp_key": (
            f"EXISTS (SELECT 1 FROM {keys} k WHERE k.id = %s AND k.revoked_at IS NULL"  # noqa: S608
            f" AND (k.expires_at IS NULL OR k.expires_at > %s) AND {revision.format(alias='k')})"
        ),
        "oauth_token": (
            f"EXISTS (SELECT 1 FROM {tokens} t JOIN {members} m"  # noqa: S608
            " ON m.workspace_id = t.workspace_id AND m.user_id = t.user_id"
            f" WHERE t.id = %s AND t.expires > %s AND {revision.format(alias='t')})"
        ),
    }


LIVENESS = _liveness_sql()


def _liveness_params(principal: Principal) -> list[Any]:
    return [principal.credential_id, timezone.now(), principal.policy.revision]


def credential_is_live(*, principal: Principal) -> bool:
    """One query: is the credential behind `principal` still accepted, under the policy it was checked against?"""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {LIVENESS[principal.credential_kind]}", _liveness_params(principal))
        return bool(cursor.fetchone()[0])


def liveness_condition(principal: Principal) -> tuple[str, list[object]]:
    """The SQL condition (and its parameters) that holds while the principal's credential is live:
    the condition every tool read is walled by (sessions_app.tenancy.walled_reads)."""
    return LIVENESS[principal.credential_kind], _liveness_params(principal)


def recheck(caller: Caller) -> None:
    """Look the caller's credential up afresh, its cached check having failed (not live, or its workspace's
    policy changed): the caller goes on with the fresh principal, or is refused (401) or forbidden (403) — by
    the policy, or by its networks for the caller's address. A worker thread; a query or two."""
    try:
        principal = authenticate(caller.credential, credential_fingerprint=caller.cache_key)
    except RefusedByPolicy as error:
        principals.forget(caller.cache_key)
        caller.principal = error.principal
        caller.forbid(str(error))
    except InvalidCredential:
        principals.forget(caller.cache_key)
        caller.refuse()
    else:
        principals.put(caller.cache_key, principal)
        caller.principal = principal
        caller.fresh = True
        caller.confirm()
        if sentence := network_refusal(principal.policy, kind=principal.credential_kind, address=caller.address):
            caller.forbid(sentence)


def confirm_current(caller: Caller) -> None:
    """Before answering from the caller's policy (tools/list, prompts/list): its cached check confirmed in one
    query, or the credential looked up afresh (`recheck`). A worker thread."""
    if caller.confirmed or caller.refused or caller.forbidden:
        return
    if credential_is_live(principal=caller.principal):
        caller.confirm()
    else:
        recheck(caller)
