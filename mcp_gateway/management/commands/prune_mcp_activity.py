"""manage.py prune_mcp_activity [--days N]: delete activity-log records, and workspace audit-trail events, older
than the retention period."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mcp_gateway.activity.services import mcp_calls_prune
from workspaces.audit import audit_events_prune


class Command(BaseCommand):
    help = "Delete MCP calls and audit-trail events older than ALLOY_ACTIVITY_RETENTION_DAYS (or --days). Run it daily."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="Keep this many days instead of the configured retention.")

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        keep = settings.ALLOY_ACTIVITY_RETENTION_DAYS if days is None else days
        if keep < 1:
            raise CommandError("--days must be at least 1.")
        deleted = mcp_calls_prune(older_than_days=keep)
        events = audit_events_prune(older_than_days=keep)
        self.stdout.write(f"Deleted {deleted} MCP call(s) and {events} audit event(s) older than {keep} days.")
