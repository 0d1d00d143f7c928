from django.urls import path
from rest_framework.renderers import JSONOpenAPIRenderer
from rest_framework.schemas import get_schema_view

from mcp_gateway.web import api

urlpatterns = [
    path("workspaces/<slug:slug>/mcp-keys/", api.McpKeyListView.as_view(), name="api-mcp-keys"),
    path("workspaces/<slug:slug>/mcp-keys/<int:key_id>/", api.McpKeyDetailView.as_view(), name="api-mcp-key"),
    path("workspaces/<slug:slug>/mcp-activity/", api.McpActivityView.as_view(), name="api-mcp-activity"),
    path("workspaces/<slug:slug>/connected-apps/", api.ConnectedAppListView.as_view(), name="api-connected-apps"),
    path(
        "workspaces/<slug:slug>/connected-apps/<str:client_id>/revoke/",
        api.ConnectedAppRevokeView.as_view(),
        name="api-connected-app-revoke",
    ),
    path("workspaces/<slug:slug>/mcp-policy/", api.McpPolicyView.as_view(), name="api-mcp-policy"),
    path("workspaces/<slug:slug>/audit-trail/", api.AuditTrailView.as_view(), name="api-audit-trail"),
    path(
        "schema/",
        get_schema_view(
            title="Alloy API",
            version="1",
            description=(
                "A workspace's MCP keys, MCP activity, connected apps, MCP policy and audit trail; and its sessions,"
                " written as they run with an ingestion key."
            ),
            renderer_classes=[JSONOpenAPIRenderer],
            public=True,
        ),
        name="api-schema",
    ),
]
