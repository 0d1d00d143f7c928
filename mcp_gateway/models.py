"""The MCP gateway's data.

django-oauth-toolkit's models are swapped for these subclasses (see `OAUTH2_PROVIDER_*_MODEL` in
settings) so an authorization grant, and the access and refresh tokens issued from it, carry the one
workspace the user picked on the consent page. Swapping must happen in the first migration, which
is why these exist before the OAuth flow that fills them in.
"""

from django.db import models
from oauth2_provider import models as oauth_models

from workspaces.models import Workspace


class OAuthApplication(oauth_models.AbstractApplication):
    class Meta(oauth_models.AbstractApplication.Meta):
        verbose_name = "OAuth application"


class OAuthGrant(oauth_models.AbstractGrant):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta(oauth_models.AbstractGrant.Meta):
        verbose_name = "OAuth grant"


class OAuthAccessToken(oauth_models.AbstractAccessToken):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta(oauth_models.AbstractAccessToken.Meta):
        verbose_name = "OAuth access token"


class OAuthRefreshToken(oauth_models.AbstractRefreshToken):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta(oauth_models.AbstractRefreshToken.Meta):
        verbose_name = "OAuth refresh token"


class OAuthIDToken(oauth_models.AbstractIDToken):
    class Meta(oauth_models.AbstractIDToken.Meta):
        verbose_name = "OAuth ID token"


class OAuthDeviceGrant(oauth_models.AbstractDeviceGrant):
    class Meta(oauth_models.AbstractDeviceGrant.Meta):
        verbose_name = "OAuth device grant"
