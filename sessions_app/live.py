"""Writing a session while it runs: started, its messages appended as they are said, its files recorded as they
change, its status and title set — each write one short transaction, by the ingestion API (ingest/) and the demo.

Appends are idempotent by message index, so a writer that retries (or two writers that both send what they
saw) never duplicates a message: the same message at a taken index is a no-op, a different one is refused, and a
gap is refused naming the index expected. Every write locks the session's row first, so concurrent writers of
one session are serialised (appends never interleave a gap, two file records never lose one another's count),
and writers of different sessions never wait for each other. The search tables follow by their triggers
(migration 0009); diffs are cached by their contents' ids (diff_cache.py), so a changed file is a new diff.

Each write announces itself on commit (`pg_notify` on PostgreSQL, see sessions_app/announce.py), which is how a
session page open elsewhere learns of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError
from django.utils import timezone

from sessions_app.announce import announce_change
from sessions_app.documents import (
    FileChange,
    FileDocument,
    MessageDocument,
    SessionFields,
    decoded_changes,
    stored_content,
)
from sessions_app.models import Message, Session, SessionFile, SessionStatus
from sessions_app.services import blob_ids_for, delete_unreferenced_blobs, file_row, member_by_email
from sessions_app.tenancy import only_workspace
from workspaces.models import Workspace

MAX_MESSAGES_PER_APPEND = 500
MAX_FILES_PER_RECORD = 200


class LiveWriteRefused(Exception):
    """A write that cannot be made; `str()` says what was wrong and what is accepted."""


class SessionIdTaken(LiveWriteRefused):
    """The id names a session of another kind here, or one of another workspace (which is not said)."""


@dataclass(frozen=True)
class IndexedMessage:
    """A message as a writer sends it: its place in the chat, and the message."""

    index: int
    message: MessageDocument


@dataclass(frozen=True)
class AppendResult:
    appended: int  # messages new to the chat
    unchanged: int  # messages it had already, sent again
    message_count: int  # the chat's length now: the next message's index


@dataclass(frozen=True)
class FilesResult:
    changed: int  # files whose content is new
    unchanged: int  # files sent again as they are
    file_count: int  # the session's files now


@dataclass(frozen=True)
class StartedSession:
    session: Session
    created: bool  # False: a session of this id and kind was here already (a writer's retry)


def session_start(*, workspace: Workspace, fields: SessionFields) -> StartedSession:
    """A new session of `workspace` with no messages or files yet; the same id and kind again returns the session
    as it is (so a writer may retry its start). `fields.created_by` must be a member's email."""
    with only_workspace(workspace.pk):  # a transaction
        existing = Session.objects.filter(workspace=workspace, public_id=fields.id).first()
        if existing is not None:
            if existing.kind != fields.kind:
                raise SessionIdTaken(f"Session {fields.id} is a {existing.kind} session here, not a {fields.kind} one.")
            return StartedSession(existing, created=False)
        session = Session(
            workspace=workspace,
            public_id=fields.id,
            kind=fields.kind,
            title=fields.title,
            status=fields.status,
            created_by=member_by_email(workspace, fields.created_by),
            created_at=fields.created_at,
            updated_at=fields.updated_at or fields.created_at,
        )
        try:
            with only_workspace(workspace.pk):  # a savepoint: the id may be another workspace's
                session.save(force_insert=True)
        except IntegrityError:
            # Said the same whether the id is another workspace's or was just taken here: the wall hides which.
            raise SessionIdTaken(f"Session id {fields.id} is taken; choose another.") from None
        announce_change(session)
    return StartedSession(session, created=True)


