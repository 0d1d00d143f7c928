"""Reads for the gateway: credentials to principals, and key listings."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from mcp_gateway.keys import MalformedKey, hashes_match, parse_key
from mcp_gateway.models import McpCall, McpKey, McpKeyQuerySet, OAuthAccessToken
from mcp_gateway.principal import Principal
from workspaces.models import Membership, Workspace


class InvalidCredential(Exception):
    """The credential is not one we accept; `str()` says why in words for the caller."""


class InsufficientScope(InvalidCredential):
    """A valid token that was not granted the scope /mcp needs (403, not 401)."""


# What a refused credential is told: the same whether it never existed, was revoked or expired.
KEY_NOT_LIVE = "This MCP key is invalid or was revoked; ask a workspace owner or admin for a new one."
TOKEN_NOT_LIVE = "This access token is invalid, expired or revoked; connect Alloy again."  # noqa: S105


def key_expired_message(expires_at: datetime) -> str:
    """Told only to whoever holds the whole key, so it reveals nothing to a guesser."""
    return (
        f"This MCP key expired on {expires_at:%Y-%m-%d %H:%M} UTC; "
        "ask a workspace owner or admin for a new one (they can choose how long it lasts)."
    )


def principal_for_key(*, key: str) -> Principal:
    """The principal an MCP key stands for: one indexed query.

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
    row = McpKey.objects.unrevoked().select_related("workspace").filter(prefix=parsed.lookup).first()
    if row is None or not hashes_match(parsed.key, row.key_hash):
        raise InvalidCredential(KEY_NOT_LIVE)
    if row.expires_at is not None and row.expires_at <= timezone.now():
        raise InvalidCredential(key_expired_message(row.expires_at))
    return Principal(
        workspace=row.workspace,
        credential_kind="mcp_key",
        credential_id=row.pk,
        user_id=row.created_by_id,
        expires_at=row.expires_at,
        label=str(row),
    )


def principal_for_access_token(*, token: str) -> Principal:
    """The principal an OAuth access token stands for: one indexed query (by the token's SHA-256).

    The token must be unexpired and unrevoked (revocation deletes it), issued for this server's /mcp
    resource and no other, bound to a workspace, and its person must still belong to that workspace.
    """
    checksum = hashlib.sha256(token.encode()).hexdigest()
    membership = Membership.objects.filter(workspace=OuterRef("workspace"), user=OuterRef("user"))
    row = (
        OAuthAccessToken.objects.select_related("workspace", "application")
        .annotate(is_member=Exists(membership))
        .filter(token_checksum=checksum)
        .first()
    )
    if row is None or row.is_expired() or row.workspace_id is None or not row.is_member:
        raise InvalidCredential(TOKEN_NOT_LIVE)
    if row.resource != [settings.ALLOY_MCP_RESOURCE]:
        raise InvalidCredential(f"This access token was not issued for {settings.ALLOY_MCP_RESOURCE}.")
    if settings.ALLOY_MCP_SCOPE not in row.scope.split():
        raise InsufficientScope(f"This access token lacks the {settings.ALLOY_MCP_SCOPE} scope.")
    return Principal(
        workspace=row.workspace,
        credential_kind="oauth_token",
        credential_id=row.pk,
        user_id=row.user_id,
        application_id=row.application_id,
        label=(row.application.name or row.application.client_id) if row.application else "OAuth token",
    )


def mcp_keys_list(*, workspace: Workspace | None = None) -> McpKeyQuerySet:
    """Keys, newest first, with their workspace and creator; all workspaces when `workspace` is None."""
    keys = McpKey.objects.select_related("workspace", "created_by").order_by("-created_at", "-pk")
    return keys.filter(workspace=workspace) if workspace is not None else keys


class InvalidActivityFilter(Exception):
    """A filter of the activity log that cannot be one; the message says what is accepted."""


@dataclass(frozen=True)
class ActivityFilters:
    """The activity log's filters as a page or the API receive them: a key id, an app's client id, a
    session id, and the id to page before."""

    key: int | None = None
    app: str = ""
    session: str = ""
    before: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ActivityFilters:
        """Raises InvalidActivityFilter, with a sentence, for a value that cannot be one of these."""
        values = {name: query.get(name, "").strip() for name in ("key", "app", "session", "before")}
        for name, value in values.items():
            if len(value) > 200:
                raise InvalidActivityFilter(f"The {name} filter must be at most 200 characters.")
        for name in ("key", "before"):
            if values[name] and not (values[name].isascii() and values[name].isdigit()):
                raise InvalidActivityFilter(f"The {name} filter must be a whole number (an id), not {values[name]!r}.")
        return cls(
            key=int(values["key"]) if values["key"] else None,
            app=values["app"],
            session=values["session"],
            before=int(values["before"]) if values["before"] else None,
        )


@dataclass(frozen=True)
class ActivityPage:
    calls: list[McpCall]
    next_before: int | None  # pass as `before_id` for the next (older) page; None at the end


def mcp_calls_list(*, workspace: Workspace, filters: ActivityFilters, limit: int = 50) -> ActivityPage:
    """A workspace's MCP calls, newest first, optionally of one key, one OAuth app or one session; keyset
    paged on the id, so a page costs the same at the start of the log as a year into it."""
    calls = McpCall.objects.filter(workspace=workspace).select_related("user").order_by("-id")
    if filters.key is not None:
        calls = calls.filter(mcp_key_id=filters.key)
    if filters.app:
        calls = calls.filter(application__client_id=filters.app)
    if filters.session:
        calls = calls.filter(session_id=filters.session)
    if filters.before is not None:
        calls = calls.filter(id__lt=filters.before)
    rows = list(calls[: limit + 1])
    return ActivityPage(calls=rows[:limit], next_before=rows[limit - 1].pk if len(rows) > limit else None)
