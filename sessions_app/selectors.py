"""Every read of sessions, chats and files. Each function takes the caller's workspace.

Tenancy is enforced here, once: a session is only ever looked up through
`Session.objects.for_workspace(workspace)`, and messages and files only through a session found that
way. A session of another workspace is "not found" with exactly the message a missing one gets.
Each function issues a constant number of queries whatever the session's size (a chat page one, the
session riding along with its messages; other pages two: the session, then the keyset page), which
tests assert.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.db import connection
from django.db.models import Q, QuerySet, Subquery

from sessions_app.diff_cache import diffs_in_memory
from sessions_app.diffs import FileDiff, diff_texts, split_lines
from sessions_app.errors import FileNotFound, InvalidArgument, InvalidSessionLink, NotADevSession, SessionNotFound
from sessions_app.links import parse_session_ref, session_link
from sessions_app.models import Blob, Message, Session, SessionFile
from sessions_app.pagination import Page, check_limit
from sessions_app.prepared import PreparedQuery
from workspaces.models import User, Workspace

MAX_SESSIONS_PAGE = 100
MAX_MESSAGES_PAGE = 500
MAX_FILES_PAGE = 1000
MAX_DIFFS_PAGE = 100
MAX_CONTEXT_LINES = 50
MAX_QUERY_LENGTH = 200


def _sessions(workspace: Workspace) -> QuerySet[Session]:
    """The workspace's sessions with what every caller shows: workspace and creator."""
    return Session.objects.for_workspace(workspace).select_related("workspace", "created_by")


# Every tool call starts here, so this read is prepared (sessions_app/prepared.py): the session and its
# creator in one row; the workspace is the caller's, already in hand.
_SESSION_COLUMNS = (
    "pk",
    "public_id",
    "kind",
    "title",
    "status",
    "created_at",
    "updated_at",
    "message_count",
    "file_count",
    "created_by_id",
    "created_by__email",
    "created_by__name",
)


def _named(workspace_id: int, public_id: str) -> QuerySet[Session]:
    """The workspace's session with this public id (at most one), for the prepared reads below."""
    return Session.objects.for_workspace(Workspace(pk=workspace_id)).filter(public_id=public_id)


_session_by_public_id = PreparedQuery(
    lambda workspace_id, public_id: _named(workspace_id, public_id).values_list(*_SESSION_COLUMNS),
    workspace_id=2_000_073_010,
    public_id="\x00public_id",
)


def session_get(*, workspace: Workspace, ref: str) -> Session:
    """The session a link or bare id names, within `workspace`, with its creator: one query.

    Raises `InvalidSessionLink` for text that is neither, and `SessionNotFound` when the session does
    not exist, or exists in another workspace (the same message either way).
    """
    session_id = _session_id_in(workspace, ref)
    rows = _session_by_public_id.rows(workspace_id=workspace.pk, public_id=session_id)
    if not rows:
        raise _not_found(workspace, session_id)
    return _session_from_row(workspace, rows[0])


def _like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own % and _ taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _title_matches(
    workspace: Workspace,
    text: str,
    *,
    kind: str | None = None,
    status: str | None = None,
    start: tuple[datetime, int] | None = None,
    limit: int,
) -> Q:
    """Sessions whose title contains `text`, case-insensitively: on PostgreSQL the first `limit` of them in
    list order (with the same filters and keyset start), found in the title search table through its
    trigram index, then read by primary key — one query each, so a word no title holds costs an index
    probe however large the workspace (migration 0009). Elsewhere a plain filter on the title."""
    if connection.vendor != "postgresql":
        return Q(title__icontains=text)
    sql = (
        "SELECT session_id FROM sessions_app_sessiontitlesearch WHERE workspace_id = %s AND upper(title) LIKE upper(%s)"
    )
    params: list[Any] = [workspace.pk, _like_pattern(text)]
    for column, value in (("kind", kind), ("status", status)):
        if value is not None:
            sql += f" AND {column} = %s"
            params.append(value)
    if start is not None:
        sql += " AND (updated_at < %s OR (updated_at = %s AND session_id <= %s))"
        params += [start[0], start[0], start[1]]
    sql += " ORDER BY updated_at DESC, session_id DESC LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return Q(pk__in=[row[0] for row in cursor.fetchall()])


