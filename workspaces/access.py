"""Who may do what in a workspace, for pages and the API alike.

Two facts, each written once: a workspace exists for its members only (anyone else gets the 404 a
workspace that does not exist gets), and only owners and admins manage it (`Membership.can_manage`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from workspaces.models import Membership, User
from workspaces.selectors import membership_for_slug


def person_of(request: HttpRequest | Request) -> User:
    """The signed-in person behind a request that passed `login_required` or the API's authentication."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Sign in first.")
    return request.user


def managers_only(membership: Membership, action: str) -> str:
    return f"Only owners and admins of {membership.workspace.slug} can {action}."


def member_or_404(request: HttpRequest, slug: str) -> Membership:
    """The signed-in person's membership; outsiders get the same 404 as a workspace that does not exist."""
    membership = membership_for_slug(user=request.user, slug=slug)
    if membership is None:
        raise Http404("No such workspace.")
    return membership


def manager_or_403(membership: Membership, action: str) -> None:
    if not membership.can_manage:
        raise PermissionDenied(managers_only(membership, action))


class IsWorkspaceMember(BasePermission):
    """The URL's workspace (`slug`) has the person as a member; the view gets it as `view.membership`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        slug = view.kwargs["slug"]
        membership = membership_for_slug(user=request.user, slug=slug)
        if membership is None:
            raise exceptions.NotFound(f"No workspace {slug}.")
        view.membership = membership
        return True


class IsWorkspaceManager(IsWorkspaceMember):
    """A member who is an owner or admin; the view names what is refused in `managed_action`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        super().has_permission(request, view)
        if not view.membership.can_manage:
            raise exceptions.PermissionDenied(managers_only(view.membership, view.managed_action))
        return True


class ManagersChange(IsWorkspaceMember):
    """Members read; only owners and admins change (any method but GET, HEAD and OPTIONS)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        return IsWorkspaceManager().has_permission(request, view)
