"""MCP keys: format and checksum, keyed hash at rest, lookup, revocation, last-used bookkeeping."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mcp_gateway.auth.key_format import KEY_LENGTH, MalformedKey, generate_key, hash_key, parse_key
from mcp_gateway.auth.resolve import InvalidCredential, principal_for_key
from mcp_gateway.auth.services import record_credential_use
from mcp_gateway.keys.services import InvalidKeyRequest, mcp_key_create, mcp_key_revoke
from mcp_gateway.models import McpKey

pytestmark = pytest.mark.django_db


def test_generated_keys_have_the_prefix_length_and_a_valid_checksum():
    keys = {generate_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert key.startswith("alloy_mcp_")
        assert len(key) == KEY_LENGTH
        assert parse_key(key).lookup == key[:18]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda k: k[:-1],
        lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"),
        lambda k: k[:20] + ("x" if k[20] != "x" else "y") + k[21:],
        lambda k: k.replace("alloy_mcp_", "alloy-mcp-"),
        lambda k: k[:-2] + "!!",
    ],
)
def test_typos_and_truncation_are_caught_by_the_checksum(mangle):
    with pytest.raises(MalformedKey):
        parse_key(mangle(generate_key()))


def test_only_a_keyed_hash_and_the_prefix_are_stored(workspace, owner):
    created = mcp_key_create(workspace=workspace, name="Laptop", created_by=owner)
    row = McpKey.objects.get()
    stored = [str(value) for value in McpKey.objects.values_list().get()]
    assert created.key not in " ".join(stored)
    assert row.key_hash == hash_key(created.key)
    assert row.prefix == created.key[:18]


def test_the_hash_depends_on_the_server_secret(settings):
    key = generate_key()
    first = hash_key(key)
    settings.MCP_KEY_HASH_SECRET = "another secret"
    assert hash_key(key) != first


def test_a_key_resolves_to_its_workspace(workspace, owner):
    created = mcp_key_create(workspace=workspace, name="Laptop", created_by=owner)
    principal = principal_for_key(key=created.key)
    assert (principal.workspace.slug, principal.credential_id, principal.user_id) == (
        "acme",
        created.record.pk,
        owner.pk,
    )


def test_a_key_with_the_right_prefix_but_wrong_secret_is_refused(workspace):
    created = mcp_key_create(workspace=workspace, name="Laptop")
    McpKey.objects.filter(pk=created.record.pk).update(key_hash=hash_key(generate_key()))
    with pytest.raises(InvalidCredential, match="invalid or was revoked"):
        principal_for_key(key=created.key)


def test_names_are_required_and_bounded(workspace):
    with pytest.raises(InvalidKeyRequest, match="needs a name"):
        mcp_key_create(workspace=workspace, name="  ")
    with pytest.raises(InvalidKeyRequest, match="at most 100"):
        mcp_key_create(workspace=workspace, name="x" * 101)


def test_every_lookup_asks_the_database_and_a_revoked_key_fails_at_once(workspace, django_assert_num_queries):
    created = mcp_key_create(workspace=workspace, name="Laptop")
    for _ in range(2):
        # One read, inside the scope that presents the key's hash (sessions_app.tenancy.presenting_key: in a
        # test's transaction a savepoint, the setting, the setting given back and the release), and one of its
        # workspace's MCP policy, inside the scope that names the workspace.
        with django_assert_num_queries(10) as queries:
            assert principal_for_key(key=created.key).workspace.slug == "acme"
        assert len([query for query in queries.captured_queries if "mcp_gateway_mcpkey" in query["sql"]]) == 1
        assert len([query for query in queries.captured_queries if "mcp_gateway_mcppolicy" in query["sql"]]) == 1
    assert mcp_key_revoke(key=created.record, by=None) is True
    assert mcp_key_revoke(key=created.record, by=None) is False
    with pytest.raises(InvalidCredential):
        principal_for_key(key=created.key)


def test_last_used_is_written_at_most_once_a_minute(workspace):
    created = mcp_key_create(workspace=workspace, name="Laptop")
    principal = principal_for_key(key=created.key)
    record_credential_use(principal=principal)
    first = McpKey.objects.get().last_used_at
    assert first is not None
    for _ in range(10):  # however many processes look the key up within the minute
        record_credential_use(principal=principal)
    assert McpKey.objects.get().last_used_at == first
    McpKey.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    record_credential_use(principal=principal)
    assert McpKey.objects.get().last_used_at > first
