"""manage.py export_audit_trail [WORKSPACE] [--since YYYY-MM-DD] [--output FILE]: the workspace audit trail as
JSON lines, oldest first, streamed (the sibling of export_mcp_activity)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from workspaces.commands import day_start_from_argument, workspace_from_argument
from workspaces.models import AuditEvent


class Command(BaseCommand):
    help = "Export the workspace audit trail (who changed keys, apps, members and the MCP policy) as JSON lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workspace", nargs="?", help="Only this workspace's events.")
        parser.add_argument("--since", help="Only events on or after this day (YYYY-MM-DD, UTC).")
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, workspace: str | None, since: str | None, output: str | None, **options: Any) -> None:
        events = AuditEvent.objects.order_by("id")
        if workspace:
            events = events.filter(workspace=workspace_from_argument(workspace))
        if since:
            events = events.filter(at__gte=day_start_from_argument(since))
        fields = ("id", "at", "workspace__slug", "actor_label", "action", "target", "before", "after")
        stream = open(output, "w", encoding="utf-8") if output else self.stdout  # noqa: SIM115
        try:
            for row in events.values(*fields).iterator(chunk_size=5_000):
                record = {
                    "id": row["id"],
                    "at": row["at"].isoformat(),
                    "workspace": row["workspace__slug"],
                    "actor": row["actor_label"],
                    **{name: row[name] for name in ("action", "target", "before", "after")},
                }
                stream.write(json.dumps(record) + "\n")
        finally:
            if output:
                stream.close()
