"""/api/v1: a workspace's MCP keys, connected apps and MCP policy, over the same services as the pages.

Session authentication with CSRF; members read, owners and admins manage; an outsider gets 404, the
same as a workspace that does not exist. Errors are JSON: {"detail": "<a sentence>"}.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mcp_gateway.activity.selectors import ActivityFilters, InvalidActivityFilter, mcp_calls_list
from mcp_gateway.keys.selectors import mcp_keys_list
from mcp_gateway.keys.services import InvalidKeyRequest, mcp_key_create, mcp_key_delete
from mcp_gateway.models import McpCall, McpKey
from mcp_gateway.oauth.connected_apps import connected_apps_list, oauth_tokens_revoke
from mcp_gateway.policy.selectors import mcp_policy_of, policy_fields
from mcp_gateway.policy.services import InvalidPolicy, mcp_policy_update
from workspaces.access import IsWorkspaceManager, ManagersChange, person_of
from workspaces.audit import audit_events_list
from workspaces.models import AuditEvent, Membership


class McpKeySerializer(serializers.ModelSerializer):
    created_by = serializers.EmailField(source="created_by.email", allow_null=True, read_only=True)

    class Meta:
        model = McpKey
        fields = [
            "id",
            "name",
            "prefix",
            "created_by",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
            "status",
        ]

    status = serializers.ChoiceField(choices=["active", "expired", "revoked"], read_only=True)


class NewMcpKeySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="What the key is for, e.g. 'Claude Desktop'.")
    expires_in_days = serializers.ChoiceField(
        choices=McpKey.LIFETIME_DAYS,
        allow_null=True,
        required=False,
        default=McpKey.DEFAULT_LIFETIME_DAYS,
        help_text=f"Days until the key is refused ({McpKey.DEFAULT_LIFETIME_DAYS} when absent); null: never.",
    )


class CreatedMcpKeySerializer(McpKeySerializer):
    key = serializers.CharField(help_text="The key itself. Shown in this response only; it is not stored.")
    mcp_url = serializers.CharField()

    class Meta(McpKeySerializer.Meta):
        fields = [*McpKeySerializer.Meta.fields, "key", "mcp_url"]


class ConnectedAppSerializer(serializers.Serializer):
    client_id = serializers.CharField(source="application.client_id")
    name = serializers.CharField(source="application.name")
    people = serializers.ListField(child=serializers.EmailField())
    first_authorized = serializers.DateTimeField(allow_null=True)
    last_used = serializers.DateTimeField(allow_null=True)


class McpCallSerializer(serializers.ModelSerializer):
    person = serializers.EmailField(source="user.email", allow_null=True, read_only=True, default=None)
    mcp_key = serializers.IntegerField(source="mcp_key_id", allow_null=True, read_only=True)

    class Meta:
        model = McpCall
        fields = [
            *("id", "at", "credential", "mcp_key", "person", "tool", "session_id"),
            *("outcome", "reason", "duration_ms"),
        ]


class ActivityPageSerializer(serializers.Serializer):
    results = McpCallSerializer(many=True, source="calls")
    next_before = serializers.IntegerField(allow_null=True, help_text="Pass as ?before= for older calls.")


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, with a body nested deeper than Python's parser follows refused as any other bad
    JSON (a 400 that says so) instead of escaping as a RecursionError (a 500)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                'JSON parse error - the body is nested too deeply; send a flat object, e.g. {"name": "Laptop"}.'
            ) from None


class WorkspaceAPIView(APIView):
    """A view of one workspace (`slug`): members read, owners and admins change (workspaces/access.py)."""

    parser_classes = [BoundedJSONParser]
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated, ManagersChange]
    membership: Membership  # set by the permission check
    managed_action = ""  # what only owners and admins may do here, for the refusal


class McpKeyListView(WorkspaceAPIView):
    managed_action = "create MCP keys"

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.Serializer:
        # For the schema generator: the request body of POST.
        return NewMcpKeySerializer(*args, **kwargs)

    def get(self, request: Request, slug: str) -> Response:
        keys = mcp_keys_list(workspace=self.membership.workspace)
        return Response(McpKeySerializer(keys, many=True).data)

    def post(self, request: Request, slug: str) -> Response:
        incoming = NewMcpKeySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            created = mcp_key_create(
                workspace=self.membership.workspace,
                name=incoming.validated_data["name"],
                created_by=person_of(request),
                expires_in_days=incoming.validated_data["expires_in_days"],
            )
        except InvalidKeyRequest as error:
            raise serializers.ValidationError({"name": [str(error)]}) from None
        shown = {**McpKeySerializer(created.record).data, "key": created.key, "mcp_url": settings.ALLOY_MCP_RESOURCE}
        response = Response(CreatedMcpKeySerializer(shown).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class McpKeyDetailView(WorkspaceAPIView):
    managed_action = "delete MCP keys"

    def delete(self, request: Request, slug: str, key_id: int) -> Response:
        key = mcp_keys_list(workspace=self.membership.workspace).filter(pk=key_id).first()
        if key is None:
            raise NotFound(f"No MCP key {key_id} in this workspace.")
        mcp_key_delete(key=key, by=person_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class McpActivityView(WorkspaceAPIView):
    """The workspace's MCP calls, newest first: ?key=<key id>&app=<client id>&session=<id>&outcome=<outcome>
    &since=<YYYY-MM-DD>&until=<YYYY-MM-DD> (UTC days, both included)&before=<id>."""

    permission_classes = [IsAuthenticated, IsWorkspaceManager]
    managed_action = "read the MCP activity"

    def get(self, request: Request, slug: str) -> Response:
        try:
            filters = ActivityFilters.from_query(request.query_params)
        except InvalidActivityFilter as error:
            raise serializers.ValidationError({"detail": str(error)}) from None
        page = mcp_calls_list(workspace=self.membership.workspace, filters=filters)
        return Response(ActivityPageSerializer(page).data)


class ConnectedAppListView(WorkspaceAPIView):
    def get(self, request: Request, slug: str) -> Response:
        apps = connected_apps_list(workspace=self.membership.workspace)
        return Response(ConnectedAppSerializer([_sorted_people(app) for app in apps], many=True).data)


class ConnectedAppRevokeView(WorkspaceAPIView):
    managed_action = "revoke connected apps"

    def post(self, request: Request, slug: str, client_id: str) -> Response:
        revoked = oauth_tokens_revoke(workspace=self.membership.workspace, by=person_of(request), client_id=client_id)
        if not revoked:
            raise NotFound(f"No app {client_id} is connected to this workspace.")
        return Response({"revoked_tokens": sum(access.tokens for access in revoked)})


class McpPolicySerializer(serializers.Serializer):
    """The workspace's MCP policy, for the schema and the answers (mcp_gateway/policy/services.py checks a change)."""

    enabled = serializers.BooleanField(help_text="false: every key and token of the workspace is refused.")
    credentials = serializers.ListField(
        child=serializers.ChoiceField(choices=["keys", "oauth"]), help_text='What may connect: "keys", "oauth".'
    )
    oauth_apps = serializers.ListField(
        child=serializers.CharField(),
        help_text="The OAuth apps that may connect: client ID metadata document URLs or redirect hosts; [] any.",
    )
    max_key_lifetime_days = serializers.IntegerField(
        allow_null=True, help_text="The longest a key may live; null: no cap. Existing keys stop at it."
    )
    tools = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="The tools Claude may use; null: all of them."
    )
    key_networks = serializers.ListField(
        child=serializers.CharField(), help_text="CIDR blocks keys may be used from; []: anywhere."
    )
    revision = serializers.IntegerField(read_only=True, help_text="Goes up with every change.")


