"""The workspace pages: the settings shell (General, Members) other apps add sections to."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from workspaces.access import member_or_404, person_of
from workspaces.models import Membership, User
from workspaces.selectors import workspaces_for_user
from workspaces.settings_sections import SECTIONS


def settings_context(request: HttpRequest, membership: Membership, current: str, **extra: Any) -> dict[str, Any]:
    slug = membership.workspace.slug
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "can_manage": membership.can_manage,
        "sections": [
            {"key": s.key, "title": s.title, "url": reverse(s.url_name, args=[slug])}
            for s in SECTIONS
            if membership.can_manage or not s.managers_only
        ],
        "current": current,
        "other_workspaces": workspaces_for_user(user=person_of(request)).exclude(pk=membership.workspace_id),
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


@login_required
@require_POST
def diff_view_preference(request: HttpRequest) -> HttpResponse:
    """Unified or split: how this person reads diffs, on every session page from now on."""
    choice = request.POST.get("diff_view")
    if choice not in User.DiffView.values:
        return HttpResponseBadRequest(f"diff_view must be one of: {', '.join(User.DiffView.values)}.")
    person = person_of(request)
    person.diff_view = choice
    person.save(update_fields=["diff_view"])
    back = request.POST.get("next", "")
    # A path on this site only (never a view name: `redirect` would try to reverse one).
    same_site = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(back if same_site and back.startswith("/") else reverse("home"))
