"""/api/v1/workspaces/<slug>/sessions/…: the product's backend writes a running session with an ingestion key —
and with nothing else: an MCP key, a signed-in person, another workspace's key, a revoked key are refused."""

import pytest
from django.test import Client

from ingest.keys import ingest_key_create, ingest_key_revoke
from mcp_gateway.keys.services import mcp_key_create
from sessions_app.models import Message, Session, SessionFile
from sessions_app.tenancy import every_workspace
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/workspaces/acme/sessions/"
START = {"id": "live-session-0001", "kind": "dev", "title": "Add rate limits", "created_by": "owner@acme.test"}


@pytest.fixture
def ingest_key(workspace, owner) -> str:
    return ingest_key_create(workspace=workspace, name="builder-api", created_by=owner).key


@pytest.fixture
def writer(ingest_key) -> Client:
    return Client(headers={"Authorization": f"Bearer {ingest_key}"})


def started(writer: Client, **fields) -> dict:
    response = writer.post(SESSIONS, {**START, **fields}, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def said(index: int, content: str = "") -> dict:
    return {"index": index, "role": "user" if index % 2 == 0 else "assistant", "content": content or f"#{index}"}


def test_a_session_is_started_written_and_finished(writer, workspace, owner, closed_wall):
    response = writer.post(SESSIONS, START, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["link"] == "https://mcp.alloy.test/acme/p/dev/live-session-0001"
    assert (body["status"], body["message_count"], body["file_count"]) == ("active", 0, 0)
    assert writer.post(SESSIONS, START, content_type="application/json").status_code == 200  # a retried start

    url = f"{SESSIONS}live-session-0001/"
    appended = writer.post(f"{url}messages/", {"messages": [said(0), said(1)]}, content_type="application/json")
    assert appended.json() == {"appended": 2, "unchanged": 0, "message_count": 2}
    again = writer.post(f"{url}messages/", {"messages": [said(1), said(2)]}, content_type="application/json")
    assert again.json() == {"appended": 1, "unchanged": 1, "message_count": 3}

    files = {"files": [{"path": "api/limits.py", "before": "a\n", "after": "a\nb\n"}]}
    assert writer.put(f"{url}files/", files, content_type="application/json").json() == {
        "changed": 1,
        "unchanged": 0,
        "file_count": 1,
    }
    later = {"files": [{"path": "api/limits.py", "after": "a\nb\nc\n"}]}  # its before stays the session's start
    assert writer.put(f"{url}files/", later, content_type="application/json").json()["changed"] == 1

    finished = writer.patch(url, {"status": "completed"}, content_type="application/json")
    assert (finished.json()["status"], finished.json()["message_count"]) == ("completed", 3)

    with every_workspace():  # the wall is closed to the test's own reads from here (closed_wall)
        session = Session.objects.get(public_id="live-session-0001")
        messages = list(Message.objects.filter(session=session).values_list("content", flat=True))
        file = SessionFile.objects.select_related("before", "after").get(session=session)
    assert (session.workspace, session.created_by, session.status) == (workspace, owner, "completed")
    assert messages == ["#0", "#1", "#2"]
    assert (file.before.text, file.after.text, file.additions, file.deletions) == ("a\n", "a\nb\nc\n", 2, 0)
    assert file.changed_at is not None


def test_nothing_is_read_through_it(writer):
    started(writer)
    for url in (SESSIONS, f"{SESSIONS}live-session-0001/", f"{SESSIONS}live-session-0001/messages/"):
        assert writer.get(url).status_code == 405


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"messages": [said(3)]}, None, "The next message's index is 0, not 3."),
        ({"messages": [{"index": 0, "role": "robot", "content": "x"}]}, "messages[0].role", "'user'"),
        ({"messages": [{"index": -1, "role": "user", "content": "x"}]}, "messages[0].index", "greater than or equal"),
        ({"messages": []}, "messages", "at least 1 item"),
        ({"messages": [said(0, "nul \x00 byte")]}, "messages[0].content", "NUL"),
        ({"messages": [said(0)], "extra": 1}, "extra", "is not a field"),
        ([1, 2], "", "must be a JSON object"),
    ],
)
def test_a_bad_append_is_refused_saying_what_and_writes_nothing(writer, body, field, says):
    started(writer)
    response = writer.post(f"{SESSIONS}live-session-0001/messages/", body, content_type="application/json")
    assert response.status_code == (409 if field is None else 400)
    answer = response.json()
    assert says in answer["detail"]
    if field is not None:
        assert answer["problems"][0]["field"] == field
    assert Message.objects.count() == 0


def test_a_taken_index_with_other_content_is_a_conflict_naming_the_next_index(writer):
    started(writer)
    url = f"{SESSIONS}live-session-0001/messages/"
    writer.post(url, {"messages": [said(0), said(1)]}, content_type="application/json")
    refused = writer.post(url, {"messages": [said(1, "edited")]}, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Message 1 is already in the chat, with other content; the next message's index is 2."
    }


