"""Ingestion keys in the Django admin: listed and revoked; created with `manage.py create_ingest_key` or on the
workspace's settings page (which show the key once)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ingest.keys import ingest_key_revoke
from ingest.models import IngestKey
from workspaces.access import person_of


@admin.register(IngestKey)
class IngestKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "workspace", "created_by", "created_at", "last_used_at", "status"]
    list_filter = ["workspace", "created_at"]
    search_fields = ["name", "prefix", "workspace__slug"]
    list_select_related = ["workspace", "created_by"]
    readonly_fields = ["workspace", "name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_keys"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the key would have to be shown once: the command and the settings page do that

    @admin.action(description="Revoke selected ingestion keys")
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[IngestKey]) -> None:
        revoked = sum(ingest_key_revoke(key=key, by=person_of(request)) for key in queryset)
        self.message_user(request, f"Revoked {revoked} ingestion key(s).", messages.SUCCESS)
