"""create_ingest_key and revoke_ingest_key: the key printed last and once, refusals, exit codes; the admin lists
and revokes, never shows a key."""

import io

import pytest
from django.core.management import CommandError, call_command

from ingest.keys import IngestKeyRefused, ingest_key_create, ingest_key_for
from ingest.models import IngestKey
from workspaces.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(command: str, *arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_where_it_writes_then_the_key_last(workspace, owner):
    out, err = run("create_ingest_key", "acme", "--name", "builder-api", "--created-by", "owner@acme.test")
    key = out.strip().splitlines()[-1]
    assert ingest_key_for(key=key).workspace == workspace
    assert "/api/v1/workspaces/acme/sessions/" in err
    assert key not in err
    record = IngestKey.objects.get()
    assert (record.created_by, record.prefix) == (owner, key[:21])
    assert AuditEvent.objects.get().action == "ingest_key.created"


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["nope", "--name", "x"], "No workspace 'nope'"),
        (["acme", "--name", "x", "--created-by", "member@acme.test"], "not an owner or admin of acme"),
        (["acme", "--name", "  "], "needs a name"),
    ],
)
def test_create_refuses(workspace, member, arguments, says):
    with pytest.raises(CommandError, match=says):
        run("create_ingest_key", *arguments)
    assert not IngestKey.objects.exists()


def test_a_second_live_key_of_one_name_is_refused(workspace):
    ingest_key_create(workspace=workspace, name="builder-api")
    with pytest.raises(CommandError, match="already has an ingestion key named 'Builder-API'"):
        run("create_ingest_key", "acme", "--name", "Builder-API")


def test_revoke_by_prefix_or_whole_key_at_once_and_again_is_no_failure(workspace):
    first, second = (ingest_key_create(workspace=workspace, name=f"k{n}") for n in range(2))
    out, _ = run("revoke_ingest_key", first.record.prefix, second.key)
    assert out.count("Revoked ") == 2
    for created in (first, second):
        with pytest.raises(IngestKeyRefused, match="invalid or was revoked"):
            ingest_key_for(key=created.key)
    again, _ = run("revoke_ingest_key", first.record.prefix)
    assert again.startswith("Already revoked:")


def test_revoke_of_an_unknown_prefix_exits_1(workspace):
    with pytest.raises(CommandError, match="1 of 1 matched no key"):
        run("revoke_ingest_key", "alloy_ingest_ZZZZZZZZ")


def test_the_admin_lists_and_revokes_without_showing_a_key(staff_client, workspace):
    created = ingest_key_create(workspace=workspace, name="builder-api")
    listing = staff_client.get("/admin/ingest/ingestkey/")
    assert listing.status_code == 200
    assert created.record.prefix in listing.content.decode()
    assert created.key not in listing.content.decode()
    assert staff_client.get("/admin/ingest/ingestkey/add/").status_code == 403
    staff_client.post(
        "/admin/ingest/ingestkey/", {"action": "revoke_keys", "_selected_action": [created.record.pk]}, follow=True
    )
    with pytest.raises(IngestKeyRefused):
        ingest_key_for(key=created.key)
