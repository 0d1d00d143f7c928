from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView

from alloy.health import healthz, metrics_view
from ingest import views as ingest_views
from mcp_gateway.web import settings_views
from sessions_app.views import home, session_events, session_page
from workspaces import views as workspace_views

# The admin's lists are its pages' point: without the app sidebar beside them, the MCP key list with its filters
# fits a 1280 px screen (tests/e2e/test_admin_pages.py); every model stays a click away on the admin's index.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    # Browsers ask for /favicon.ico on pages that name none (the admin's).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include("mcp_gateway.web.api_urls")),
    path("api/v1/", include("ingest.urls")),
    path("", home, name="home"),
    path("account/diff-view/", workspace_views.diff_view_preference, name="diff-view-preference"),
    # Session links: https://<host>/<workspace>/p/<id>/edit and https://<host>/<workspace>/p/dev/<id>
    path("<slug:slug>/p/dev/<str:session_id>", session_page, {"kind": "dev"}, name="dev-session"),
    path("<slug:slug>/p/<str:session_id>/edit", session_page, {"kind": "prototype"}, name="prototype-session"),
    # The same links with a trailing slash (as a chat or an editor may leave them): the tools accept them.
    path("<slug:slug>/p/dev/<str:session_id>/", RedirectView.as_view(pattern_name="dev-session", query_string=True)),
    path(
        "<slug:slug>/p/<str:session_id>/edit/",
        RedirectView.as_view(pattern_name="prototype-session", query_string=True),
    ),
    path("<slug:slug>/sessions/<str:session_id>/events", session_events, name="session-events"),
    path("<slug:slug>/settings/", workspace_views.settings_general, name="workspace-settings-general"),
    path("<slug:slug>/settings/members/", workspace_views.settings_members, name="workspace-settings-members"),
    path(
        "<slug:slug>/settings/audit-trail/",
        workspace_views.settings_audit_trail,
        name="workspace-settings-audit-trail",
    ),
    path("<slug:slug>/settings/mcp/", settings_views.mcp_settings, name="mcp-settings"),
    path("<slug:slug>/settings/mcp/<int:key_id>/delete/", settings_views.mcp_key_delete_view, name="mcp-key-delete"),
    path("<slug:slug>/settings/mcp/<int:key_id>/revoke/", settings_views.mcp_key_revoke_view, name="mcp-key-revoke"),
    path("<slug:slug>/settings/mcp/activity/", settings_views.mcp_activity_settings, name="mcp-activity"),
    path(
        "<slug:slug>/settings/mcp/activity/export/",
        settings_views.mcp_activity_export,
        name="mcp-activity-export",
    ),
    path("<slug:slug>/settings/mcp/policy/", settings_views.mcp_policy_settings, name="mcp-policy-settings"),
    path("<slug:slug>/settings/ingest-keys/", ingest_views.ingest_keys_settings, name="ingest-keys-settings"),
    path(
        "<slug:slug>/settings/ingest-keys/<int:key_id>/revoke/",
        ingest_views.ingest_key_revoke_view,
        name="ingest-key-revoke",
    ),
    path(
        "<slug:slug>/settings/connected-apps/", settings_views.connected_apps_settings, name="connected-apps-settings"
    ),
    path(
        "<slug:slug>/settings/connected-apps/<str:client_id>/revoke/",
        settings_views.connected_app_revoke_view,
        name="connected-app-revoke",
    ),
    path("", include("mcp_gateway.oauth.urls", namespace="oauth2_provider")),
]
