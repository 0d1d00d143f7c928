"""Writes: importing and deleting sessions.

One document is written in one transaction: either the whole session (its row, chat and files) is
stored, or nothing of it is. Re-importing a session replaces it in place, and re-importing the same
document writes nothing at all (its digest is kept on the session). File contents are stored once per
workspace; a content no file of its workspace uses any more is deleted with the last file that did.
Imports and deletions work across workspaces (a session id is unique on the whole platform), so they
ask the database wall for every workspace (sessions_app/tenancy.py); the rows they touch are always
one workspace's.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sessions_app.diffs import count_changes
from sessions_app.documents import (
    DocumentError,
    FileChange,
    FileContent,
    SessionDocument,
    document_digest,
    file_changes,
)
from sessions_app.generated import generated_kind
from sessions_app.languages import language_for_path
from sessions_app.models import Blob, Message, Session, SessionFile
from sessions_app.renames import Rename, Side, find_renames
from sessions_app.review_order import review_order
from sessions_app.tenancy import every_workspace
from workspaces.models import Membership, User, Workspace

BATCH_SIZE = 2000


class ImportOutcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ResolvedDocument:
    document: SessionDocument
    workspace: Workspace
    created_by: User | None
    existing: Session | None
    digest: str


def resolve_document(*, document: SessionDocument) -> ResolvedDocument:
    """Check what the document refers to (workspace, creator, an existing session) without writing."""
    with every_workspace():
        return _resolve(document)


def _resolve(document: SessionDocument) -> ResolvedDocument:
    workspace = Workspace.objects.filter(slug=document.workspace).first()
    if workspace is None:
        raise DocumentError("workspace", f"no workspace {document.workspace!r}; create it first")
    created_by = member_by_email(workspace, document.created_by)
    existing = Session.objects.filter(public_id=document.id).first()
    if existing is not None and existing.workspace_id != workspace.id:
        raise DocumentError("id", f"session {document.id} already belongs to another workspace")
    return ResolvedDocument(document, workspace, created_by, existing, document_digest(document))


def member_by_email(workspace: Workspace, email: str | None) -> User | None:
    """The member of `workspace` a session's `created_by` names (None for none), or DocumentError naming the field."""
    if email is None:
        return None
    email = email.strip().lower()
    membership = Membership.objects.select_related("user").filter(workspace=workspace, user__email=email).first()
    if membership is None:
        raise DocumentError("created_by", f"{email} is not a member of workspace {workspace.slug}")
    return membership.user


def session_import(*, document: SessionDocument) -> ImportOutcome:
    """Create or replace the session the document describes, all in one transaction."""
    with every_workspace():  # a transaction
        resolved = _resolve(document)
        session = resolved.existing
        replaced_blob_ids: set[int] = set()
        if session is not None:
            session = Session.objects.select_for_update().get(pk=session.pk)
            if session.imported_digest == resolved.digest:
                return ImportOutcome.UNCHANGED
            replaced_blob_ids = blob_ids_of(session)
            session.messages.all().delete()
            session.files.all().delete()
        outcome = ImportOutcome.CREATED if session is None else ImportOutcome.UPDATED
        session = _save_session(resolved, session or Session())
        _create_messages(session, document)
        if (files := _create_files(session, file_changes(document))) != session.file_count:
            session.file_count = files  # renames folded two of the document's files into one
            session.save(update_fields=["file_count"])
        delete_unreferenced_blobs(session.workspace, replaced_blob_ids)
    return outcome


def session_delete(*, session: Session) -> None:
    """Delete the session with its chat and files, and the contents of its workspace no file uses now."""
    with every_workspace():  # a transaction
        blob_ids = blob_ids_of(session)
        session.delete()
        delete_unreferenced_blobs(session.workspace, blob_ids)


def _save_session(resolved: ResolvedDocument, session: Session) -> Session:
    document = resolved.document
    session.workspace = resolved.workspace
    session.public_id = document.id
    session.kind = document.kind
    session.title = document.title
    session.status = document.status
    session.created_by = resolved.created_by
    session.created_at = document.created_at
    session.updated_at = document.updated_at or document.created_at
    session.message_count = len(document.messages)
    session.file_count = len(document.files)
    session.imported_digest = resolved.digest
    session.full_clean(exclude=["workspace", "created_by"], validate_unique=False)
    session.save()
    return session


def _create_messages(session: Session, document: SessionDocument) -> None:
    Message.objects.bulk_create(
        (
            Message(
                session=session,
                workspace_id=session.workspace_id,  # what the trigger would look up, row by row
                index=index,
                role=message.role,
                author=message.author,
                content=message.content,
                created_at=message.created_at,
            )
            for index, message in enumerate(document.messages)
        ),
        batch_size=BATCH_SIZE,
    )


