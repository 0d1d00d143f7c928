"""manage.py create_mcp_key WORKSPACE --name NAME [--created-by EMAIL] [--expires-in DAYS|never]: prints only
the new key."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mcp_gateway.keys.services import InvalidKeyRequest, lifetime_from_text, mcp_key_create
from mcp_gateway.models import McpKey
from workspaces.commands import manager_from_argument, workspace_from_argument


class Command(BaseCommand):
    help = "Create an MCP key for a workspace and print it (only the key, once: it is not stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workspace", help="The workspace's slug.")
        parser.add_argument("--name", required=True, help="What the key is for, e.g. 'Claude Desktop'.")
        parser.add_argument("--created-by", help="Email of the owner or admin creating it (recorded on the key).")
        parser.add_argument(
            "--expires-in",
            choices=[*map(str, McpKey.LIFETIME_DAYS), "never"],
            default=str(McpKey.DEFAULT_LIFETIME_DAYS),
            help=f"Days until the key is refused (default {McpKey.DEFAULT_LIFETIME_DAYS}), or never.",
        )

    def handle(
        self, *args: Any, workspace: str, name: str, created_by: str | None, expires_in: str, **options: Any
    ) -> None:
        target = workspace_from_argument(workspace)
        creator = manager_from_argument(target, created_by)
        try:
            created = mcp_key_create(
                workspace=target,
                name=name,
                created_by=creator,
                expires_in_days=lifetime_from_text(expires_in),
            )
        except InvalidKeyRequest as error:
            raise CommandError(str(error)) from None
        self.stdout.write(created.key)
