"""Shared by management commands: a workspace, and a day to start from, named on the command line."""

from datetime import UTC, datetime, time

from django.core.management.base import CommandError

from workspaces.models import Workspace
from workspaces.selectors import workspace_get


def workspace_from_argument(slug: str) -> Workspace:
    """The workspace with this slug, or a CommandError (exit 1) that says there is none."""
    try:
        return workspace_get(slug=slug)
    except Workspace.DoesNotExist:
        raise CommandError(f"No workspace {slug!r}.") from None


def day_start_from_argument(since: str) -> datetime:
    """The start (UTC) of the day `--since` names as YYYY-MM-DD, or a CommandError that says what it takes."""
    try:
        day = datetime.strptime(since, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"--since takes a day as YYYY-MM-DD, not {since!r}.") from None
    return datetime.combine(day, time.min, tzinfo=UTC)
