"""The MCP gateway's data.

django-oauth-toolkit's models are swapped for these subclasses (see `OAUTH2_PROVIDER_*_MODEL` in
settings) so an authorization grant, and the access and refresh tokens issued from it, carry the one
workspace the user picked on the consent page. Swapping must happen in the first migration, which
is why these exist before the OAuth flow that fills them in.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from oauth2_provider import models as oauth_models

from alloy.visible import visible
from workspaces.models import Workspace

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class OAuthApplication(oauth_models.AbstractApplication):
    class Meta(oauth_models.AbstractApplication.Meta):
        verbose_name = "OAuth application"

    def clean(self) -> None:
        super().clean()
        # Tokens are bound to the person and workspace chosen on the consent page, which only the
        # authorization code flow has (its refresh tokens included): no client credentials, no password.
        if self.authorization_grant_type != self.GRANT_AUTHORIZATION_CODE:
            message = "Alloy issues tokens only by the authorization code flow (authorization_code, refresh_token)."
            raise ValidationError({"authorization_grant_type": message})
        # Codes may only be sent over HTTPS, or to this machine (mcp-remote's loopback callback).
        for uri in self.redirect_uris.split():
            parts = urlsplit(uri)
            if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
                continue
            message = f"{uri} is not allowed: redirect URIs must be https://, or http:// on a loopback host."
            raise ValidationError({"redirect_uris": message})


def secret_digest(secret: str) -> str:
    """What is stored of an authorization code or an OAuth token: its SHA-256 (the toolkit's token checksums;
    our grants' codes). What /token, /revoke and /mcp present to the database wall (mcp_gateway 0011)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class GrantQuerySet(models.QuerySet):
    """Grants keep only a digest of their code. Every lookup or creation by `code` is given the code
    itself and hashes it here, so django-oauth-toolkit's own queries (`get(code=…)`, `filter(code=…)`,
    `create(code=…)`) work unchanged and nothing else can compare a plain code with the column."""

    def _filter_or_exclude(self, negate: bool, args: Any, kwargs: Any) -> GrantQuerySet:
        if "code" in kwargs:
            kwargs = {**kwargs, "code": secret_digest(kwargs["code"])}
        return super()._filter_or_exclude(negate, args, kwargs)  # type: ignore[misc]  # private in the stubs

    def create(self, **kwargs: Any) -> OAuthGrant:
        if "code" in kwargs:
            kwargs["code"] = secret_digest(kwargs["code"])
        return cast(OAuthGrant, super().create(**kwargs))


class OAuthGrant(oauth_models.AbstractGrant):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, null=True, related_name="+")
    # A code is marked, not deleted, when it is exchanged, so that a second use is recognised as a
    # replay and the tokens it was exchanged for are revoked (RFC 6749 §4.1.2). Expired grants are
    # deleted by `manage.py cleartokens`.
    exchanged_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta(oauth_models.AbstractGrant.Meta):
        verbose_name = "OAuth grant"


class OAuthAccessToken(oauth_models.AbstractAccessToken):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta(oauth_models.AbstractAccessToken.Meta):
        verbose_name = "OAuth access token"


class OAuthRefreshToken(oauth_models.AbstractRefreshToken):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, null=True, related_name="+")
    # The code this token's family started from (None for the rotated tokens of the family).
    authorization_grant = models.ForeignKey(OAuthGrant, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta(oauth_models.AbstractRefreshToken.Meta):
        verbose_name = "OAuth refresh token"


class OAuthIDToken(oauth_models.AbstractIDToken):
    class Meta(oauth_models.AbstractIDToken.Meta):
        verbose_name = "OAuth ID token"


class OAuthDeviceGrant(oauth_models.AbstractDeviceGrant):
    class Meta(oauth_models.AbstractDeviceGrant.Meta):
        verbose_name = "OAuth device grant"


class McpKeyQuerySet(models.QuerySet["McpKey"]):
    """Keys by status, as `McpKey.status` names them; revocation wins over expiry."""

    def unrevoked(self) -> McpKeyQuerySet:
        return self.filter(revoked_at__isnull=True)

    def active(self) -> McpKeyQuerySet:
        return self.unrevoked().filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))

    def expired(self) -> McpKeyQuerySet:
        return self.unrevoked().filter(expires_at__lte=timezone.now())

    def revoked(self) -> McpKeyQuerySet:
        return self.filter(revoked_at__isnull=False)


KEY_NAME_MAX_LENGTH = 100


