"""Shared by management commands: a workspace, and a day to start from, named on the command line."""

from datetime import UTC, datetime, time

from django.core.management.base import CommandError

from workspaces.models import User, Workspace
from workspaces.selectors import membership_get, user_get_by_email, workspace_get


def workspace_from_argument(slug: str) -> Workspace:
    """The workspace with this slug, or a CommandError (exit 1) that says there is none."""
    try:
        return workspace_get(slug=slug)
    except Workspace.DoesNotExist:
        raise CommandError(f"No workspace {slug!r}.") from None


def manager_from_argument(workspace: Workspace, email: str | None) -> User | None:
    """The owner or admin of `workspace` that `--created-by EMAIL` names (None without one), or a CommandError."""
    if not email:
        return None
    person = user_get_by_email(email=email)
    membership = membership_get(workspace=workspace, user=person) if person else None
    if person is None or membership is None or not membership.can_manage:
        raise CommandError(f"{email} is not an owner or admin of {workspace.slug}.")
    return person


def day_start_from_argument(since: str) -> datetime:
    """The start (UTC) of the day `--since` names as YYYY-MM-DD, or a CommandError that says what it takes."""
    try:
        day = datetime.strptime(since, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"--since takes a day as YYYY-MM-DD, not {since!r}.") from None
    return datetime.combine(day, time.min, tzinfo=UTC)
