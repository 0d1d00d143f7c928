"""Settings → Ingestion keys: owners and admins create a key (shown once) and revoke one; members are refused,
outsiders get the workspace's 404."""

import pytest
from django.test import Client

from ingest.keys import IngestKeyRefused, ingest_key_create, ingest_key_for
from ingest.models import IngestKey
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

URL = "/acme/settings/ingest-keys/"


def created_key(page: str) -> str:
    start = page.index('id="new-key" type="text" readonly value="') + len('id="new-key" type="text" readonly value="')
    return page[start : page.index('"', start)]


def test_an_owner_creates_a_key_shown_once_that_writes(owner, workspace):
    client = signed_in(owner)
    page = client.post(URL, {"name": "builder-api", "form_id": "f1"}).content.decode()
    key = created_key(page)
    assert ingest_key_for(key=key).workspace == workspace
    assert "/api/v1/workspaces/acme/sessions/" in page
    again = client.get(URL).content.decode()
    assert key not in again
    assert IngestKey.objects.get().prefix in again
    writer = Client(headers={"Authorization": f"Bearer {key}"})
    started = writer.post("/api/v1/workspaces/acme/sessions/", {"kind": "dev", "title": "x"}, "application/json")
    assert started.status_code == 201


def test_a_taken_name_is_said_and_the_name_typed_is_kept(owner, workspace):
    ingest_key_create(workspace=workspace, name="builder-api")
    page = signed_in(owner).post(URL, {"name": "builder-api", "form_id": "f2"}).content.decode()
    assert "already has an ingestion key named" in page
    assert 'value="builder-api"' in page
    assert IngestKey.objects.count() == 1


def test_an_owner_revokes_a_key_at_once(owner, workspace):
    created = ingest_key_create(workspace=workspace, name="builder-api")
    response = signed_in(owner).post(f"{URL}{created.record.pk}/revoke/")
    assert response.status_code == 302
    with pytest.raises(IngestKeyRefused):
        ingest_key_for(key=created.key)


def test_a_member_is_refused_and_an_outsider_gets_a_404(member, outsider, workspace):
    created = ingest_key_create(workspace=workspace, name="builder-api")
    assert signed_in(member).get(URL).status_code == 403
    assert signed_in(member).post(f"{URL}{created.record.pk}/revoke/").status_code == 403
    assert signed_in(outsider).get(URL).status_code == 404
    assert signed_in(outsider).post(f"{URL}{created.record.pk}/revoke/").status_code == 404
    ingest_key_for(key=created.key)  # still live


def test_another_workspaces_key_cannot_be_revoked_from_here(owner, other_workspace):
    theirs = ingest_key_create(workspace=other_workspace, name="their builder")
    assert signed_in(owner).post(f"{URL}{theirs.record.pk}/revoke/").status_code == 404
    ingest_key_for(key=theirs.key)