class McpKey(models.Model):
    """A workspace-scoped MCP key. The key is shown once; only its prefix and keyed hash are kept."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="mcp_keys")
    name = models.CharField(
        max_length=KEY_NAME_MAX_LENGTH, help_text="What the key is for, e.g. “Claude Desktop on Priya's laptop”."
    )
    prefix = models.CharField(max_length=18, unique=True, editable=False, help_text="The key's visible start.")
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Written at most once a minute per key (see services.record_credential_use), not on every call.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Refused from then on; empty: never.")

    # The lifetimes a key may be created with, in days; None is "never expires". Every way of creating a
    # key (settings page, admin, API, command) offers DEFAULT_LIFETIME_DAYS unless told otherwise: a key
    # forgotten on a laptop should not work for ever.
    LIFETIME_DAYS = (30, 90, 365)
    DEFAULT_LIFETIME_DAYS = 90

    objects = McpKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "MCP key"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="mcpkey_ws_created_idx")]

    def __str__(self) -> str:
        return visible(f"{self.name} ({self.prefix}…)")

    @property
    def status(self) -> str:
        """active, expired or revoked (revocation wins: it was somebody's decision)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class McpCall(models.Model):
    """One MCP tool call, for the workspace's activity log: who, which tool and session, the outcome and
    how long it took. Never the arguments' content or the result. Written in batches off the request
    path (mcp_gateway/activity/log.py); pruned after ALLOY_ACTIVITY_RETENTION_DAYS."""

    class Outcome(models.TextChoices):
        OK = "ok", "answered"
        ERROR = "error", "not answered"
        INVALID = "invalid", "invalid call"
        REFUSED = "refused", "refused"
        UNAVAILABLE = "unavailable", "unavailable"

    at = models.DateTimeField()
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    # The credential, kept by name when the key or app is later deleted.
    mcp_key = models.ForeignKey(McpKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    application = models.ForeignKey(
        OAuthApplication, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credential = models.CharField(max_length=200, help_text="The key's name and prefix, or the app's name.")
    tool = models.CharField(max_length=64)
    session_id = models.CharField(max_length=64, blank=True, help_text="The session the call named, if any.")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    duration_ms = models.FloatField()
    # Why a call was not answered, as the caller was told (the tool's error sentence, the refusal, the
    # outage): it names at most what the call asked for, never what a session holds. Empty when answered.
    reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "MCP call"
        ordering = ["-id"]
        indexes = [
            # Each view is one workspace's calls, newest first, optionally for one key, app or session.
            models.Index(fields=["workspace", "-id"], name="mcpcall_ws_idx"),
            models.Index(fields=["workspace", "mcp_key", "-id"], name="mcpcall_ws_key_idx"),
            models.Index(fields=["workspace", "application", "-id"], name="mcpcall_ws_app_idx"),
            models.Index(fields=["workspace", "session_id", "-id"], name="mcpcall_ws_session_idx"),
            models.Index(fields=["at"], name="mcpcall_at_idx"),  # pruning
            # A key's last refusal (the keys page): an index probe, however many calls the key made.
            models.Index(
                fields=["mcp_key", "-id"], name="mcpcall_key_refused_idx", condition=models.Q(outcome="refused")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tool} by {self.credential} at {self.at:%Y-%m-%d %H:%M:%S}"


class McpPolicy(models.Model):
    """What a workspace lets connect over MCP, and what it may do there (mcp_gateway/policy/). A workspace
    without a row has the defaults: MCP on, keys and OAuth, any app, any lifetime, every tool, anywhere.

    `revision` goes up with every change. Every request's credential check compares it with the revision
    the caller's cached principal was checked against, so a change applies on the next request on every
    worker, as a revocation does (mcp_gateway/auth/credentials.py)."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="mcp_policy")
    enabled = models.BooleanField(default=True, help_text="Off: every key and token of the workspace is refused.")
    accept_keys = models.BooleanField(default=True, help_text="MCP keys may connect.")
    accept_oauth = models.BooleanField(default=True, help_text="OAuth apps (Claude's connector) may connect.")
    oauth_apps = models.JSONField(
        default=list, blank=True, help_text="The apps that may connect: client ID URLs or redirect hosts; empty: any."
    )
    max_key_lifetime_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="The longest a key may live, in days; empty: no cap."
    )
    tools = models.JSONField(null=True, blank=True, help_text="The tools Claude may use, by name; empty: all.")
    key_networks = models.JSONField(
        default=list, blank=True, help_text="The networks (CIDR blocks) keys may be used from; empty: anywhere."
    )
    revision = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "MCP policy"
        verbose_name_plural = "MCP policies"

    def __str__(self) -> str:
        return f"MCP policy of {self.workspace}"
