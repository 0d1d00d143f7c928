"""Connected apps: the OAuth clients that can read a workspace, and ending their access."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from alloy.visible import visible
from mcp_gateway.models import OAuthAccessToken, OAuthApplication, OAuthRefreshToken
from sessions_app.tenancy import only_workspace
from workspaces.audit import audit_event_record
from workspaces.models import AuditEvent, User, Workspace


@dataclass
class ConnectedApp:
    application: OAuthApplication
    people: set[str] = field(default_factory=set)  # emails of who authorized it
    first_authorized: datetime | None = None
    last_used: datetime | None = None  # the last /mcp call (to the minute) or token issuance


def connected_apps_list(*, workspace: Workspace) -> list[ConnectedApp]:
    """Clients holding a live token (an unexpired access token or an unrevoked refresh token)."""
    now = timezone.now()
    apps: dict[int, ConnectedApp] = {}
    live_access = OAuthAccessToken.objects.filter(workspace=workspace, expires__gt=now)
    live_refresh = OAuthRefreshToken.objects.filter(workspace=workspace, revoked__isnull=True)
    with only_workspace(workspace.pk):  # tokens are behind the wall (mcp_gateway migration 0011)
        for tokens in (live_access, live_refresh):
            for token in tokens.select_related("application", "user"):
                app = apps.setdefault(token.application_id, ConnectedApp(application=token.application))
                app.people.add(token.user.email)
                app.first_authorized = min(filter(None, [app.first_authorized, token.created]))
                app.last_used = max(filter(None, [app.last_used, token.updated]))
    return sorted(apps.values(), key=lambda app: app.application.name or app.application.client_id)


@dataclass(frozen=True)
class RevokedAccess:
    client_id: str
    client_name: str
    email: str
    tokens: int


def oauth_tokens_revoke(
    *, workspace: Workspace, by: User | None, client_id: str | None = None, user: User | None = None
) -> list[RevokedAccess]:
    """End every token of the workspace (or of one client, or one person): the next /mcp call fails. `by`: who
    (None: an operator's command), for the audit trail."""
    scope = Q(workspace=workspace)
    if client_id is not None:
        scope &= Q(application__client_id=client_id)
    if user is not None:
        scope &= Q(user=user)
    counts: dict[tuple[str, str, str], int] = {}
    with only_workspace(workspace.pk):  # a transaction; tokens are behind the wall (mcp_gateway migration 0011)
        for refresh in OAuthRefreshToken.objects.filter(scope, revoked__isnull=True).select_related(
            "application", "user"
        ):
            refresh.revoke()  # also deletes its access token
            key = (refresh.application.client_id, refresh.application.name, refresh.user.email)
            counts[key] = counts.get(key, 0) + 1
        for access in OAuthAccessToken.objects.filter(scope).select_related("application", "user"):
            access.revoke()
            key = (access.application.client_id, access.application.name, access.user.email)
            counts[key] = counts.get(key, 0) + 1
        for client, name, email in sorted(counts):
            target = f"{visible(name or client)} ({client}), authorized by {email}"
            audit_event_record(
                workspace=workspace, by=by, action=AuditEvent.Action.APP_REVOKED, target=target, before=None, after=None
            )
    return [RevokedAccess(client, name, email, tokens) for (client, name, email), tokens in sorted(counts.items())]