def _create_files(session: Session, changes: list[FileChange]) -> int:
    """The session's file rows; returns how many (a rename is one file, of a deleted and an added one)."""
    contents = [side for change in changes for side in (change.before, change.after) if side is not None]
    blob_ids = blob_ids_for(session.workspace, contents)
    renamed: dict[str, Rename] = {}
    if session.kind == Session.Kind.DEV:
        changes, renamed = _with_renames(changes)
    rows = [file_row(session, change, blob_ids, rename=renamed.get(change.path)) for change in changes]
    SessionFile.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def file_row(
    session: Session, change: FileChange, blob_ids: dict[str, int], *, rename: Rename | None = None
) -> SessionFile:
    """The row of one file of the session (not saved): its contents by `blob_ids` (digest → id), and for a dev
    session its status, line counts and place in review order."""
    dev = session.kind == Session.Kind.DEV
    additions = deletions = None
    binary = any(side is not None and side.is_binary for side in (change.before, change.after))
    if dev and not binary:
        additions, deletions = count_changes(
            before=(change.before.text or "") if change.before else "",
            after=(change.after.text or "") if change.after else "",
        ) or (None, None)
    current = change.after or change.before
    return SessionFile(
        session=session,
        workspace_id=session.workspace_id,  # what the trigger would look up, row by row
        path=change.path,
        language=language_for_path(change.path),
        media_type=change.media_type,
        status=SessionFile.Status.RENAMED if rename else _status(session, change),
        renamed_from=rename.old_path if rename else "",
        similarity=rename.similarity if rename else None,
        before_id=blob_ids[change.before.digest] if change.before else None,
        after_id=blob_ids[change.after.digest] if change.after else None,
        additions=additions,
        deletions=deletions,
        review_order=review_order(
            change.path,
            binary=binary,
            generated=generated_kind(change.path, None if binary or current is None else current.text) is not None,
            changed_lines=(additions or 0) + (deletions or 0),
        )
        if dev
        else 0,
    )


def _with_renames(changes: list[FileChange]) -> tuple[list[FileChange], dict[str, Rename]]:
    """A dev session's changes with each deleted file that an added one renames folded into it (the added
    path, the deleted file's content as `before`), and the renames by their new path."""

    def side(change: FileChange, content: FileContent) -> Side:
        return Side(path=change.path, digest=content.digest, size=len(content.raw), text=content.text)

    deleted = [side(change, change.before) for change in changes if change.after is None and change.before]
    added = [side(change, change.after) for change in changes if change.before is None and change.after]
    renames = {rename.new_path: rename for rename in find_renames(deleted=deleted, added=added)}
    if not renames:
        return changes, {}
    by_path = {change.path: change for change in changes}
    moved = {rename.old_path for rename in renames.values()}
    folded = [
        FileChange(
            path=change.path,
            before=by_path[renames[change.path].old_path].before,
            after=change.after,
            media_type=change.media_type,
        )
        if change.path in renames
        else change
        for change in changes
        if change.path not in moved
    ]
    return folded, renames


def _status(session: Session, change: FileChange) -> str:
    if session.kind != Session.Kind.DEV:
        return ""
    if change.before is None:
        return SessionFile.Status.ADDED
    if change.after is None:
        return SessionFile.Status.DELETED
    return SessionFile.Status.MODIFIED


def blob_ids_for(workspace: Workspace, contents: Iterable[FileContent]) -> dict[str, int]:
    """The workspace's blob ids by digest, creating the blobs it does not store yet (once per workspace)."""
    by_digest = {content.digest: content for content in contents}
    ids = _existing_blob_ids(workspace, list(by_digest))
    missing = [content for digest, content in by_digest.items() if digest not in ids]
    if missing:
        Blob.objects.bulk_create(
            (
                Blob(
                    workspace=workspace,
                    digest=content.digest,
                    size=len(content.raw),
                    is_binary=content.is_binary,
                    text=content.text or "",
                    data=content.data,
                )
                for content in missing
            ),
            batch_size=BATCH_SIZE,
            # Another import may store the same content at the same moment: keep theirs.
            ignore_conflicts=True,
        )
        ids |= _existing_blob_ids(workspace, [content.digest for content in missing])
    return ids


def _existing_blob_ids(workspace: Workspace, digests: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(digests), BATCH_SIZE):
        chunk = digests[start : start + BATCH_SIZE]
        ids.update(Blob.objects.filter(workspace=workspace, digest__in=chunk).values_list("digest", "id"))
    return ids


def blob_ids_of(session: Session) -> set[int]:
    ids: set[int] = set()
    for before_id, after_id in session.files.values_list("before_id", "after_id"):
        ids.update(blob_id for blob_id in (before_id, after_id) if blob_id is not None)
    return ids


def delete_unreferenced_blobs(workspace: Workspace, blob_ids: set[int]) -> None:
    """Drop those of the workspace's blobs (a replaced or deleted session's) that no file points at now."""
    if not blob_ids:
        return
    # Only files of the same workspace can point at its blobs.
    still_used = (
        SessionFile.objects.filter(before_id__in=blob_ids)
        .values_list("before_id", flat=True)
        .union(SessionFile.objects.filter(after_id__in=blob_ids).values_list("after_id", flat=True))
    )
    Blob.objects.filter(workspace=workspace, id__in=blob_ids - set(still_used)).delete()
