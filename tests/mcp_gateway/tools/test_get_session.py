"""get_session: metadata by id or link; not found for other workspaces; clear link errors."""

import json

import pytest

from sessions_app.documents import format_time
from tests.factories import pasted_link

pytestmark = pytest.mark.django_db


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)  # through the whole stack: the server checks the arguments
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_by_link_returns_the_session(call, key, dev, mode):
    result = await call(key, "get_session", {"session": pasted_link(dev)}, mode=mode)
    assert not result.is_error
    session = result.structured_content
    assert session == {
        "id": dev.public_id,
        "link": f"https://mcp.alloy.test/acme/p/dev/{dev.public_id}",
        "kind": "dev",
        "title": "Add rate limits",
        "status": "active",
        "created_at": format_time(dev.created_at),
        "updated_at": format_time(dev.updated_at),
        "created_by": {"name": "Olive Owner", "email": "owner@acme.test"},
        "workspace": {"slug": "acme", "name": "Acme"},
        "counts": {"messages": 0, "files": 3},
        "live": (
            "Still running: more messages and file changes may come (no message yet). For what comes after: "
            "get_chat_history with start_index=0; files show changed_at."
        ),
    }
    assert json.loads(result.content[0].text) == session


def test_by_bare_id(tool, key, prototype):
    result = tool(key, "get_session", {"session": prototype.public_id})
    assert result.structured_content["counts"] == {"messages": 5, "files": 3}


def test_other_workspaces_session_is_not_found(assert_not_found_like_missing, key, foreign):
    assert_not_found_like_missing(key, "get_session", {"session": foreign.public_id}, foreign.public_id)
    assert_not_found_like_missing(key, "get_session", {"session": pasted_link(foreign)}, foreign.public_id)
    # Even a link that claims the caller's own workspace.
    assert_not_found_like_missing(key, "get_session", {"session": pasted_link(foreign, slug="acme")}, foreign.public_id)


def test_their_own_key_reads_it(tool, other_key, foreign):
    assert tool(other_key, "get_session", {"session": foreign.public_id}).structured_content["title"] == "Secret"


def test_an_unreadable_link_shows_the_accepted_shapes(tool, key):
    result = tool(key, "get_session", {"session": "https://github.com/acme/repo/pull/1"})
    assert result.is_error
    text = result.content[0].text
    assert "not Alloy session links" in text
    assert "/p/<id>/edit" in text
    assert "/p/dev/<id>" in text


def test_the_call_runs_behind_the_database_wall_of_its_workspace(tool, key, prototype, workspace, query_log):
    with query_log() as log:
        assert not tool(key, "get_session", {"session": prototype.public_id}).is_error
    walls = zip(log.statements, log.parameters, strict=True)
    walled = [params for sql, params in walls if "set_config" in sql and "CASE WHEN held" in sql]
    # One read, sent with the statement that walls it to the caller's workspace while the key is live.
    assert [params[:2] for params in walled] == [["alloy.workspace_id", str(workspace.pk)]]
