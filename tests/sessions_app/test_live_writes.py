"""Writing a session while it runs (sessions_app/live.py): appends idempotent by index, refused with the index
expected on a gap or a different message at a taken index, exact under concurrent writers; files recorded (a dev
file's before kept from the session's start); status and title set; a start retried; each write announced."""

import re
import threading
from datetime import UTC, datetime

import psycopg
import pytest
from django.db import connection

from sessions_app.announce import CHANNEL, SessionChange
from sessions_app.documents import DocumentError, FileDocument, MessageDocument, SessionFields
from sessions_app.live import (
    IndexedMessage,
    LiveWriteRefused,
    SessionIdTaken,
    session_files_record,
    session_messages_append,
    session_start,
    session_update,
)
from sessions_app.models import Blob, Message, Session, SessionFile
from sessions_app.search.in_session import session_search
from sessions_app.tenancy import only_workspace
from tests.factories import SessionFactory


def said(index: int, content: str | None = None) -> IndexedMessage:
    message = MessageDocument(
        role="user" if index % 2 == 0 else "assistant",
        author="Dana",
        content=content or f"message {index}",
        created_at=datetime(2026, 12, 7, 10, 0, index % 60, tzinfo=UTC),
    )
    return IndexedMessage(index=index, message=message)


def chat(session: Session) -> list[tuple[int, str]]:
    return list(Message.objects.filter(session=session).order_by("index").values_list("index", "content"))


@pytest.mark.django_db
def test_messages_are_appended_and_the_same_ones_again_change_nothing(workspace):
    session = SessionFactory(workspace=workspace)
    first = session_messages_append(session=session, messages=[said(0), said(1)])
    assert (first.appended, first.unchanged, first.message_count) == (2, 0, 2)
    again = session_messages_append(session=session, messages=[said(1), said(2)])
    assert (again.appended, again.unchanged, again.message_count) == (1, 1, 3)
    assert chat(session) == [(0, "message 0"), (1, "message 1"), (2, "message 2")]
    session.refresh_from_db()
    assert session.message_count == 3
    with only_workspace(workspace.pk):  # the search table followed (its trigger)
        found = session_search(workspace=workspace, session_ref=session.public_id, query="message 2")
    assert [hit.message_index for hit in found.hits] == [2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("messages", "says"),
    [
        ([said(3)], "The next message's index is 2, not 3."),
        ([said(1, "edited")], "Message 1 is already in the chat, with other content; the next message's index is 2."),
        ([said(2), said(2)], "in the order of their index, each index once"),
        ([said(3), said(2)], "in the order of their index"),
        ([], "Send at least one message."),
        ([said(n) for n in range(2, 503)], "at most 500 messages at once, not 501"),
    ],
)
def test_a_gap_a_different_message_or_a_malformed_batch_is_refused_and_writes_nothing(workspace, messages, says):
    session = SessionFactory(workspace=workspace)
    session_messages_append(session=session, messages=[said(0), said(1)])
    with pytest.raises(LiveWriteRefused, match=re.escape(says)):
        session_messages_append(session=session, messages=messages)
    assert chat(session) == [(0, "message 0"), (1, "message 1")]


@pytest.mark.django_db
def test_a_batch_refused_midway_writes_none_of_it(workspace):
    session = SessionFactory(workspace=workspace)
    with pytest.raises(LiveWriteRefused, match=re.escape("The next message's index is 2, not 3.")):
        session_messages_append(session=session, messages=[said(0), said(1), said(3)])
    assert chat(session) == []
    session.refresh_from_db()
    assert session.message_count == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_sending_overlapping_batches_leave_every_message_once_in_order(workspace):
    session = SessionFactory(workspace=workspace)
    problems: list[Exception] = []

    def writer(offset: int) -> None:
        try:
            # Each writer sends the chat from its own start in batches of 7, overlapping the others'.
            start = 0
            while start < 200:
                # From the chat's end as this writer last saw it: what others appended since comes back unchanged.
                batch = [said(n) for n in range(start, min(start + 7 + offset, 200))]
                session_messages_append(session=session, messages=batch)
                start = Session.objects.get(pk=session.pk).message_count
        except Exception as error:
            problems.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert chat(session) == [(n, f"message {n}") for n in range(200)]


def sent(path: str, **sides: str | None) -> FileDocument:
    return FileDocument(path=path, **sides)


def files(session: Session) -> dict[str, tuple[str | None, str | None, str]]:
    rows = SessionFile.objects.filter(session=session).select_related("before", "after").order_by("path")
    return {row.path: (row.before and row.before.text, row.after and row.after.text, row.status) for row in rows}


@pytest.mark.django_db
def test_a_prototypes_files_are_recorded_replaced_and_the_same_again_changes_nothing(workspace):
    session = SessionFactory(workspace=workspace, kind="prototype")
    first = session_files_record(session=session, files=[sent("src/App.jsx", content="v1"), sent("a.css", content="")])
    assert (first.changed, first.unchanged, first.file_count) == (2, 0, 2)
    again = session_files_record(session=session, files=[sent("src/App.jsx", content="v2"), sent("a.css", content="")])
    assert (again.changed, again.unchanged, again.file_count) == (1, 1, 2)
    assert files(session) == {"a.css": (None, "", ""), "src/App.jsx": (None, "v2", "")}
    session.refresh_from_db()
    assert session.file_count == 2
    # The content no file uses any more is gone with it.
    assert not Blob.objects.filter(workspace=workspace, text="v1").exists()


