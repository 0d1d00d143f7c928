"""Settings → Ingestion keys: owners and admins create a key (shown once, with where it writes) and revoke one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ingest.keys import (
    InvalidIngestKeyRequest,
    ingest_key_create,
    ingest_key_of,
    ingest_key_revoke,
    ingest_keys_list,
)
from mcp_gateway.keys.forms_sent_once import ALREADY_SENT, first_sending, new_form_id
from mcp_gateway.keys.forms_sent_once import FIELD as FORM_ID_FIELD
from workspaces.access import manager_or_403, member_or_404, person_of
from workspaces.views import settings_context


@login_required
def ingest_keys_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug)
    manager_or_403(membership, "manage ingestion keys")
    created, error = None, None
    if request.method == "POST":
        try:
            if not first_sending(request, request.POST.get(FORM_ID_FIELD, "")):
                raise InvalidIngestKeyRequest(ALREADY_SENT)
            created = ingest_key_create(
                workspace=membership.workspace, name=request.POST.get("name", ""), created_by=person_of(request)
            )
        except InvalidIngestKeyRequest as problem:
            error = str(problem)
    keys = ingest_keys_list(workspace=membership.workspace)
    context = settings_context(
        request,
        membership,
        "ingest-keys",
        live_keys=[key for key in keys if key.status == "active"],
        past_keys=[key for key in keys if key.status != "active"],
        created=created,
        error=error,
        typed_name=request.POST.get("name", "") if error else "",
        sessions_url=f"{settings.ALLOY_PUBLIC_URL.rstrip('/')}/api/v1/workspaces/{slug}/sessions/",
        form_id_field=FORM_ID_FIELD,
        form_id=new_form_id(),
    )
    return render(request, "ingest/ingest_keys.html", context)


@login_required
@require_POST
def ingest_key_revoke_view(request: HttpRequest, slug: str, key_id: int) -> HttpResponse:
    membership = member_or_404(request, slug)
    manager_or_403(membership, "revoke ingestion keys")
    key = ingest_key_of(workspace=membership.workspace, key_id=key_id)
    if key is None:
        raise Http404("No such key.")
    ingest_key_revoke(key=key, by=person_of(request))
    messages.success(request, f"Revoked the ingestion key {key.name}; its next write is refused.")
    return redirect("ingest-keys-settings", slug=slug)
