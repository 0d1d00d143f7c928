"""Writes about credentials in use: when each was last used."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from mcp_gateway.auth.principal import Principal
from mcp_gateway.models import McpKey, OAuthAccessToken
from sessions_app.tenancy import only_workspace

LAST_USED_RESOLUTION = timedelta(minutes=1)


def record_credential_use(*, principal: Principal) -> None:
    """Note that a key or an OAuth token was used (the key's `last_used_at`, the token's `updated`, shown as
    "last used" on the settings pages). Called when a credential is looked up rather than found in a
    process's cache, and writes only when the recorded use is over a minute old: at most one row write a
    minute per credential, whatever the traffic and however many processes serve it."""
    now, stale = timezone.now(), timezone.now() - LAST_USED_RESOLUTION
    if principal.credential_kind == "mcp_key":
        with only_workspace(principal.workspace.pk):  # keys are behind the wall (mcp_gateway migration 0010)
            McpKey.objects.filter(pk=principal.credential_id).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
            ).update(last_used_at=now)
    else:
        with only_workspace(principal.workspace.pk):  # tokens too (mcp_gateway migration 0011)
            OAuthAccessToken.objects.filter(pk=principal.credential_id, updated__lt=stale).update(updated=now)