def session_completions(*, workspace: Workspace, typed: str, limit: int = 10) -> list[str]:
    """Ids of the workspace's sessions, most recently updated first, whose title contains what was typed
    or whose id starts with it: what a prompt's session argument is completed with."""
    typed = typed.strip()[:MAX_QUERY_LENGTH]
    sessions = _sessions(workspace)
    if typed:
        sessions = sessions.filter(_title_matches(workspace, typed, limit=limit) | Q(public_id__startswith=typed))
    return list(sessions.order_by("-updated_at", "-pk").values_list("public_id", flat=True)[:limit])


def _session_id_in(workspace: Workspace, ref: str) -> str:
    """The session id a link or bare id names; a link to another workspace is "not found" at once."""
    session_ref = parse_session_ref(ref)
    if session_ref.workspace_slug is not None and session_ref.workspace_slug != workspace.slug:
        raise _not_found(workspace, session_ref.session_id)
    return session_ref.session_id


def _not_found(workspace: Workspace, session_id: str) -> SessionNotFound:
    return SessionNotFound(f"No session with id {session_id} in workspace {workspace.slug}.")


def _session_from_row(workspace: Workspace, row: tuple) -> Session:
    pk, public_id, kind, title, status, created_at, updated_at, messages, files, creator_id, email, name = row
    return Session(
        pk=pk,
        workspace=workspace,
        public_id=public_id,
        kind=kind,
        title=title,
        status=status,
        created_at=created_at,
        updated_at=updated_at,
        message_count=messages,
        file_count=files,
        created_by=User(pk=creator_id, email=email, name=name) if creator_id is not None else None,
    )


def session_list(
    *,
    workspace: Workspace,
    query: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    start: tuple[datetime, int] | None = None,
    limit: int = 20,
) -> Page[Session]:
    """The workspace's sessions, most recently updated first; `query` searches titles.

    `start` is the (updated_at, pk) of the first session to return: the key of a page's `following`.
    """
    check_limit(limit, maximum=MAX_SESSIONS_PAGE)
    sessions = _sessions(workspace)
    if query:
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidArgument(f"query must be at most {MAX_QUERY_LENGTH} characters.")
        sessions = sessions.filter(
            _title_matches(workspace, query.strip(), kind=kind, status=status, start=start, limit=limit + 1)
        )
    if kind is not None:
        if kind not in Session.Kind.values:
            raise InvalidArgument(f"kind must be one of: {', '.join(Session.Kind.values)}.")
        sessions = sessions.filter(kind=kind)
    if status is not None:
        if status not in Session.Status.values:
            raise InvalidArgument(f"status must be one of: {', '.join(Session.Status.values)}.")
        sessions = sessions.filter(status=status)
    if start is not None:
        updated_at, pk = start
        sessions = sessions.filter(Q(updated_at__lt=updated_at) | Q(updated_at=updated_at, pk__lte=pk))
    return Page.from_rows(list(sessions.order_by("-updated_at", "-pk")[: limit + 1]), limit)


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a chat page, as read (a plain row: pages are read on every call)."""

    index: int
    role: str
    author: str
    content: str
    created_at: datetime | None

    @property
    def role_label(self) -> str:
        return Message.Role(self.role).label


# A chat page and its session in one query (each row carries the session's columns first); only
# a page past the end, or an empty chat, needs a second query to tell "no messages" from "no session".
_MESSAGE_COLUMNS = ("index", "role", "author", "content", "created_at")
# What a chat page shows of its session (it comes with every row: no dates or creator to decode).
_CHAT_SESSION_COLUMNS = ("pk", "public_id", "kind", "title", "message_count")
_chat_page = PreparedQuery(
    lambda workspace_id, public_id, start_index: (
        Message.objects.filter(
            # The session's id as a scalar subquery: PostgreSQL then walks the (session, index) index
            # from `start_index` in order, whatever the plan's parameters (no sort, no scan of the chat).
            session_id=Subquery(_named(workspace_id, public_id).values("pk")[:1]),
            index__gte=start_index,
        )
        .order_by("index")
        .values_list(*(f"session__{column}" for column in _CHAT_SESSION_COLUMNS), *_MESSAGE_COLUMNS)
    ),
    limit=True,
    workspace_id=2_000_073_011,
    public_id="\x00public_id",
    start_index=2_000_073_012,
)


@dataclass(frozen=True)
class ChatSession:
    """The session as a chat page shows it, read in the page's own query: no field it does not hold."""

    pk: int
    workspace: Workspace
    public_id: str
    kind: str
    title: str
    message_count: int

    def link(self) -> str:
        return session_link(workspace_slug=self.workspace.slug, kind=self.kind, session_id=self.public_id)


