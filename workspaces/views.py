"""The workspace pages: the settings shell (General, Members) other apps add sections to."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from workspaces.access import manager_or_403, member_or_404, person_of
from workspaces.audit import audit_events_list
from workspaces.models import Membership, User
from workspaces.selectors import workspaces_for_user
from workspaces.services import MembershipProblem, member_add, member_remove, member_role_change
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
    """Members: everyone reads the list; owners and admins add people who have an account, change roles and
    remove people (workspaces/services.py); a refused change says why and keeps what was typed."""
    membership = member_or_404(request, slug)
    error, typed = None, {"email": "", "role": Membership.Role.MEMBER}
    if request.method == "POST":
        manager_or_403(membership, "manage members")
        try:
            done = _change_members(request, membership)
        except MembershipProblem as problem:
            error = str(problem)
            typed = {"email": request.POST.get("email", ""), "role": request.POST.get("role", Membership.Role.MEMBER)}
        else:
            messages.success(request, done)
            return redirect("workspace-settings-members", slug=slug)
    members = Membership.objects.filter(workspace=membership.workspace).select_related("user").order_by("user__email")
    # Whom this person may change: not themselves (another owner or admin does), and an owner only if they are one.
    owner = Membership.Role.OWNER
    is_owner = membership.role == owner
    rows = [
        (member, membership.can_manage and member.pk != membership.pk and (member.role != owner or is_owner))
        for member in members
    ]
    offered = [(value, label) for value, label in Membership.Role.choices if value != owner or is_owner]
    context = settings_context(request, membership, "members", rows=rows, roles=offered, error=error, typed=typed)
    return render(request, "workspaces/settings_members.html", context, status=400 if error else 200)


@login_required
def settings_audit_trail(request: HttpRequest, slug: str) -> HttpResponse:
    """Audit trail (owners and admins): who changed keys, apps, members and the MCP policy, newest first."""
    membership = member_or_404(request, slug)
    manager_or_403(membership, "read the audit trail")
    before = request.GET.get("before", "")
    if before and not (before.isascii() and before.isdigit() and len(before) < 19):
        return HttpResponseBadRequest("before must be an event's id, as the Older events link gives it.")
    page = audit_events_list(workspace=membership.workspace, before=int(before) if before else None)
    context = settings_context(request, membership, "audit-trail", page=page)
    return render(request, "workspaces/settings_audit_trail.html", context)


def _change_members(request: HttpRequest, membership: Membership) -> str:
    """The change a members form asked for, made; what to tell the person."""
    action = request.POST.get("action")
    if action == "add":
        added = member_add(
            workspace=membership.workspace,
            email=request.POST.get("email", ""),
            role=request.POST.get("role", ""),
            by=membership,
        )
        return f"Added {added.user.email} as {added.get_role_display().lower()}."
    member_id = request.POST.get("member", "")
    members = Membership.objects.filter(workspace=membership.workspace).select_related("user", "workspace")
    target = members.filter(pk=int(member_id)).first() if member_id.isascii() and member_id.isdigit() else None
    if target is None:
        raise MembershipProblem("That person is not a member of this workspace (any more).")
    if action == "role":
        changed = member_role_change(membership=target, role=request.POST.get("role", ""), by=membership)
        return f"{changed.user.email} is now {changed.get_role_display().lower()}."
    if action == "remove":
        member_remove(membership=target, by=membership)
        return f"Removed {target.user.email}; their connected apps stop working on their next request."
    raise MembershipProblem("Choose to add a person, change a role or remove someone.")


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