@pytest.mark.django_db
def test_a_dev_file_keeps_its_before_from_the_sessions_start_and_changed_back_leaves_the_list(workspace):
    session = SessionFactory(workspace=workspace, kind="dev")
    session_files_record(session=session, files=[sent("api/app.py", before="a\n", after="a\nb\n")])
    session_files_record(session=session, files=[sent("api/app.py", after="a\nb\nc\n")])
    assert files(session) == {"api/app.py": ("a\n", "a\nb\nc\n", "modified")}
    row = SessionFile.objects.get(session=session)
    assert (row.additions, row.deletions, row.changed_at is not None) == (2, 0, True)
    session_files_record(session=session, files=[sent("api/app.py")])  # deleted
    assert files(session) == {"api/app.py": ("a\n", None, "deleted")}
    back = session_files_record(session=session, files=[sent("api/app.py", after="a\n")])  # as it was
    assert (back.changed, back.file_count) == (1, 0)
    assert files(session) == {}


@pytest.mark.django_db
def test_a_dev_file_added_then_deleted_is_no_change(workspace):
    session = SessionFactory(workspace=workspace, kind="dev")
    session_files_record(session=session, files=[sent("new.txt", after="x")])
    assert files(session) == {"new.txt": (None, "x", "added")}
    session_files_record(session=session, files=[sent("new.txt")])
    assert files(session) == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "files_sent", "says"),
    [
        ("dev", [sent("a.py", before="x", after="y"), sent("a.py", before="x", after="z")], "appears twice"),
        ("dev", [sent("../a.py", after="y")], "must be a relative path"),
        ("prototype", [sent("a.js", before="x", after="y")], "prototype files have content"),
        ("dev", [], "Send at least one file."),
    ],
)
def test_a_bad_record_is_refused_and_writes_nothing(workspace, kind, files_sent, says):
    session = SessionFactory(workspace=workspace, kind=kind)
    with pytest.raises((LiveWriteRefused, DocumentError), match=re.escape(says)):
        session_files_record(session=session, files=files_sent)
    assert files(session) == {}


@pytest.mark.django_db
def test_a_changed_file_sent_with_a_before_again_is_refused_naming_the_field(workspace):
    session = SessionFactory(workspace=workspace, kind="dev")
    session_files_record(session=session, files=[sent("a.py", before="x", after="y")])
    with pytest.raises(DocumentError) as refused:
        session_files_record(session=session, files=[sent("a.py", before="y", after="z")])
    assert refused.value.field == "files[0].before"
    assert "send after (or after_base64) alone" in str(refused.value)
    assert files(session) == {"a.py": ("x", "y", "modified")}


@pytest.mark.django_db
def test_status_and_title_are_set_and_a_change_of_nothing_is_refused(workspace):
    session = SessionFactory(workspace=workspace, status="active")
    updated = session_update(session=session, status="completed", title="Done")
    assert (updated.status, updated.title) == ("completed", "Done")
    session.refresh_from_db()
    assert (session.status, session.title) == ("completed", "Done")
    with pytest.raises(LiveWriteRefused, match=re.escape("Send status, title or both.")):
        session_update(session=session)


@pytest.mark.django_db
def test_a_start_is_idempotent_and_a_taken_id_is_refused(workspace, other_workspace, owner):
    fields = SessionFields(
        id="started-session-1", kind="dev", title="t", created_at=datetime(2026, 12, 7, tzinfo=UTC), created_by=None
    )
    first = session_start(workspace=workspace, fields=fields)
    assert (first.created, first.session.message_count) == (True, 0)
    assert not session_start(workspace=workspace, fields=fields).created
    with pytest.raises(SessionIdTaken, match="is a dev session here, not a prototype one"):
        session_start(workspace=workspace, fields=fields.model_copy(update={"kind": "prototype"}))
    with pytest.raises(SessionIdTaken, match=re.escape("Session id started-session-1 is taken; choose another.")):
        session_start(workspace=other_workspace, fields=fields)


@pytest.mark.django_db(transaction=True)
def test_each_write_is_announced_when_it_commits_and_a_refused_one_is_not(workspace):
    session = SessionFactory(workspace=workspace)
    database = connection.settings_dict
    with psycopg.connect(
        dbname=database["NAME"], user=database["USER"], host=database["HOST"], port=database["PORT"], autocommit=True
    ) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        session_messages_append(session=session, messages=[said(0)])
        with pytest.raises(LiveWriteRefused):
            session_messages_append(session=session, messages=[said(5)])
        session_update(session=session, status="completed")
        heard = [SessionChange.from_payload(note.payload) for note in listener.notifies(timeout=1, stop_after=2)]
    assert [(change.session, change.messages, change.files, change.status) for change in heard] == [
        (session.pk, 1, 0, "active"),
        (session.pk, 1, 0, "completed"),
    ]
    assert "" < heard[0].updated < heard[1].updated  # every write moves it
