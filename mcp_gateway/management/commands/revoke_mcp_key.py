"""manage.py revoke_mcp_key ID_OR_PREFIX... | --workspace SLUG --all

Revokes keys at once (the next request with them fails, on every worker), prints each one revoked,
and exits 1 when a named key matched nothing. `--all` on a workspace with no active key has nothing to
do, says so and succeeds: the workspace is in the state asked for (a script can run it twice).
A key can be named by its id, its prefix (alloy_mcp_XXXXXXXX) or
the whole key, as when a key has leaked and someone pastes it.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mcp_gateway.auth.key_format import KEY_PREFIX, LOOKUP_LENGTH
from mcp_gateway.keys.selectors import mcp_keys_list
from mcp_gateway.keys.services import mcp_key_revoke
from mcp_gateway.models import McpKey
from workspaces.commands import workspace_from_argument


class Command(BaseCommand):
    help = "Revoke MCP keys by id, prefix or full key, or every key of a workspace (--workspace SLUG --all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("keys", nargs="*", metavar="ID_OR_PREFIX", help="Key ids, prefixes or whole keys.")
        parser.add_argument("--workspace", help="With --all: the workspace whose keys to revoke.")
        parser.add_argument("--all", action="store_true", help="Revoke every active key of --workspace.")

    def handle(self, *args: Any, keys: list[str], workspace: str | None, all: bool, **options: Any) -> None:
        if bool(keys) == bool(all):
            raise CommandError("Name keys to revoke, or use --workspace SLUG --all (not both).")
        if all:
            if not workspace:
                raise CommandError("--all needs --workspace SLUG.")
            target = workspace_from_argument(workspace)
            matched = list(mcp_keys_list(workspace=target).unrevoked())
            if not matched:
                self.stdout.write(f"{target.slug} has no active key; nothing to revoke.")
                return
        else:
            matched = []
            for reference in keys:
                key = _find(reference)
                if key is None:
                    self.stderr.write(f"No key matches {reference!r}.")
                elif key not in matched:
                    matched.append(key)
        revoked = [key for key in matched if mcp_key_revoke(key=key, by=None)]
        for key in revoked:
            self.stdout.write(f"Revoked {key.pk} {key.prefix}… {key.name!r} ({key.workspace.slug})")
        for key in matched:
            if key not in revoked:
                self.stdout.write(f"Already revoked: {key.pk} {key.prefix}… {key.name!r} ({key.workspace.slug})")
        if not matched:
            raise CommandError("Nothing matched; nothing was revoked.")


def _find(reference: str) -> McpKey | None:
    keys = mcp_keys_list()
    reference = reference.strip().rstrip("…")
    if reference.isdigit():
        return keys.filter(pk=int(reference)).first()
    if not reference.startswith(KEY_PREFIX):
        reference = KEY_PREFIX + reference
    return keys.filter(prefix=reference[: len(KEY_PREFIX) + LOOKUP_LENGTH]).first()