def message_page(
    *, workspace: Workspace, session_ref: str, start_index: int = 0, limit: int = 50
) -> tuple[ChatSession, Page[ChatMessage]]:
    """A page of the chat, oldest → newest, from message `start_index` (keyset on the index), in one
    query that brings the session's id, kind, title and message count with the messages."""
    check_limit(limit, maximum=MAX_MESSAGES_PAGE)
    session_id = _session_id_in(workspace, session_ref)
    rows = _chat_page.rows(workspace_id=workspace.pk, public_id=session_id, start_index=start_index, limit=limit + 1)
    if not rows:  # past the last message, or no such session (which says so)
        found = session_get(workspace=workspace, ref=session_id)
        empty = ChatSession(found.pk, workspace, found.public_id, found.kind, found.title, found.message_count)
        return empty, Page(items=[], following=None)
    width = len(_CHAT_SESSION_COLUMNS)
    pk, public_id, kind, title, message_count = rows[0][:width]
    session = ChatSession(pk, workspace, public_id, kind, title, message_count)
    return session, Page.from_rows([ChatMessage(*row[width:]) for row in rows], limit)


def normalize_path(path: str) -> str:
    """Paths are stored relative, with "/" separators: accept "./src/a.ts" and "/src/a.ts" too."""
    cleaned = path.strip().replace("\\", "/")
    while cleaned.startswith("./"):
        cleaned = cleaned[2:]
    return cleaned.lstrip("/")


def _files_with_metadata(session: Session) -> QuerySet[SessionFile]:
    """File rows with their blobs' size and binary flag, but not their content."""
    return session.files.select_related("before", "after").defer(
        "before__text", "before__data", "after__text", "after__data"
    )


def file_page(
    *,
    workspace: Workspace,
    session_ref: str,
    path_prefix: str | None = None,
    start_path: str | None = None,
    limit: int = 200,
) -> tuple[Session, Page[SessionFile]]:
    """A page of the session's files by path, from `start_path`; for dev sessions, the changed files."""
    check_limit(limit, maximum=MAX_FILES_PAGE)
    session = session_get(workspace=workspace, ref=session_ref)
    files = _files_with_metadata(session)
    if path_prefix:
        files = files.filter(path__startswith=normalize_path(path_prefix))
    if start_path is not None:
        files = files.filter(path__gte=start_path)
    return session, Page.from_rows(list(files.order_by("path")[: limit + 1]), limit)


def workspace_file_page(*, workspace: Workspace, offset: int = 0, limit: int = 100) -> Page[SessionFile]:
    """A page of the files of all the workspace's sessions, the most recently updated session first and
    by path within it, each with its session (what a host's attach menu lists); `offset` files skipped."""
    check_limit(limit, maximum=MAX_FILES_PAGE)
    files = (
        SessionFile.objects.filter(session__in=Session.objects.for_workspace(workspace))
        .select_related("session", "before", "after")
        .defer("before__text", "before__data", "after__text", "after__data")
        .order_by("-session__updated_at", "-session_id", "path")
    )
    return Page.from_rows(list(files[offset : offset + limit + 1]), limit)


