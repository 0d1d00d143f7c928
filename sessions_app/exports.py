"""Export: a workspace's sessions as JSON Lines, streamed.

Messages and files are read in chunks and written as they come, so exporting a 100,000-message
session holds one chunk in memory, not the session. One transaction, behind the workspace's wall
(sessions_app/tenancy.py): the export is one moment's sessions, and only that workspace's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from sessions_app.documents import file_documents, message_document, session_header
from sessions_app.errors import SessionNotFound
from sessions_app.models import Session
from sessions_app.tenancy import only_workspace
from workspaces.models import Workspace

CHUNK_SIZE = 1000


def write_session_documents(
    *, workspace: Workspace, write: Callable[[str], object], session_id: str | None = None
) -> int:
    """Write one line per session of `workspace` (or just `session_id`) with `write`; return how many."""
    with only_workspace(workspace.pk):
        return _write_documents(workspace, write, session_id)


def _write_documents(workspace: Workspace, write: Callable[[str], object], session_id: str | None) -> int:
    sessions = (
        Session.objects.for_workspace(workspace).select_related("workspace", "created_by").order_by("created_at", "pk")
    )
    if session_id is not None:
        sessions = sessions.filter(public_id=session_id)
        if not sessions.exists():
            raise SessionNotFound(f"No session with id {session_id} in workspace {workspace.slug}.")
    written = 0
    for session in sessions.iterator(chunk_size=100):
        for piece in _document_pieces(session):
            write(piece)
        write("\n")
        written += 1
    return written


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _document_pieces(session: Session) -> Iterator[str]:
    """The session's JSON object, in pieces: header fields, then each message, then each file."""
    yield _dumps(session_header(session))[:-1] + ',"messages":['
    messages = session.messages.order_by("index").iterator(chunk_size=CHUNK_SIZE)
    for position, message in enumerate(messages):
        yield ("," if position else "") + _dumps(message_document(message))
    yield '],"files":['
    files = session.files.select_related("before", "after").order_by("path").iterator(chunk_size=CHUNK_SIZE)
    position = 0
    for file in files:
        for document in file_documents(file, session.kind):
            yield ("," if position else "") + _dumps(document)
            position += 1
    yield "]}"
