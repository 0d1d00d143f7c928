"""The MCP, MCP policy, MCP activity and Connected apps sections of a workspace's settings."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mcp_gateway.activity.exports import filtered_calls_as_json_lines
from mcp_gateway.activity.selectors import ActivityFilters, InvalidActivityFilter, mcp_calls_list
from mcp_gateway.keys.forms_sent_once import ALREADY_SENT, first_sending, new_form_id
from mcp_gateway.keys.forms_sent_once import FIELD as FORM_ID_FIELD
from mcp_gateway.keys.selectors import mcp_keys_list, mcp_keys_with_last_refusal
from mcp_gateway.keys.services import (
    InvalidKeyRequest,
    key_lifetimes,
    lifetime_from_text,
    mcp_key_create,
    mcp_key_delete,
    mcp_key_revoke,
)
from mcp_gateway.models import McpCall, McpKey
from mcp_gateway.oauth.connected_apps import connected_apps_list, oauth_tokens_revoke
from mcp_gateway.policy.rules import ALL_TOOLS, TOOL_GROUPS
from mcp_gateway.policy.selectors import mcp_policy_of, policy_fields
from mcp_gateway.policy.services import InvalidPolicy, mcp_policy_update
from mcp_gateway.web.client_config import claude_desktop_config
from sessions_app import selectors
from sessions_app.tenancy import only_workspace
from workspaces.access import manager_or_403, member_or_404, person_of
from workspaces.models import Membership
from workspaces.views import settings_context


@login_required
def mcp_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug)
    mcp_url = settings.ALLOY_MCP_RESOURCE
    created, error = None, None
    if request.method == "POST":
        manager_or_403(membership, "create MCP keys")
        try:
            if not first_sending(request, request.POST.get(FORM_ID_FIELD, "")):
                raise InvalidKeyRequest(ALREADY_SENT)
            created = mcp_key_create(
                workspace=membership.workspace,
                name=request.POST.get("name", ""),
                created_by=person_of(request),
                expires_in_days=lifetime_from_text(request.POST.get("expires_in_days", "")),
            )
        except InvalidKeyRequest as problem:
            error = str(problem)
    lifetimes = key_lifetimes(workspace=membership.workspace)  # what the workspace's MCP policy allows
    with only_workspace(membership.workspace.pk):  # each key's last refusal is in the walled activity log
        keys = list(mcp_keys_with_last_refusal(workspace=membership.workspace))
    context = settings_context(
        request,
        membership,
        "mcp",
        live_keys=[key for key in keys if key.status == "active"],
        # Revoked and expired keys stay listed (their prefix and last refusal tell where one is still
        # configured) but folded away, so the live ones are what the page shows.
        past_keys=[key for key in keys if key.status != "active"],
        lifetimes=lifetimes,
        # A refused form shows again what was typed and chosen.
        typed_name=request.POST.get("name", "") if error else "",
        chosen_lifetime=request.POST.get("expires_in_days", str(lifetimes.default))
        if error
        else str(lifetimes.default),
        created=created,
        config=json.dumps(claude_desktop_config(url=mcp_url, key=created.key), indent=2) if created else "",
        error=error,
        mcp_url=mcp_url,
        form_id_field=FORM_ID_FIELD,
        form_id=new_form_id(),
    )
    response = render(request, "mcp_gateway/settings/mcp.html", context, status=400 if error else 200)
    if created:
        response["Cache-Control"] = "no-store"  # the key is in this response only
    return response


@login_required
def mcp_policy_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """MCP policy: members read it, owners and admins change it; a refused change keeps what was typed."""
    membership = member_or_404(request, slug)
    policy = mcp_policy_of(workspace=membership.workspace)
    form, error = policy_form_values(policy_fields(policy)), None
    if request.method == "POST":
        manager_or_403(membership, "change the MCP policy")
        changes = policy_changes_from_form(request.POST)
        try:
            mcp_policy_update(workspace=membership.workspace, changes=changes, by=person_of(request))
        except InvalidPolicy as problem:
            form, error = policy_form_values(changes), str(problem)
        else:
            messages.success(request, "Saved the MCP policy; it applies to every connection's next request.")
            return redirect("mcp-policy-settings", slug=slug)
    context = settings_context(
        request,
        membership,
        "mcp-policy",
        policy=policy,
        networks=[str(network) for network in policy.key_networks],
        form=form,
        error=error,
        tool_groups=list(TOOL_GROUPS.items()),
    )
    return render(request, "mcp_gateway/settings/mcp_policy.html", context, status=400 if error else 200)


def policy_changes_from_form(data: QueryDict) -> dict[str, Any]:
    """The form's fields as the API spells a change: every tool ticked is "all tools" (null), so a tool added
    to Alloy later is on; a lifetime that is not a number is passed on as typed, to be refused by name."""
    lifetime = data.get("max_key_lifetime_days", "").strip()
    tools = data.getlist("tools")
    return {
        "enabled": data.get("enabled") == "on",
        "credentials": data.getlist("credentials"),
        "oauth_apps": _lines(data.get("oauth_apps", "")),
        "max_key_lifetime_days": (int(lifetime) if lifetime.isdigit() else lifetime) if lifetime else None,
        "tools": None if set(tools) >= set(ALL_TOOLS) else tools,
        "key_networks": _lines(data.get("key_networks", "")),
    }


def policy_form_values(fields: dict[str, Any]) -> dict[str, Any]:
    """A change (or the policy) as the form shows it: lists one entry a line."""
    return {
        "enabled": fields["enabled"],
        "credentials": fields["credentials"],
        "oauth_apps": "\n".join(fields["oauth_apps"]),
        "max_key_lifetime_days": fields["max_key_lifetime_days"] or "",
        "tools": ALL_TOOLS if fields["tools"] is None else fields["tools"],
        "key_networks": "\n".join(fields["key_networks"]),
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@login_required
def mcp_key_delete_view(request: HttpRequest, slug: str, key_id: int) -> HttpResponse:
    membership, key = _managed_key(request, slug, key_id, "delete MCP keys")
    if request.method == "POST":
        mcp_key_delete(key=key, by=person_of(request))
        messages.success(request, f"Deleted the key {key.name}; it no longer works.")
        return redirect("mcp-settings", slug=slug)
    context = settings_context(request, membership, "mcp", key=key)
    return render(request, "mcp_gateway/settings/mcp_delete.html", context)


@login_required
@require_POST
def mcp_key_revoke_view(request: HttpRequest, slug: str, key_id: int) -> HttpResponse:
    """Revoke a key at once (it stays listed, folded with the other past keys); Delete removes it."""
    _, key = _managed_key(request, slug, key_id, "revoke MCP keys")
    mcp_key_revoke(key=key, by=person_of(request))
    messages.success(request, f"Revoked the key {key.name}; it stops working on its next request.")
    return redirect("mcp-settings", slug=slug)


def _managed_key(request: HttpRequest, slug: str, key_id: int, action: str) -> tuple[Membership, McpKey]:
    """The person's membership and the workspace's key `key_id`, for an owner or admin; else 403 or 404."""
    membership = member_or_404(request, slug)
    manager_or_403(membership, action)
    key = mcp_keys_list(workspace=membership.workspace).filter(pk=key_id).first()
    if key is None:
        raise Http404("No such key.")
    return membership, key


@login_required
def mcp_activity_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """MCP → Activity: the workspace's calls, filtered and paged (owners and admins)."""
    membership = member_or_404(request, slug)
    manager_or_403(membership, "read the MCP activity")
    try:
        filters = ActivityFilters.from_query(request.GET)
    except InvalidActivityFilter as problem:
        return HttpResponseBadRequest(str(problem), content_type="text/plain; charset=utf-8")
    page = mcp_calls_list(workspace=membership.workspace, filters=filters)
    with only_workspace(membership.workspace.pk):  # the sessions' titles, behind the wall like every read
        sessions = selectors.sessions_by_id(
            workspace=membership.workspace, public_ids={call.session_id for call in page.calls if call.session_id}
        )
    context = settings_context(
        request,
        membership,
        "mcp-activity",
        page=page,
        calls=[(call, sessions.get(call.session_id)) for call in page.calls],
        filters=filters,
        next_query=urlencode(filters.query(before=page.next_before)),
        export_query=urlencode(filters.query(before=None)),
        outcomes=McpCall.Outcome.choices,
        keys=mcp_keys_list(workspace=membership.workspace),
        apps=connected_apps_list(workspace=membership.workspace),
        retention_days=settings.ALLOY_ACTIVITY_RETENTION_DAYS,
    )
    return render(request, "mcp_gateway/settings/mcp_activity.html", context)


