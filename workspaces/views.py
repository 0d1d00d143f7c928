"""The workspace pages: the settings shell (General, Members) other apps add sections to."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from workspaces.models import Membership
from workspaces.selectors import membership_for_slug, workspaces_for_user
from workspaces.settings_sections import SECTIONS


def member_or_404(request: HttpRequest, slug: str) -> Membership:
    """The signed-in person's membership; outsiders get the same 404 as a workspace that does not exist."""
    membership = membership_for_slug(user=request.user, slug=slug)
    if membership is None:
        raise Http404("No such workspace.")
    return membership


def settings_context(request: HttpRequest, membership: Membership, current: str, **extra: Any) -> dict[str, Any]:
    slug = membership.workspace.slug
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "can_manage": membership.can_manage,
        "sections": [{"key": s.key, "title": s.title, "url": reverse(s.url_name, args=[slug])} for s in SECTIONS],
        "current": current,
        "other_workspaces": workspaces_for_user(user=request.user).exclude(pk=membership.workspace_id),
        **extra,
    }


@login_required
def settings_general(request: HttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug)
    return render(request, "workspaces/settings_general.html", settings_context(request, membership, "general"))


@login_required
def settings_members(request: HttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug)
    members = Membership.objects.filter(workspace=membership.workspace).select_related("user").order_by("user__email")
    context = settings_context(request, membership, "members", members=members)
    return render(request, "workspaces/settings_members.html", context)
