"""create_mcp_key, list_mcp_keys, revoke_mcp_key, demo_mcp_key: output, errors, exit codes."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from mcp_gateway.auth.resolve import InvalidCredential, principal_for_key
from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.models import McpKey

pytestmark = pytest.mark.django_db


def run(command: str, *arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_only_the_key(workspace, owner):
    out, _ = run("create_mcp_key", "acme", "--name", "Claude Desktop", "--created-by", "owner@acme.test")
    key = out.strip()
    assert principal_for_key(key=key).workspace.slug == "acme"
    assert McpKey.objects.get().created_by == owner


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["nope", "--name", "x"], "No workspace 'nope'"),
        (["acme", "--name", "x", "--created-by", "member@acme.test"], "not an owner or admin of acme"),
        (["acme", "--name", "x", "--created-by", "outsider@globex.test"], "not an owner or admin of acme"),
        (["acme", "--name", "   "], "needs a name"),
    ],
)
def test_create_refuses(workspace, member, outsider, arguments, says):
    with pytest.raises(CommandError, match=says):
        run("create_mcp_key", *arguments)
    assert not McpKey.objects.exists()


def test_list_prints_a_table_without_secrets(workspace, other_workspace, owner):
    created = mcp_key_create(workspace=workspace, name="Laptop", created_by=owner)
    mcp_key_create(workspace=other_workspace, name="Theirs")
    out, _ = run("list_mcp_keys", "acme")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "PREFIX", "WORKSPACE"]
    assert len(lines) == 2
    assert created.record.prefix in lines[1]
    assert "owner@acme.test" in lines[1]
    assert "never" in lines[1]
    assert created.key not in out
    assert len(run("list_mcp_keys")[0].splitlines()) == 3


def test_revoke_by_id_prefix_or_whole_key(workspace):
    keys = [mcp_key_create(workspace=workspace, name=f"k{n}") for n in range(3)]
    out, _ = run("revoke_mcp_key", str(keys[0].record.pk), keys[1].record.prefix, keys[2].key)
    assert out.count("Revoked") == 3
    for created in keys:
        with pytest.raises(InvalidCredential):
            principal_for_key(key=created.key)


def test_revoke_all_of_a_workspace_leaves_others(workspace, other_workspace):
    ours = [mcp_key_create(workspace=workspace, name=f"k{n}") for n in range(2)]
    theirs = mcp_key_create(workspace=other_workspace, name="theirs")
    out, _ = run("revoke_mcp_key", "--workspace", "acme", "--all")
    assert out.count("Revoked") == 2
    assert principal_for_key(key=theirs.key).workspace.slug == "globex"
    assert all(McpKey.objects.get(pk=k.record.pk).revoked_at for k in ours)


def test_revoke_all_of_a_workspace_with_no_active_key_succeeds_and_says_so(workspace):
    revoked = mcp_key_create(workspace=workspace, name="old")
    run("revoke_mcp_key", revoked.record.prefix)
    out, _ = run("revoke_mcp_key", "--workspace", "acme", "--all")  # raised CommandError (exit 1) before
    assert out == "acme has no active key; nothing to revoke.\n"


def test_revoke_exits_1_when_nothing_matched(workspace):
    with pytest.raises(CommandError, match="Nothing matched") as raised:
        run("revoke_mcp_key", "alloy_mcp_nothing1", "424242")
    assert raised.value.returncode == 1


def test_revoke_reports_keys_already_revoked(workspace):
    created = mcp_key_create(workspace=workspace, name="k")
    run("revoke_mcp_key", created.record.prefix)
    out, _ = run("revoke_mcp_key", created.record.prefix)
    assert out.startswith("Already revoked")


@pytest.mark.parametrize(
    ("arguments", "says"),
    [([], "Name keys"), (["--all"], "needs --workspace"), (["--workspace", "nope", "--all"], "No workspace")],
)
def test_revoke_usage_errors(workspace, arguments, says):
    with pytest.raises(CommandError, match=says):
        run("revoke_mcp_key", *arguments)


def test_demo_key_replaces_the_previous_one():
    call_command("seed_demo", stdout=io.StringIO())
    config = json.JSONDecoder().raw_decode  # the config, then the lines that follow it
    first = config(run("demo_mcp_key")[0].split("claude_desktop_config.json):\n", 1)[1])[0]
    second_out = run("demo_mcp_key")[0]
    second = config(second_out.split("claude_desktop_config.json):\n", 1)[1])[0]
    assert "A session link to paste into Claude: https://mcp.alloy.test/demo/p/dev/" in second_out
    assert second_out.endswith("Alloy is at https://mcp.alloy.test/ (Ctrl+C stops it).\n")
    args = second["mcpServers"]["alloy"]["args"]
    assert args[:3] == ["-y", "mcp-remote", "https://mcp.alloy.test/mcp"]
    new_key = args[4].removeprefix("X-MCP-API-Key:")
    old_key = first["mcpServers"]["alloy"]["args"][4].removeprefix("X-MCP-API-Key:")
    assert principal_for_key(key=new_key).workspace.slug == "demo"
    with pytest.raises(InvalidCredential):
        principal_for_key(key=old_key)
