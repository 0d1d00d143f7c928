"""A credential to the principal it stands for: an MCP key by its prefix and hash, an OAuth access token by
its checksum; one indexed query each (and, for a token, whether its person still belongs), and its
workspace's MCP policy; refused with a sentence that says what to do."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from mcp_gateway.auth.key_format import MalformedKey, hash_key, parse_key
from mcp_gateway.auth.principal import Principal
from mcp_gateway.models import McpKey, OAuthAccessToken, secret_digest
from mcp_gateway.policy.rules import credential_refusal
from mcp_gateway.policy.selectors import mcp_policy_of
from sessions_app.tenancy import only_workspace, presenting_key, presenting_token
from workspaces.models import Membership


class InvalidCredential(Exception):
    """The credential is not one we accept; `str()` says why in words for the caller."""


class InsufficientScope(InvalidCredential):
    """A valid token that was not granted the scope /mcp needs (403, not 401)."""


class RefusedByPolicy(Exception):
    """A live credential its workspace's MCP policy refuses (403, never 401: a new sign-in cannot help);
    `str()` is the policy's sentence, `principal` the credential it refuses (for the activity log)."""

    def __init__(self, sentence: str, principal: Principal) -> None:
        super().__init__(sentence)
        self.principal = principal


def _admitted(principal: Principal, *, client_id: str = "", redirect_uris: Iterable[str] = ()) -> Principal:
    """The principal with its workspace's MCP policy, or RefusedByPolicy when the policy refuses the credential."""
    policy = mcp_policy_of(workspace=principal.workspace)
    principal = replace(principal, policy=policy)
    kind = principal.credential_kind
    if sentence := credential_refusal(policy, kind=kind, client_id=client_id, redirect_uris=redirect_uris):
        raise RefusedByPolicy(sentence, principal)
    return principal


# What a refused credential is told: the same whether it never existed, was revoked or expired.
KEY_NOT_LIVE = "This MCP key is invalid or was revoked; ask a workspace owner or admin for a new one."
TOKEN_NOT_LIVE = "This access token is invalid, expired or revoked; connect Alloy again."  # noqa: S105


def key_expired_message(expires_at: datetime) -> str:
    """Told only to whoever holds the whole key, so it reveals nothing to a guesser."""
    return (
        f"This MCP key expired on {expires_at:%Y-%m-%d %H:%M} UTC; "
        "ask a workspace owner or admin for a new one (they can choose how long it lasts)."
    )


def principal_for_key(*, key: str, key_hash: str | None = None) -> Principal:
    """The principal an MCP key stands for: one indexed query. `key_hash` is the key's hash when the
    caller already has it (the credential cache keys by it), so a cache miss hashes the key once.

    Raises `InvalidCredential` for a malformed, unknown or revoked key — the same message for
    unknown and revoked, so a caller cannot tell whether a key ever existed.
    """
    try:
        parsed = parse_key(key)
    except MalformedKey:
        raise InvalidCredential(
            "That is not a valid Alloy MCP key (keys start with alloy_mcp_ and are 54 characters; "
            "it may be mistyped or cut short)."
        ) from None
    presented = key_hash or hash_key(parsed.key)
    with presenting_key(presented):  # the wall shows the serving role this key alone (mcp_gateway 0010)
        row = McpKey.objects.unrevoked().select_related("workspace").filter(prefix=parsed.lookup).first()
    if row is None or not hmac.compare_digest(presented, row.key_hash):
        raise InvalidCredential(KEY_NOT_LIVE)
    if row.expires_at is not None and row.expires_at <= timezone.now():
        raise InvalidCredential(key_expired_message(row.expires_at))
    principal = Principal(
        workspace=row.workspace,
        credential_kind="mcp_key",
        credential_id=row.pk,
        user_id=row.created_by_id,
        expires_at=row.expires_at,
        label=str(row),
    )
    return _admitted(principal)


def refused_key(*, key: str) -> McpKey | None:
    """The key a refused MCP key is, when the whole key matches one that was revoked or has expired (not a
    guess: a guess matches no hash), so its workspace's owners can see it is still in use somewhere."""
    try:
        parsed = parse_key(key)
    except MalformedKey:
        return None
    presented = hash_key(parsed.key)
    with presenting_key(presented):
        row = McpKey.objects.select_related("workspace").filter(prefix=parsed.lookup).first()
    if row is None or not hmac.compare_digest(presented, row.key_hash):
        return None
    return row


def _belongs(token: OAuthAccessToken) -> bool:
    """Whether the token's person still belongs to its workspace (memberships are behind the wall:
    workspaces migration 0003)."""
    with only_workspace(token.workspace_id):
        return Membership.objects.filter(workspace_id=token.workspace_id, user_id=token.user_id).exists()


def principal_for_access_token(*, token: str) -> Principal:
    """The principal an OAuth access token stands for: one indexed query (by the token's SHA-256).

    The token must be unexpired and unrevoked (revocation deletes it), issued for this server's /mcp
    resource and no other, bound to a workspace, and its person must still belong to that workspace.
    """
    checksum = secret_digest(token)
    with presenting_token(checksum):  # the wall shows the serving role this token alone (mcp_gateway 0011)
        row = (
            OAuthAccessToken.objects.select_related("workspace", "application").filter(token_checksum=checksum).first()
        )
    if row is None or row.is_expired() or row.workspace_id is None or not _belongs(row):
        raise InvalidCredential(TOKEN_NOT_LIVE)
    if row.resource != [settings.ALLOY_MCP_RESOURCE]:
        raise InvalidCredential(f"This access token was not issued for {settings.ALLOY_MCP_RESOURCE}.")
    if settings.ALLOY_MCP_SCOPE not in row.scope.split():
        raise InsufficientScope(f"This access token lacks the {settings.ALLOY_MCP_SCOPE} scope.")
    principal = Principal(
        workspace=row.workspace,
        credential_kind="oauth_token",
        credential_id=row.pk,
        user_id=row.user_id,
        application_id=row.application_id,
        label=(row.application.name or row.application.client_id) if row.application else "OAuth token",
    )
    application = row.application
    if application is None:
        return _admitted(principal)
    return _admitted(principal, client_id=application.client_id, redirect_uris=application.redirect_uris.split())