def test_a_bad_start_or_files_body_is_refused_with_the_field(writer):
    no_kind = writer.post(SESSIONS, {"title": "x"}, content_type="application/json")
    assert no_kind.status_code == 400
    assert no_kind.json()["problems"][0] == {"field": "kind", "message": "is required"}
    stranger = writer.post(SESSIONS, {**START, "created_by": "nobody@else.test"}, content_type="application/json")
    assert stranger.status_code == 400
    assert stranger.json()["problems"][0]["field"] == "created_by"
    started(writer)
    url = f"{SESSIONS}live-session-0001/files/"
    escaping = writer.put(url, {"files": [{"path": "../etc/passwd", "after": "x"}]}, content_type="application/json")
    assert escaping.status_code == 400
    assert escaping.json()["problems"][0]["field"] == "files[0].path"
    prototype_shape = writer.put(url, {"files": [{"path": "a.js", "content": "x"}]}, content_type="application/json")
    assert "dev session files have before and/or after" in prototype_shape.json()["detail"]
    assert SessionFile.objects.count() == 0


def test_a_session_of_another_kind_or_an_unknown_session_is_said_so(writer):
    started(writer)
    clash = writer.post(SESSIONS, {**START, "kind": "prototype"}, content_type="application/json")
    assert clash.status_code == 409
    assert clash.json() == {"detail": "Session live-session-0001 is a dev session here, not a prototype one."}
    missing = writer.post(
        f"{SESSIONS}no-such-session/messages/", {"messages": [said(0)]}, content_type="application/json"
    )
    assert missing.status_code == 404
    assert "No session no-such-session in workspace acme" in missing.json()["detail"]


def test_another_workspaces_session_id_is_taken_without_saying_whose(writer, foreign):
    response = writer.post(SESSIONS, {**START, "id": foreign.public_id}, content_type="application/json")
    assert response.status_code == 409
    assert response.json() == {"detail": f"Session id {foreign.public_id} is taken; choose another."}
    appended = writer.post(
        f"{SESSIONS}{foreign.public_id}/messages/", {"messages": [said(0)]}, content_type="application/json"
    )
    assert appended.status_code == 404  # the same as a session that does not exist
    assert list(foreign.messages.values_list("content", flat=True)) == ["their secret"]


def test_a_key_writes_to_its_own_workspace_only(other_workspace, outsider, writer):
    theirs = ingest_key_create(workspace=other_workspace, name="their builder", created_by=outsider).key
    response = Client(headers={"Authorization": f"Bearer {theirs}"}).post(
        SESSIONS, START, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "This ingestion key writes to workspace globex only."}
    assert not Session.objects.filter(public_id=START["id"]).exists()


@pytest.mark.parametrize(
    ("credential", "says"),
    [
        (None, "Send an ingestion key of the workspace as Authorization: Bearer alloy_ingest_…"),
        ("Basic dXNlcjpwYXNz", "Send the ingestion key as Authorization: Bearer alloy_ingest_…"),
        ("Bearer alloy_ingest_short", "That is not an Alloy ingestion key"),
        ("Bearer alloy_ingest_" + "A" * 44, "That is not an Alloy ingestion key"),  # a bad checksum
    ],
)
def test_no_key_or_a_malformed_one_is_a_401_that_says_what_to_send(credential, says, workspace):
    headers = {"Authorization": credential} if credential else {}
    response = Client(headers=headers).post(SESSIONS, START, content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="alloy-ingest"'
    assert says in response.json()["detail"]


def test_an_mcp_key_a_signed_in_owner_and_a_revoked_key_are_refused(workspace, owner, ingest_key, writer):
    mcp = mcp_key_create(workspace=workspace, name="Claude", created_by=owner).key
    by_mcp_key = Client(headers={"Authorization": f"Bearer {mcp}"}).post(
        SESSIONS, START, content_type="application/json"
    )
    assert by_mcp_key.status_code == 401
    assert "That is an MCP key: it reads sessions over /mcp" in by_mcp_key.json()["detail"]
    by_person = signed_in(owner).post(SESSIONS, START, content_type="application/json")
    assert by_person.status_code == 401
    started(writer)
    ingest_key_revoke(key=owner_key(workspace), by=owner)
    revoked = writer.post(
        f"{SESSIONS}live-session-0001/messages/", {"messages": [said(0)]}, content_type="application/json"
    )
    assert revoked.status_code == 401
    assert revoked.json() == {
        "detail": "This ingestion key is invalid or was revoked; ask a workspace owner for a new one."
    }
    assert Message.objects.count() == 0


def owner_key(workspace):
    return workspace.ingest_keys.get()


def test_a_body_over_the_limit_is_refused_before_it_is_read(writer, settings):
    settings.ALLOY_INGEST_MAX_REQUEST_BYTES = 1_000
    body = {"messages": [said(0, "x" * 2_000)]}
    started_response = writer.post(SESSIONS, START, content_type="application/json")
    assert started_response.status_code == 201
    response = writer.post(f"{SESSIONS}live-session-0001/messages/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The body is larger than 1,000 bytes; send messages or files in several requests."
    }


def test_a_body_nested_too_deeply_is_a_400(writer):
    started(writer)
    deep = '{"messages": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = writer.post(f"{SESSIONS}live-session-0001/messages/", deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
