"""Reads for the gateway: credentials to principals, and key listings."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from mcp_gateway.keys import MalformedKey, hash_key, hashes_match, parse_key
from mcp_gateway.models import McpKey
from mcp_gateway.principal import Principal
from workspaces.models import Workspace


class InvalidCredential(Exception):
    """The credential is not one we accept; `str()` says why in words for the caller."""


def credential_cache_key(key_hash: str) -> str:
    return f"alloy:mcp-key:{key_hash}"


def principal_for_key(*, key: str) -> Principal:
    """The principal an MCP key stands for: one indexed query, or none when cached.

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
    key_hash = hash_key(parsed.key)
    seconds = settings.ALLOY_CREDENTIAL_CACHE_SECONDS
    if seconds and (cached := cache.get(credential_cache_key(key_hash))) is not None:
        return Principal.from_cache(cached)
    row = McpKey.objects.select_related("workspace").filter(prefix=parsed.lookup, revoked_at__isnull=True).first()
    if row is None or not hashes_match(parsed.key, row.key_hash):
        raise InvalidCredential("This MCP key is invalid or was revoked; ask a workspace owner or admin for a new one.")
    principal = Principal(
        workspace=row.workspace, credential_kind="mcp_key", credential_id=row.pk, user_id=row.created_by_id
    )
    if seconds:
        cache.set(credential_cache_key(key_hash), principal.to_cache(), seconds)
    return principal


def mcp_keys_list(*, workspace: Workspace | None = None) -> QuerySet[McpKey]:
    """Keys, newest first, with their workspace and creator; all workspaces when `workspace` is None."""
    keys = McpKey.objects.select_related("workspace", "created_by").order_by("-created_at", "-pk")
    return keys.filter(workspace=workspace) if workspace is not None else keys
