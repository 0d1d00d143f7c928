"""manage.py seed_demo: the demo workspaces, people and sessions (idempotent; safe to run again)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sessions_app.documents import DocumentError, parse_document
from sessions_app.services import session_import
from workspaces.models import Membership, User, Workspace

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "demo.jsonl"
DEMO_PASSWORD = "alloy-demo-password"  # noqa: S105 - a published demo credential, local use only

PEOPLE = [
    # email, name, workspace, role, staff (can use the Django admin)
    ("owner@demo.alloy.app", "Priya Shah", "demo", Membership.Role.OWNER, True),
    ("member@demo.alloy.app", "Marco Rossi", "demo", Membership.Role.MEMBER, False),
    ("owner@other.alloy.app", "Ola Nordmann", "other", Membership.Role.OWNER, False),
]
WORKSPACES = {"demo": "Demo", "other": "Other team"}


class Command(BaseCommand):
    help = "Create the demo workspaces ('demo' and 'other'), their people and sessions."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for slug, name in WORKSPACES.items():
                Workspace.objects.update_or_create(slug=slug, defaults={"name": name})
            for email, name, slug, role, staff in PEOPLE:
                user, _ = User.objects.update_or_create(
                    email=email, defaults={"name": name, "is_staff": staff, "is_superuser": staff}
                )
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                Membership.objects.update_or_create(
                    user=user, workspace=Workspace.objects.get(slug=slug), defaults={"role": role}
                )
        outcomes = []
        with FIXTURE.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    outcomes.append(session_import(document=parse_document(json.loads(line))).value)
                except DocumentError as error:
                    raise CommandError(f"{FIXTURE.name} line {number}: {error}") from None
        changed = sum(outcome != "unchanged" for outcome in outcomes)
        self.stdout.write(f"Demo data ready: {len(outcomes)} sessions ({changed} created or updated).")
        url = settings.ALLOY_PUBLIC_URL
        self.stdout.write(
            f"Sign in at {url}/ as {PEOPLE[0][0]} with password {DEMO_PASSWORD} (the Django admin: {url}/admin/)"
        )