class McpPolicyView(WorkspaceAPIView):
    """GET: the policy (members read it). PATCH: change any of its fields (owners and admins); it applies on
    every caller's next request."""

    managed_action = "change the MCP policy"

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.Serializer:
        return McpPolicySerializer(*args, **kwargs)  # for the schema generator

    def get(self, request: Request, slug: str) -> Response:
        return Response(policy_fields(mcp_policy_of(workspace=self.membership.workspace)))

    def patch(self, request: Request, slug: str) -> Response:
        try:
            policy = mcp_policy_update(workspace=self.membership.workspace, changes=request.data, by=person_of(request))
        except InvalidPolicy as error:
            raise serializers.ValidationError({error.field: [str(error)]}) from None
        return Response(policy_fields(policy))


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label", help_text="The person's email, or an operator's command.")

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "action", "target", "before", "after"]


class AuditPageSerializer(serializers.Serializer):
    results = AuditEventSerializer(many=True, source="events")
    next_before = serializers.IntegerField(allow_null=True, help_text="Pass as ?before= for older events.")


class AuditTrailView(WorkspaceAPIView):
    """The workspace's audit trail, newest first (owners and admins): ?before=<id> for older events."""

    permission_classes = [IsAuthenticated, IsWorkspaceManager]
    managed_action = "read the audit trail"

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.Serializer:
        return AuditPageSerializer(*args, **kwargs)  # for the schema generator

    def get(self, request: Request, slug: str) -> Response:
        before = request.query_params.get("before", "")
        if before and not (before.isascii() and before.isdigit() and len(before) < 19):
            raise serializers.ValidationError({"before": ["before takes an event's id, as next_before gives it."]})
        page = audit_events_list(workspace=self.membership.workspace, before=int(before) if before else None)
        return Response(AuditPageSerializer(page).data)


def _sorted_people(app: Any) -> Any:
    app.people = sorted(app.people)
    return app