def session_messages_append(*, session: Session, messages: Sequence[IndexedMessage]) -> AppendResult:
    """Append `messages` (in index order, each index the next one or one the chat has) to the session's chat."""
    if not messages:
        raise LiveWriteRefused("Send at least one message.")
    if len(messages) > MAX_MESSAGES_PER_APPEND:
        raise LiveWriteRefused(f"Send at most {MAX_MESSAGES_PER_APPEND} messages at once, not {len(messages)}.")
    indexes = [item.index for item in messages]
    if indexes != sorted(set(indexes)):
        raise LiveWriteRefused("Send the messages in the order of their index, each index once.")
    with only_workspace(session.workspace_id):  # a transaction; the chat is behind the wall
        locked = Session.objects.select_for_update().get(pk=session.pk)
        count = locked.message_count
        stored = {
            message.index: message
            for message in Message.objects.filter(session=locked, index__in=[i for i in indexes if i < count])
        }
        new: list[Message] = []
        unchanged = 0
        for item in messages:
            if item.index < count:
                if not _same(stored[item.index], item.message):
                    raise LiveWriteRefused(
                        f"Message {item.index} is already in the chat, with other content; the next message's index "
                        f"is {count + len(new)}."
                    )
                unchanged += 1
                continue
            expected = count + len(new)
            if item.index != expected:
                raise LiveWriteRefused(f"The next message's index is {expected}, not {item.index}.")
            new.append(
                Message(
                    session=locked,
                    workspace_id=locked.workspace_id,
                    index=item.index,
                    role=item.message.role,
                    author=item.message.author,
                    content=item.message.content,
                    created_at=item.message.created_at,
                )
            )
        if new:
            Message.objects.bulk_create(new)
            locked.message_count = count + len(new)
            locked.updated_at = timezone.now()
            locked.save(update_fields=["message_count", "updated_at"])
            announce_change(locked)
    return AppendResult(appended=len(new), unchanged=unchanged, message_count=count + len(new))


def _same(stored: Message, sent: MessageDocument) -> bool:
    return (stored.role, stored.author, stored.content, stored.created_at) == (
        sent.role,
        sent.author,
        sent.content,
        sent.created_at,
    )


def session_files_record(*, session: Session, files: Sequence[FileDocument]) -> FilesResult:
    """Record files as they are now, as the document's `files` name them (docs/session-format.md).

    A prototype's file: its content, replacing what it had. A dev session's file: its `before` and `after` when the
    session first changes it; after that its `after` alone (neither: deleted), its `before` kept — the content at
    the session's start, so its diff stays the session's whole change; a file changed back to that content is no
    longer a change, and leaves the list. Files not named are left as they are."""
    if not files:
        raise LiveWriteRefused("Send at least one file.")
    if len(files) > MAX_FILES_PER_RECORD:
        raise LiveWriteRefused(f"Send at most {MAX_FILES_PER_RECORD} files at once, not {len(files)}.")
    with only_workspace(session.workspace_id):  # a transaction
        locked = Session.objects.select_for_update().get(pk=session.pk)
        dev = locked.kind == Session.Kind.DEV
        paths = [file.path for file in files]
        stored = {
            row.path: row for row in SessionFile.objects.filter(session=locked, path__in=paths).select_related("before")
        }
        kept = (
            {path: stored_content(row.before) if row.before else None for path, row in stored.items()} if dev else None
        )
        changes = decoded_changes(kind=locked.kind, files=list(files), kept_before=kept)
        contents = [side for change in changes for side in (change.before, change.after) if side is not None]
        blob_ids = blob_ids_for(locked.workspace, contents)
        now = timezone.now()
        replaced: set[int] = set()
        changed = unchanged = 0
        for change in changes:
            row = stored.get(change.path)
            if row is not None and _same_file(row, change, blob_ids):
                unchanged += 1
                continue
            changed += 1
            if row is not None:
                replaced.update(blob for blob in (row.before_id, row.after_id) if blob is not None)
                row.delete()
            if change.before == change.after:
                continue  # a dev file back to how it was: no longer a change
            new = file_row(locked, change, blob_ids)
            new.changed_at = now
            new.save(force_insert=True)
        if changed:
            locked.file_count = SessionFile.objects.filter(session=locked).count()
            locked.updated_at = now
            locked.save(update_fields=["file_count", "updated_at"])
            delete_unreferenced_blobs(locked.workspace, replaced)
            announce_change(locked)
    return FilesResult(changed=changed, unchanged=unchanged, file_count=locked.file_count)


def _same_file(row: SessionFile, change: FileChange, blob_ids: dict[str, int]) -> bool:
    before = blob_ids[change.before.digest] if change.before else None
    after = blob_ids[change.after.digest] if change.after else None
    return (row.before_id, row.after_id) == (before, after) and not row.renamed_from


def session_update(*, session: Session, status: SessionStatus | None = None, title: str | None = None) -> Session:
    """Set the session's status (active while it runs; completed, archived) and/or title."""
    if status is None and title is None:
        raise LiveWriteRefused("Send status, title or both.")
    with only_workspace(session.workspace_id):  # a transaction
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if status is not None:
            locked.status = status
        if title is not None:
            locked.title = title
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "title", "updated_at"])
        announce_change(locked)
    return locked
