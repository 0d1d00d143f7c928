"""django-oauth-toolkit's validator, taught two things: the workspace and the resource.

- The workspace the person picked on the consent page travels with the authorization code to the
  access and refresh tokens, and through every refresh.
- Every grant is for our one resource, `<ALLOY_PUBLIC_URL>/mcp` (RFC 8707): a request naming another
  resource is refused, and one naming none is bound to ours, so no token is ever audience-free.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from mcp_gateway.models import OAuthAccessToken, OAuthGrant, OAuthRefreshToken
from sessions_app.tenancy import only_workspace
from workspaces.models import Membership


def bound_resource(requested: list[str] | None, request: Any) -> list[str]:
    """The resource list a grant or token gets: ours, whatever else was asked is refused."""
    ours = settings.ALLOY_MCP_RESOURCE
    for resource in requested or []:
        if resource.rstrip("/") != ours:
            raise errors.CustomOAuth2Error(
                error="invalid_target",
                description=f"This server only issues tokens for the resource {ours}.",
                request=request,
            )
    return [ours]


# The grants a token can come from: each carries the workspace the person chose (see the module's doc).
GRANT_TYPES = ("authorization_code", "refresh_token")


class AlloyOAuth2Validator(OAuth2Validator):
    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        # An application saved with another grant (before clean() refused them, or by hand) gets
        # unauthorized_client, not a token without a workspace.
        return grant_type in GRANT_TYPES and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs
        )

    def _create_authorization_code(self, request: Any, code: dict, expires: Any = None) -> OAuthGrant:
        workspace_id = getattr(request, "workspace_id", None)
        if workspace_id is None:
            raise errors.AccessDeniedError(description="No workspace was chosen.", request=request)
        request.resource = bound_resource(getattr(request, "resource", None), request)
        grant = super()._create_authorization_code(request, code, expires)
        OAuthGrant.objects.filter(pk=grant.pk).update(workspace_id=workspace_id)
        return grant

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        grant = OAuthGrant.objects.filter(code=code, application=client).first()
        if grant is not None and grant.exchanged_at is not None:
            # A code used twice was intercepted (RFC 6749 §4.1.2): what it was exchanged for goes too.
            _revoke_tokens_from(grant)
            return False
        if grant is None or not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        request.authorization_grant = grant
        request.workspace_id = grant.workspace_id
        return request.workspace_id is not None

    def invalidate_authorization_code(self, client_id: str, code: str, request: Any, *args: Any, **kwargs: Any) -> None:
        exchanged = OAuthGrant.objects.filter(code=code, application=request.client, exchanged_at__isnull=True).update(
            exchanged_at=timezone.now()
        )
        if not exchanged:
            # Another request exchanged the same code at the same moment: neither keeps its tokens.
            _revoke_tokens_from(request.authorization_grant)
            raise errors.InvalidGrantError(request=request)

    def validate_refresh_token(self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        token = request.refresh_token_instance
        request.workspace_id = token.workspace_id
        # A person who left the workspace keeps no way in: no new token for it.
        if request.workspace_id is None:
            return False
        with only_workspace(token.workspace_id):  # memberships are behind the wall (workspaces migration 0003)
            return Membership.objects.filter(workspace_id=token.workspace_id, user_id=token.user_id).exists()

    def _check_and_set_request_resource(self, request: Any) -> None:
        super()._check_and_set_request_resource(request)
        request.resource = bound_resource(request.resource, request)

    def _create_access_token(self, expires: Any, request: Any, token: dict, source_refresh_token: Any = None):
        access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        OAuthAccessToken.objects.filter(pk=access_token.pk).update(workspace_id=request.workspace_id)
        access_token.workspace_id = request.workspace_id
        return access_token

    def _create_refresh_token(self, request: Any, refresh_token_code: str, access_token: Any, previous: Any):
        refresh_token = super()._create_refresh_token(request, refresh_token_code, access_token, previous)
        grant = getattr(request, "authorization_grant", None) if request.grant_type == "authorization_code" else None
        OAuthRefreshToken.objects.filter(pk=refresh_token.pk).update(
            workspace_id=request.workspace_id, authorization_grant=grant
        )
        refresh_token.workspace_id = request.workspace_id
        return refresh_token


def _revoke_tokens_from(grant: OAuthGrant) -> None:
    """Revoke every token issued from `grant`'s code: each refresh token family started from it, with
    their access tokens."""
    families = OAuthRefreshToken.objects.filter(authorization_grant=grant).values_list("token_family", flat=True)
    for family in set(families):
        OAuthRefreshToken.revoke_family(family)
