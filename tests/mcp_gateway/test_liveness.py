"""What "live" means for a credential is said in four places that cannot share code: the ORM's
`McpKey.objects.active()` (pages, admin, commands), the look-ups that resolve a secret to a principal
(`principal_for_key`, `principal_for_access_token`), the SQL a cached principal is checked with
(`credential_is_live`) and the condition every walled tool read carries (`liveness_condition`). This
test holds them together: for each way a credential stops being live, every form says so, and for a
live one, every form accepts it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mcp_gateway.auth.credentials import credential_is_live, liveness_condition
from mcp_gateway.auth.resolve import InvalidCredential, principal_for_access_token, principal_for_key
from mcp_gateway.keys.services import mcp_key_create, mcp_key_revoke
from mcp_gateway.models import McpKey, OAuthAccessToken
from sessions_app.models import Session
from sessions_app.tenancy import walled_reads
from tests.factories import OAuthApplicationFactory, make_access_token
from workspaces.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def key_live_everywhere(key: str, principal) -> dict[str, bool]:
    return {
        "orm": McpKey.objects.active().filter(pk=principal.credential_id).exists(),
        **live_elsewhere(lambda: principal_for_key(key=key), principal),
    }


def live_elsewhere(resolve, principal) -> dict[str, bool]:
    try:
        resolve()
        resolved = True
    except InvalidCredential:
        resolved = False
    condition, params = liveness_condition(principal)
    with walled_reads(workspace_id=principal.workspace.pk, condition=condition, condition_params=params) as reads:
        list(Session.objects.all()[:1])  # any read carries the condition
    return {"resolved": resolved, "sql": credential_is_live(principal=principal), "wall": reads.condition_held}


def live(forms: dict[str, bool]) -> bool | None:
    """True or False when every form agrees, else None (and the test fails showing which disagree)."""
    values = set(forms.values())
    return values.pop() if len(values) == 1 else None


KEY_CHANGES = {
    "live": lambda key: None,
    "revoked": lambda key: mcp_key_revoke(key=key, by=None),
    "expired": lambda key: McpKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1)),
    "deleted": lambda key: McpKey.objects.filter(pk=key.pk).delete(),
}


@pytest.mark.parametrize("change", list(KEY_CHANGES))
def test_every_form_agrees_on_a_key(workspace, owner, change):
    created = mcp_key_create(workspace=workspace, name="laptop", created_by=owner, expires_in_days=30)
    principal = principal_for_key(key=created.key)  # what the cache holds from before the change
    KEY_CHANGES[change](created.record)
    forms = key_live_everywhere(created.key, principal)
    assert live(forms) is (change == "live"), forms


TOKEN_CHANGES = {
    "live": lambda token, owner, workspace: None,
    "expired": lambda token, owner, workspace: OAuthAccessToken.objects.filter(pk=token.pk).update(
        expires=timezone.now() - timedelta(seconds=1)
    ),
    "revoked": lambda token, owner, workspace: token.revoke(),  # the toolkit deletes a revoked token
    "member who left": lambda token, owner, workspace: Membership.objects.filter(
        user=owner, workspace=workspace
    ).delete(),
}


@pytest.mark.parametrize("change", list(TOKEN_CHANGES))
def test_every_form_agrees_on_an_access_token(workspace, owner, settings, change):
    raw = make_access_token(user=owner, application=OAuthApplicationFactory(), workspace=workspace, settings=settings)
    principal = principal_for_access_token(token=raw)
    TOKEN_CHANGES[change](OAuthAccessToken.objects.get(pk=principal.credential_id), owner, workspace)
    forms = live_elsewhere(lambda: principal_for_access_token(token=raw), principal)
    assert live(forms) is (change == "live"), forms
