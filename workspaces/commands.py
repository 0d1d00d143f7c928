"""Shared by management commands: a workspace named on the command line."""

from django.core.management.base import CommandError

from workspaces.models import Workspace
from workspaces.selectors import workspace_get


def workspace_from_argument(slug: str) -> Workspace:
    """The workspace with this slug, or a CommandError (exit 1) that says there is none."""
    try:
        return workspace_get(slug=slug)
    except Workspace.DoesNotExist:
        raise CommandError(f"No workspace {slug!r}.") from None
