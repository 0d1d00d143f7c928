"""manage.py export_mcp_activity [WORKSPACE] [--since YYYY-MM-DD] [--output FILE]: the activity log as
JSON lines, oldest first (for a SIEM or an audit), streamed so a large log never sits in memory."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mcp_gateway.activity.exports import call_record
from mcp_gateway.models import McpCall
from sessions_app.tenancy import every_workspace
from workspaces.commands import day_start_from_argument, workspace_from_argument


class Command(BaseCommand):
    help = "Export MCP calls (who, tool, session, outcome, duration; never content) as JSON lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workspace", nargs="?", help="Only this workspace's calls.")
        parser.add_argument("--since", help="Only calls on or after this day (YYYY-MM-DD, UTC).")
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, workspace: str | None, since: str | None, output: str | None, **options: Any) -> None:
        calls = McpCall.objects.select_related("workspace", "application", "user").order_by("id")
        if workspace:
            calls = calls.filter(workspace=workspace_from_argument(workspace))
        if since:
            calls = calls.filter(at__gte=day_start_from_argument(since))
        stream = open(output, "w", encoding="utf-8") if output else self.stdout  # noqa: SIM115
        try:
            with every_workspace():  # the log is behind the wall (mcp_gateway migration 0009)
                for call in calls.iterator(chunk_size=5_000):
                    stream.write(json.dumps(call_record(call, workspace_slug=call.workspace.slug)) + "\n")
        finally:
            if output:
                stream.close()
