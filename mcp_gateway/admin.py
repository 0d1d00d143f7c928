"""MCP keys in the Django admin: create (the key is shown once), revoke, search and filter; each workspace's
MCP policy.

OAuth applications and tokens are registered by django-oauth-toolkit's own admin.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from oauth2_provider.admin import ApplicationAdmin

from alloy.visible import ShowsInvisibleCharacters, visible
from mcp_gateway.keys.forms_sent_once import ALREADY_SENT, mark_sent, new_form_id, was_sent
from mcp_gateway.keys.services import key_name_problem, mcp_key_create, mcp_key_delete, mcp_key_revoke
from mcp_gateway.models import McpCall, McpKey, McpKeyQuerySet, McpPolicy
from mcp_gateway.policy.services import InvalidPolicy, mcp_policy_update, policy_columns
from workspaces.access import person_of

NEW_KEY_ATTRIBUTE = "_alloy_new_mcp_key"
# A key's page: only its name can change.
READ_ONLY_FIELDS = ["shown_prefix", "workspace", "created_by", "created_at", "last_used_at", "expires_at", "revoked_at"]


class KeyStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        wanted = self.value()
        if isinstance(queryset, McpKeyQuerySet) and wanted in ("active", "expired", "revoked"):
            return getattr(queryset, wanted)()
        return queryset


class McpKeyCreationForm(forms.ModelForm):
    """The admin's form for a new key: a workspace, a name and how long it lasts; sent once
    (mcp_gateway/keys/forms_sent_once.py). `request` is set by McpKeyAdmin.get_form."""

    request: HttpRequest

    expires_in_days = forms.TypedChoiceField(
        label="Expires",
        choices=[(days, f"in {days} days") for days in McpKey.LIFETIME_DAYS] + [("", "never")],
        coerce=int,
        empty_value=None,
        required=False,
        initial=McpKey.DEFAULT_LIFETIME_DAYS,
    )

    form_id = forms.CharField(widget=forms.HiddenInput, required=False, initial=new_form_id)

    class Meta:
        model = McpKey
        fields = ["workspace", "name"]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        form_id = self.cleaned_data.get("form_id", "")
        if was_sent(self.request, form_id):  # a reload of the page that showed the key: say so first
            raise forms.ValidationError(ALREADY_SENT)
        workspace, name = self.cleaned_data.get("workspace"), self.cleaned_data.get("name", "").strip()
        if workspace is not None and (problem := key_name_problem(workspace=workspace, name=name)):
            self.add_error("name", problem)
        if not self.errors:
            mark_sent(self.request, form_id)
        return cleaned


class OAuthApplicationAdmin(ShowsInvisibleCharacters, ApplicationAdmin):
    """django-oauth-toolkit's admin of the registered clients (OAUTH2_PROVIDER's APPLICATION_ADMIN_CLASS), with
    their names shown as they are: a client names itself at /register."""


@admin.register(McpKey)
class McpKeyAdmin(ShowsInvisibleCharacters, admin.ModelAdmin):
    # Six columns that fit beside the filters at 1280 px (admin-lists.css lets a long name or email wrap): the
    # key's name with its prefix, its workspace, who made it and when, last used, expiry and status.
    list_display = ["key", "workspace", "created", "last_used_at", "expires_at", "status"]
    list_filter = [KeyStatusFilter, "workspace", "created_at", "last_used_at"]
    search_fields = ["name", "prefix", "workspace__slug", "created_by__email"]
    list_select_related = ["workspace", "created_by"]
    autocomplete_fields = ["workspace"]
    actions = ["revoke_keys"]

    def get_form(
        self, request: HttpRequest, obj: McpKey | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = McpKeyCreationForm
            form = super().get_form(request, obj, change, **kwargs)
            return type(form.__name__, (form,), {"request": request})
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: McpKey | None = None) -> list[str]:  # type: ignore[override]
        if obj is None:
            return ["workspace", "name", "expires_in_days", "form_id"]
        return ["name", *READ_ONLY_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj: McpKey | None = None) -> list[str]:
        return [] if obj is None else READ_ONLY_FIELDS

    @admin.display(description="prefix", ordering="prefix")
    def shown_prefix(self, key: McpKey) -> str:
        return f"{key.prefix}…"

    @admin.display(description="key", ordering="name")
    def key(self, key: McpKey) -> str:
        return format_html("{}<br><code>{}…</code>", visible(key.name), key.prefix)

    @admin.display(description="created", ordering="created_at")
    def created(self, key: McpKey) -> str:
        by = key.created_by.email if key.created_by else "an operator"
        return format_html("{}<br><small>by {}</small>", date_format(localtime(key.created_at), "DATETIME_FORMAT"), by)

    class Media:
        css = {"all": ["admin-lists.css"]}

    @admin.display(description="status")
    def status(self, key: McpKey) -> str:
        return key.status

    def save_model(self, request: HttpRequest, obj: McpKey, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        # Keys are made by the service (random key, prefix, keyed hash); the form only names them.
        created = mcp_key_create(
            workspace=obj.workspace,
            name=obj.name,
            created_by=person_of(request),
            expires_in_days=form.cleaned_data.get("expires_in_days"),
        )
        obj.__dict__.update({k: v for k, v in created.record.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False
        setattr(request, NEW_KEY_ATTRIBUTE, created.key)

    def response_add(self, request: HttpRequest, obj: McpKey, post_url_continue: str | None = None) -> HttpResponse:
        # Shown in this response only: no redirect, so the key never sits in a session or cookie.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "key": obj,
            "secret": getattr(request, NEW_KEY_ATTRIBUTE),
            "mcp_url": settings.ALLOY_MCP_RESOURCE,
            "title": "MCP key created",
        }
        response = TemplateResponse(request, "admin/mcp_gateway/mcpkey/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    # Deleting through the admin goes through the service too, so each deletion is in the workspace's audit trail.
    def delete_model(self, request: HttpRequest, obj: McpKey) -> None:
        mcp_key_delete(key=obj, by=person_of(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[McpKey]) -> None:
        for key in queryset.select_related("workspace"):
            mcp_key_delete(key=key, by=person_of(request))

    @admin.action(description="Revoke selected keys")
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[McpKey]) -> None:
        revoked = sum(mcp_key_revoke(key=key, by=person_of(request)) for key in queryset)
        self.message_user(
            request, f"Revoked {revoked} key(s); they stop working on their next request.", messages.SUCCESS
        )


@admin.register(McpCall)
class McpCallAdmin(ShowsInvisibleCharacters, admin.ModelAdmin):
    """The activity log, read-only: it records what happened."""

    list_display = ["at", "workspace", "credential", "user", "tool", "session_id", "outcome", "reason", "duration_ms"]
    list_filter = ["outcome", "tool", "workspace", "at"]
    search_fields = ["credential", "session_id", "user__email", "workspace__slug"]
    list_select_related = ["workspace", "user"]
    show_full_result_count = False  # no COUNT(*) over a large log on every page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: McpCall | None = None) -> bool:
        return False


class McpPolicyForm(forms.ModelForm):
    """The policy's fields, checked as the API checks them (mcp_gateway/policy/services.py)."""

    class Meta:
        model = McpPolicy
        fields = [
            "workspace",
            "enabled",
            "accept_keys",
            "accept_oauth",
            "oauth_apps",
            "max_key_lifetime_days",
            "tools",
            "key_networks",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            policy_columns(policy_changes(cleaned))
        except InvalidPolicy as error:
            field = {"credentials": "accept_keys"}.get(error.field, error.field)
            self.add_error(field if field in self.fields else None, str(error))
        return cleaned


def policy_changes(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The admin form's values as the API spells a change."""
    credentials = [
        kind for kind, on in (("keys", cleaned.get("accept_keys")), ("oauth", cleaned.get("accept_oauth"))) if on
    ]
    return {
        "enabled": bool(cleaned.get("enabled")),
        "credentials": credentials,
        "oauth_apps": cleaned.get("oauth_apps") or [],
        "max_key_lifetime_days": cleaned.get("max_key_lifetime_days"),
        "tools": cleaned.get("tools"),
        "key_networks": cleaned.get("key_networks") or [],
    }


@admin.register(McpPolicy)
class McpPolicyAdmin(admin.ModelAdmin):
    """Each workspace's MCP policy; saved through the same service as the API, so its revision goes up (every
    caller is checked against it on their next request) and existing keys stop at a new lifetime cap."""

    form = McpPolicyForm
    list_display = ["workspace", "enabled", "accept_keys", "accept_oauth", "max_key_lifetime_days", "updated_at"]
    list_filter = ["enabled", "accept_keys", "accept_oauth"]
    search_fields = ["workspace__slug", "workspace__name"]
    list_select_related = ["workspace"]
    autocomplete_fields = ["workspace"]
    readonly_fields = ["revision", "updated_at", "updated_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: McpPolicy | None = None) -> list[str]:
        return [*self.readonly_fields, "workspace"] if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: McpPolicy, form: forms.ModelForm, change: bool) -> None:
        mcp_policy_update(workspace=obj.workspace, changes=policy_changes(form.cleaned_data), by=person_of(request))
        obj.pk = McpPolicy.objects.get(workspace=obj.workspace).pk
