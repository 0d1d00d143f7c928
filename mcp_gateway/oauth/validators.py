"""django-oauth-toolkit's validator, taught two things: the workspace and the resource.

- The workspace the person picked on the consent page travels with the authorization code to the
  access and refresh tokens, and through every refresh.
- Every grant is for our one resource, `<ALLOY_PUBLIC_URL>/mcp` (RFC 8707): a request naming another
  resource is refused, and one naming none is bound to ours, so no token is ever audience-free.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from mcp_gateway.models import OAuthAccessToken, OAuthGrant, OAuthRefreshToken, secret_digest
from sessions_app.tenancy import in_workspace_from_here, only_workspace
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
        # The toolkit's, written in the chosen workspace in one insert: the wall admits no row without one.
        workspace_id = getattr(request, "workspace_id", None)
        if workspace_id is None:
            raise errors.AccessDeniedError(description="No workspace was chosen.", request=request)
        if request.code_challenge_method != "S256":  # PKCE is required, and "plain" is no protection (RFC 9700)
            raise errors.InvalidRequestError(description='Only the "S256" code_challenge_method is supported.')
        with only_workspace(workspace_id):
            return OAuthGrant.objects.create(
                workspace_id=workspace_id,
                application=request.client,
                user=request.user,
                code=code["code"],
                expires=expires
                or timezone.now() + timedelta(seconds=oauth2_settings.AUTHORIZATION_CODE_EXPIRE_SECONDS),
                redirect_uri=request.redirect_uri,
                scope=" ".join(request.scopes),
                code_challenge=request.code_challenge,
                code_challenge_method=request.code_challenge_method,
                nonce=request.nonce or "",
                claims=json.dumps(request.claims or {}),
                resource=bound_resource(getattr(request, "resource", None), request),
            )

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        grant = OAuthGrant.objects.filter(code=code, application=client).first()  # the code presented (views.py)
        if grant is not None and grant.workspace_id is not None:
            in_workspace_from_here(grant.workspace_id)  # the rest of /token: its tokens, a replay's revocation
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
        # The rest of /token (the token's access token, its family's revocation on reuse, the new pair) happens
        # in the workspace of the refresh token presented (views.py).
        _enter_workspace_of(OAuthRefreshToken, refresh_token)
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

    # The toolkit's two token writers, each token written with its workspace in one insert (the wall admits no
    # row without one). No ID token: Alloy is no OpenID provider.
    def _create_access_token(
        self, expires: Any, request: Any, token: dict, source_refresh_token: Any = None
    ) -> OAuthAccessToken:
        access_token = OAuthAccessToken(
            workspace_id=request.workspace_id,
            user=request.user,
            scope=token["scope"],
            expires=expires,
            application=request.client,
            source_refresh_token=source_refresh_token,
            resource=request.resource,
        )
        self._set_token_value(access_token, token["access_token"])
        access_token.save()
        return access_token

    def _create_refresh_token(
        self, request: Any, refresh_token_code: str, access_token: Any, previous_refresh_token: Any
    ) -> OAuthRefreshToken:
        from_code = request.grant_type == "authorization_code"
        refresh_token = OAuthRefreshToken(
            workspace_id=request.workspace_id,
            authorization_grant=getattr(request, "authorization_grant", None) if from_code else None,
            user=request.user,
            application=request.client,
            access_token=access_token,
            token_family=previous_refresh_token.token_family if previous_refresh_token else uuid.uuid4(),
            resource=request.resource,
        )
        self._set_token_value(refresh_token, refresh_token_code)
        refresh_token.save()
        return refresh_token

    def revoke_token(self, token: str, token_type_hint: str | None, request: Any, *args: Any, **kwargs: Any) -> None:
        # The toolkit revokes the token presented (views.py) and what hangs on it, in the token's workspace.
        if not _enter_workspace_of(OAuthAccessToken, token):
            _enter_workspace_of(OAuthRefreshToken, token)
        super().revoke_token(token, token_type_hint, request, *args, **kwargs)


def _enter_workspace_of(model: type[OAuthAccessToken] | type[OAuthRefreshToken], token: str) -> bool:
    """Go on in the workspace of the token presented (to the end of the request's transaction), if it exists."""
    workspace_id = (
        model.objects.filter(token_checksum=secret_digest(token)).values_list("workspace_id", flat=True).first()
    )
    if workspace_id is None:
        return False
    in_workspace_from_here(workspace_id)
    return True


def _revoke_tokens_from(grant: OAuthGrant) -> None:
    """Revoke every token issued from `grant`'s code: each refresh token family started from it, with
    their access tokens."""
    families = OAuthRefreshToken.objects.filter(authorization_grant=grant).values_list("token_family", flat=True)
    for family in set(families):
        OAuthRefreshToken.revoke_family(family)
