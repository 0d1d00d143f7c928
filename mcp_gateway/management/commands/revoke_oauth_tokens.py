"""manage.py revoke_oauth_tokens --workspace SLUG [--client CLIENT_ID] [--user EMAIL]"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mcp_gateway.oauth.connected_apps import oauth_tokens_revoke
from workspaces.commands import workspace_from_argument
from workspaces.selectors import user_get_by_email


class Command(BaseCommand):
    help = "Revoke the OAuth tokens of a workspace, optionally only one client's or one person's."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument("--client", dest="client_id", help="Only this OAuth client id.")
        parser.add_argument("--user", dest="email", help="Only tokens this person authorized.")

    def handle(self, *args: Any, workspace: str, client_id: str | None, email: str | None, **options: Any) -> None:
        target = workspace_from_argument(workspace)
        user = None
        if email:
            user = user_get_by_email(email=email)
            if user is None:
                raise CommandError(f"No user {email!r}.")
        revoked = oauth_tokens_revoke(workspace=target, by=None, client_id=client_id, user=user)
        if not revoked:
            raise CommandError("No live OAuth tokens matched; nothing was revoked.")
        for access in revoked:
            name = access.client_name or "(unnamed client)"
            self.stdout.write(f"Revoked {access.tokens} token(s): {name} [{access.client_id}] for {access.email}")
