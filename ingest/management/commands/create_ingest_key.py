"""manage.py create_ingest_key WORKSPACE --name NAME [--created-by EMAIL]: what the key is for and where it
writes, then the key itself, last (a script may take the last line)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.keys import InvalidIngestKeyRequest, ingest_key_create
from workspaces.commands import manager_from_argument, workspace_from_argument


class Command(BaseCommand):
    help = "Create an ingestion key (writes sessions through the API) for a workspace; the key is printed last, once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workspace", help="The workspace's slug.")
        parser.add_argument("--name", required=True, help="What writes with it, e.g. 'builder-api (prod)'.")
        parser.add_argument("--created-by", help="Email of the owner or admin creating it (recorded on the key).")

    def handle(self, *args: Any, workspace: str, name: str, created_by: str | None, **options: Any) -> None:
        target = workspace_from_argument(workspace)
        creator = manager_from_argument(target, created_by)
        try:
            created = ingest_key_create(workspace=target, name=name, created_by=creator)
        except InvalidIngestKeyRequest as error:
            raise CommandError(str(error)) from None
        base = settings.ALLOY_PUBLIC_URL.rstrip("/")
        self.stderr.write(f"Ingestion key {created.record.prefix}… {created.record.name!r} for {target.slug}.")
        self.stderr.write(f"It writes sessions at {base}/api/v1/workspaces/{target.slug}/sessions/ and reads nothing.")
        self.stderr.write("Send it as: Authorization: Bearer <key>. It is shown once; store it now.")
        self.stdout.write(created.key)
