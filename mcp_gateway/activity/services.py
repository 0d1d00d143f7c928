"""Writes of the activity log besides its writer: pruning old records."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mcp_gateway.models import McpCall
from sessions_app.tenancy import every_workspace


def mcp_calls_prune(*, older_than_days: int) -> int:
    """Delete activity-log records older than `older_than_days`; how many went. In batches, so a large
    backlog never holds a long lock on the table."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted = 0
    while True:
        with every_workspace():  # a transaction a batch; the log is behind the wall (mcp_gateway migration 0009)
            batch = list(McpCall.objects.filter(at__lt=cutoff).values_list("pk", flat=True)[:10_000])
            if not batch:
                return deleted
            deleted += McpCall.objects.filter(pk__in=batch).delete()[0]
