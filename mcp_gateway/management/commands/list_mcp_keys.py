"""manage.py list_mcp_keys [WORKSPACE]: a table of keys (never the keys themselves)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mcp_gateway.keys.selectors import mcp_keys_list
from workspaces.commands import workspace_from_argument

COLUMNS = ("ID", "PREFIX", "WORKSPACE", "NAME", "CREATED BY", "CREATED", "LAST USED", "EXPIRES", "STATUS")


class Command(BaseCommand):
    help = "List MCP keys: id, prefix, workspace, name, creator, dates and status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workspace", nargs="?", help="Only this workspace's keys.")

    def handle(self, *args: Any, workspace: str | None, **options: Any) -> None:
        target = workspace_from_argument(workspace) if workspace else None
        rows = [
            (
                str(key.pk),
                key.prefix + "…",
                key.workspace.slug,
                key.name,
                key.created_by.email if key.created_by else "-",
                f"{key.created_at:%Y-%m-%d %H:%M}",
                f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never",
                f"{key.expires_at:%Y-%m-%d %H:%M}" if key.expires_at else "never",
                f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else key.status,
            )
            for key in mcp_keys_list(workspace=target)
        ]
        if not rows:
            self.stdout.write("No MCP keys.")
            return
        widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
        for row in [COLUMNS, *rows]:
            self.stdout.write("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())
