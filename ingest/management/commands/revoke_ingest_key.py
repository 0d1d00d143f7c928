"""manage.py revoke_ingest_key PREFIX...: revokes ingestion keys at once (the next write with them fails, on every
worker), named by their prefix (alloy_ingest_XXXXXXXX) or the whole key, as when one leaked and is pasted. Prints
each; exits 1 when a name matched no key. A key revoked already is said so, and is no failure."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.keys import ingest_key_revoke
from ingest.models import IngestKey
from mcp_gateway.auth.key_format import INGEST_KEYS


class Command(BaseCommand):
    help = "Revoke ingestion keys by prefix or whole key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("keys", nargs="+", metavar="PREFIX", help="Key prefixes or whole keys.")

    def handle(self, *args: Any, keys: list[str], **options: Any) -> None:
        missing = 0
        for reference in keys:
            reference = reference.strip().rstrip("…")
            if not INGEST_KEYS.looks_like(reference):
                reference = INGEST_KEYS.prefix + reference
            key = IngestKey.objects.select_related("workspace").filter(prefix=reference[: INGEST_KEYS.lookup_length])
            found = key.first()
            if found is None:
                self.stderr.write(f"No ingestion key matches {reference!r}.")
                missing += 1
            elif ingest_key_revoke(key=found, by=None):
                self.stdout.write(f"Revoked {found.prefix}… {found.name!r} ({found.workspace.slug})")
            else:
                self.stdout.write(f"Already revoked: {found.prefix}… {found.name!r} ({found.workspace.slug})")
        if missing:
            raise CommandError(f"{missing} of {len(keys)} matched no key.")
