"""Ingestion keys: how the product's backend writes sessions as they run (ingest/api.py).

Their own kind of credential, apart from MCP keys: write-only (an ingestion key cannot read a session, and /mcp
refuses it), one workspace each, shown once and kept as a keyed hash with a public prefix (mcp_gateway/auth/
key_format.py: `alloy_ingest_…`), revoked at once. They do not expire: they live in a server's configuration,
not on a laptop, and are rotated by creating a new one and revoking the old.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alloy.visible import visible
from workspaces.models import Workspace

NAME_MAX_LENGTH = 100


class IngestKeyQuerySet(models.QuerySet["IngestKey"]):
    def active(self) -> IngestKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class IngestKey(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="ingest_keys")
    name = models.CharField(max_length=NAME_MAX_LENGTH, help_text="What writes with it, e.g. “builder-api (prod)”.")
    prefix = models.CharField(max_length=21, unique=True, editable=False, help_text="The key's visible start.")
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Written at most once a minute per key (ingest/keys.py), not on every write.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = IngestKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "ingestion key"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="ingestkey_ws_created_idx")]

    def __str__(self) -> str:
        return visible(f"{self.name} ({self.prefix}…)")

    @property
    def status(self) -> str:
        return "revoked" if self.revoked_at is not None else "active"