@login_required
def mcp_activity_export(request: HttpRequest, slug: str) -> HttpResponseBase:
    """MCP activity → Export: every call the page's filters match, as JSON lines (owners and admins)."""
    membership = member_or_404(request, slug)
    manager_or_403(membership, "export the MCP activity")
    try:
        filters = ActivityFilters.from_query(request.GET)
    except InvalidActivityFilter as problem:
        return HttpResponseBadRequest(str(problem), content_type="text/plain; charset=utf-8")
    lines = filtered_calls_as_json_lines(workspace=membership.workspace, filters=filters)
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-mcp-activity.jsonl"'
    return response


@login_required
def connected_apps_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug)
    context = settings_context(
        request, membership, "connected-apps", apps=connected_apps_list(workspace=membership.workspace)
    )
    return render(request, "mcp_gateway/settings/connected_apps.html", context)


@login_required
def connected_app_revoke_view(request: HttpRequest, slug: str, client_id: str) -> HttpResponse:
    membership = member_or_404(request, slug)
    manager_or_403(membership, "revoke connected apps")
    app = next(
        (a for a in connected_apps_list(workspace=membership.workspace) if a.application.client_id == client_id), None
    )
    if app is None:
        raise Http404("No such app.")
    if request.method == "POST":
        oauth_tokens_revoke(workspace=membership.workspace, by=person_of(request), client_id=client_id)
        messages.success(request, f"Revoked {app.application.name or client_id}; its tokens no longer work.")
        return redirect("connected-apps-settings", slug=slug)
    context = settings_context(request, membership, "connected-apps", app=app)
    return render(request, "mcp_gateway/settings/connected_app_revoke.html", context)