def file_path_completions(*, workspace: Workspace, session_ref: str, typed: str, limit: int = 20) -> list[str]:
    """Paths of a session's files containing what was typed (any case), by path; none when the session is
    not the workspace's: what a file resource's path argument is completed with."""
    try:
        session = session_get(workspace=workspace, ref=session_ref)
    except (InvalidSessionLink, SessionNotFound):
        return []
    files = session.files.all()
    if typed := typed.strip()[:MAX_QUERY_LENGTH]:
        files = files.filter(path__icontains=typed)
    return list(files.order_by("path").values_list("path", flat=True)[:limit])


def _file_not_found(session: Session, path: str) -> FileNotFound:
    """'No file at that path', with the closest paths this session has (one query, error path only)."""
    paths = list(session.files.order_by("path").values_list("path", flat=True))
    name = path.rsplit("/", 1)[-1]
    same_name = [candidate for candidate in paths if candidate.rsplit("/", 1)[-1] == name]
    suggestions = list(dict.fromkeys(same_name[:3] + difflib.get_close_matches(path, paths, n=3, cutoff=0.6)))[:3]
    if suggestions:
        return FileNotFound(f"No file at {path} in this session; did you mean {' or '.join(suggestions)}?")
    return FileNotFound(f"No file at {path} in this session; list the session's files to see its paths.")


def file_get(*, workspace: Workspace, session_ref: str, path: str) -> tuple[Session, SessionFile]:
    """One file with its content."""
    session = session_get(workspace=workspace, ref=session_ref)
    wanted = normalize_path(path)
    file = session.files.select_related("before", "after").filter(path=wanted).first()
    if file is None:
        raise _file_not_found(session, wanted)
    return session, file


@dataclass(frozen=True)
class FileText:
    session: Session
    file: SessionFile
    version: Literal["after", "before"]  # "after": the current content
    blob: Blob  # the version's content
    is_binary: bool
    text: str  # the requested lines; "" for a binary file
    start_line: int
    end_line: int  # inclusive; start_line - 1 when the file is empty
    total_lines: int


def file_text(
    *,
    workspace: Workspace,
    session_ref: str,
    path: str,
    version: str | None = None,
    start_line: int | None = None,
    end_line: int | None = None,
) -> FileText:
    """A file's text, or a window of its lines (1-based, inclusive).

    `version` is for dev sessions: "after" (default; the file as the session left it) or "before".
    A deleted file has only "before", which is what it defaults to.
    """
    session, file = file_get(workspace=workspace, session_ref=session_ref, path=path)
    if version not in (None, "before", "after"):
        raise InvalidArgument('version must be "before" or "after".')
    if session.kind == Session.Kind.PROTOTYPE and version == "before":
        raise InvalidArgument("Prototype files have only their current content; leave version out.")
    chosen: Literal["after", "before"] = (
        "before" if version == "before" or (version is None and not file.after_id) else "after"
    )
    blob = file.after if chosen == "after" else file.before
    if blob is None:
        missing = (
            "added in this session, so it has no before"
            if chosen == "before"
            else ("deleted in this session, so it has no after; ask for version before")
        )
        raise InvalidArgument(f"{file.path} was {missing}.")
    if blob.is_binary:
        return FileText(session, file, chosen, blob, True, "", 1, 0, 0)
    lines = split_lines(blob.text)
    total = len(lines)
    first = 1 if start_line is None else start_line
    last = total if end_line is None else min(end_line, total)
    if first < 1 or (end_line is not None and end_line < first):
        raise InvalidArgument("start_line must be 1 or more and end_line at least start_line.")
    if total and first > total:
        raise InvalidArgument(f"{file.path} has {total} lines; start_line must be at most {total}.")
    text = "".join(lines[first - 1 : last])
    return FileText(session, file, chosen, blob, False, text, first, max(last, first - 1), total)


