"""OAuth endpoints at the origin root, where Claude falls back to when discovery fails.

They are served under django-oauth-toolkit's URL namespace (`oauth2_provider`), whose metadata views
reverse these names. Each path answers with and without a trailing slash.
"""

from django.urls import re_path
from oauth2_provider import views as oauth_views

from mcp_gateway.oauth.views import (
    ConsentView,
    PresentedRevokeTokenView,
    RegistrationManagementView,
    RegistrationView,
    ThrottledTokenView,
)

app_name = "oauth2_provider"

urlpatterns = [
    re_path(r"^authorize/?$", ConsentView.as_view(), name="authorize"),
    re_path(r"^token/?$", ThrottledTokenView.as_view(), name="token"),
    re_path(r"^revoke/?$", PresentedRevokeTokenView.as_view(), name="revoke-token"),
    re_path(r"^register/?$", RegistrationView.as_view(), name="dcr-register"),
    re_path(
        r"^register/(?P<client_id>[^/]+)/?$",
        RegistrationManagementView.as_view(),
        name="dcr-register-management",
    ),
    # RFC 8414. No /.well-known/openid-configuration: this is no OpenID provider (no ID tokens, no
    # jwks_uri), and serving the OAuth document there claimed to be one; clients fall back to this path.
    re_path(
        r"^\.well-known/oauth-authorization-server/?$",
        oauth_views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    # RFC 9728: the path-suffixed form for /mcp, and the root form.
    re_path(
        r"^\.well-known/oauth-protected-resource(?:/mcp)?/?$",
        oauth_views.OAuthProtectedResourceMetadataView.as_view(),
        name="oauth-resource-metadata",
    ),
]
