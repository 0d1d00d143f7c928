"""Appending to a session's chat while it runs (sessions_app/live.py): idempotent by index, refused with the
index expected on a gap or a different message at a taken index, and exact under concurrent writers."""

import re
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from sessions_app.documents import MessageDocument
from sessions_app.live import AppendRefused, IndexedMessage, session_messages_append
from sessions_app.models import Message, Session
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
    with pytest.raises(AppendRefused, match=re.escape(says)):
        session_messages_append(session=session, messages=messages)
    assert chat(session) == [(0, "message 0"), (1, "message 1")]


@pytest.mark.django_db
def test_a_batch_refused_midway_writes_none_of_it(workspace):
    session = SessionFactory(workspace=workspace)
    with pytest.raises(AppendRefused, match=re.escape("The next message's index is 2, not 3.")):
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
