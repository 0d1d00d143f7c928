"""manage.py mcp_policy --workspace SLUG [--set FIELD=JSON ...]: show a workspace's MCP policy, or change it."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mcp_gateway.policy.selectors import mcp_policy_of, policy_fields
from mcp_gateway.policy.services import FIELDS, InvalidPolicy, mcp_policy_update
from workspaces.commands import workspace_from_argument


class Command(BaseCommand):
    help = (
        "Show a workspace's MCP policy as JSON, or change fields of it with --set, e.g. "
        "--set enabled=false --set 'tools=[\"get_session\"]' --set 'key_networks=[\"203.0.113.0/24\"]'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument(
            "--set",
            dest="changes",
            action="append",
            default=[],
            metavar="FIELD=JSON",
            help=f"A field and its value as JSON; the fields: {', '.join(FIELDS)}.",
        )

    def handle(self, *args: Any, workspace: str, changes: list[str], **options: Any) -> None:
        target = workspace_from_argument(workspace)
        if changes:
            try:
                policy = mcp_policy_update(workspace=target, changes=_parsed(changes), by=None)
            except InvalidPolicy as error:
                raise CommandError(str(error)) from None
        else:
            policy = mcp_policy_of(workspace=target)
        self.stdout.write(json.dumps(policy_fields(policy), indent=2))


def _parsed(changes: list[str]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for change in changes:
        field, separator, value = change.partition("=")
        if not separator:
            raise CommandError(f"--set takes FIELD=JSON, e.g. enabled=false; not {change!r}.")
        try:
            parsed[field.strip()] = json.loads(value)
        except (ValueError, RecursionError):
            raise CommandError(f"The value of {field.strip()} is not JSON: {value[:100]!r}.") from None
    return parsed
