"""Reads of workspaces and memberships."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from workspaces.models import Membership, User, Workspace


def workspace_get(*, slug: str) -> Workspace:
    """The workspace with this slug; raises `Workspace.DoesNotExist`."""
    return Workspace.objects.get(slug=slug)


def workspaces_for_user(*, user: User) -> QuerySet[Workspace]:
    """The workspaces a person belongs to, by slug."""
    return Workspace.objects.filter(memberships__user=user).order_by("slug")


def membership_get(*, workspace: Workspace, user: User) -> Membership | None:
    """This person's membership of the workspace, or None when they are not a member."""
    return Membership.objects.filter(workspace=workspace, user=user).first()


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()


def membership_for_slug(*, user: User | AnonymousUser, slug: str) -> Membership | None:
    """The person's membership of the workspace with this slug; None for outsiders and unknown slugs alike."""
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("workspace").filter(user=user, workspace__slug=slug).first()