@dataclass(frozen=True)
class DiffEntry:
    """One changed file and its diff: None for a binary file, and for a page's `following`, which
    only names where the next page starts."""

    file: SessionFile
    diff: FileDiff | None

    @property
    def is_binary(self) -> bool:
        return _is_binary(self.file)


def _is_binary(file: SessionFile) -> bool:
    return any(blob is not None and blob.is_binary for blob in (file.before, file.after))


def _diff_key(file: SessionFile, context_lines: int, ignore_whitespace: bool) -> tuple:
    # Blob ids, not digests: contents are a workspace's own, so no workspace is ever served (or timed by)
    # a diff computed for another.
    return (file.before_id, file.after_id, file.path, context_lines, ignore_whitespace)


def _with_diffs(files: list[SessionFile], context_lines: int, ignore_whitespace: bool) -> list[DiffEntry]:
    """Each text file with its diff, computed once per pair of contents (diff_cache.py): the texts of
    the files not yet in the cache are read, in one query, only then."""
    missing = [
        file
        for file in files
        if not _is_binary(file) and not diffs_in_memory.has(_diff_key(file, context_lines, ignore_whitespace))
    ]
    blob_ids = {blob_id for file in missing for blob_id in (file.before_id, file.after_id) if blob_id}
    texts = dict(Blob.objects.filter(pk__in=blob_ids).values_list("pk", "text")) if blob_ids else {}
    entries = []
    for file in files:
        if _is_binary(file):
            entries.append(DiffEntry(file=file, diff=None))
            continue

        def compute(file: SessionFile = file) -> FileDiff:
            # Evicted by another thread since `missing` was drawn up: read its texts now.
            if unread := [blob_id for blob_id in (file.before_id, file.after_id) if blob_id and blob_id not in texts]:
                texts.update(Blob.objects.filter(pk__in=unread).values_list("pk", "text"))
            before = texts[file.before_id] if file.before_id else None
            after = texts[file.after_id] if file.after_id else None
            return diff_texts(
                before=before,
                after=after,
                path=file.path,
                context_lines=context_lines,
                ignore_whitespace=ignore_whitespace,
            )

        key = _diff_key(file, context_lines, ignore_whitespace)
        entries.append(DiffEntry(file=file, diff=diffs_in_memory.get_or_compute(key, compute)))
    return entries


def diff_page(
    *,
    workspace: Workspace,
    session_ref: str,
    path: str | None = None,
    context_lines: int = 3,
    start_path: str | None = None,
    limit: int = 10,
    ignore_whitespace: bool = False,
) -> tuple[Session, Page[DiffEntry]]:
    """Unified diffs of a dev session's changed files: one file by `path`, or all by path from `start_path`;
    with `ignore_whitespace`, changes in whitespace alone are not shown (the session page's option)."""
    check_limit(limit, maximum=MAX_DIFFS_PAGE)
    if not isinstance(context_lines, int) or not 0 <= context_lines <= MAX_CONTEXT_LINES:
        raise InvalidArgument(f"context_lines must be a whole number from 0 to {MAX_CONTEXT_LINES}.")
    session = session_get(workspace=workspace, ref=session_ref)
    if session.kind != Session.Kind.DEV:
        raise NotADevSession("This is a prototype session: it has files, not diffs; read its files instead.")
    files = _files_with_metadata(session).order_by("path")
    if path is not None:
        wanted = normalize_path(path)
        rows = list(files.filter(path=wanted))
        if not rows:
            raise _file_not_found(session, wanted)
    else:
        if start_path is not None:
            files = files.filter(path__gte=start_path)
        rows = list(files[: limit + 1])
    items, following = rows[:limit], rows[limit] if len(rows) > limit else None
    return session, Page(
        items=_with_diffs(items, context_lines, ignore_whitespace),
        following=DiffEntry(file=following, diff=None) if following is not None else None,
    )
