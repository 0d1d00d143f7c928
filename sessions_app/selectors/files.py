"""Files: a session's files by path, the workspace's files, one file's text or a window of its lines."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, QuerySet, Sum

from sessions_app.diffs import split_lines
from sessions_app.errors import FileNotFound, InvalidArgument, InvalidSessionLink, SessionNotFound
from sessions_app.models import Blob, Session, SessionFile
from sessions_app.pagination import Page, check_limit
from sessions_app.search import MAX_QUERY_LENGTH
from sessions_app.selectors.sessions import session_get
from workspaces.models import Workspace

MAX_FILES_PAGE = 1000


def normalize_path(path: str) -> str:
    """Paths are stored relative, with "/" separators: accept "./src/a.ts" and "/src/a.ts" too."""
    cleaned = path.strip().replace("\\", "/")
    while cleaned.startswith("./"):
        cleaned = cleaned[2:]
    return cleaned.lstrip("/")


def files_with_metadata(session: Session) -> QuerySet[SessionFile]:
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
    files = files_with_metadata(session)
    if path_prefix:
        files = files.filter(path__startswith=normalize_path(path_prefix))
    if start_path is not None:
        files = files.filter(path__gte=start_path)
    return session, Page.from_rows(list(files.order_by("path")[: limit + 1]), limit)


@dataclass(frozen=True, slots=True)
class ChangeTotals:
    """What a dev session changed, summed: files, and lines added and removed."""

    files: int
    additions: int
    deletions: int

    @classmethod
    def of(cls, files: list[SessionFile]) -> ChangeTotals:
        return cls(
            files=len(files),
            additions=sum(file.additions or 0 for file in files),
            deletions=sum(file.deletions or 0 for file in files),
        )


def current_texts(*, session: Session, files: list[SessionFile]) -> dict[int, str]:
    """The current text of each of `files` (of `session`, found through the caller's workspace) that is
    text, by file id: one query, whatever the number of files, for the session's workspace's contents only."""
    blob_ids = {file.pk: blob.pk for file in files if (blob := file.current) is not None and not blob.is_binary}
    blobs = Blob.objects.filter(workspace_id=session.workspace_id, pk__in=set(blob_ids.values()))
    texts = dict(blobs.values_list("pk", "text"))
    return {file_id: texts[blob_id] for file_id, blob_id in blob_ids.items() if blob_id in texts}


def change_totals(*, session: Session) -> ChangeTotals:
    """The totals of a session found through the caller's workspace (one query, whatever its size)."""
    sums = session.files.aggregate(files=Count("pk"), additions=Sum("additions"), deletions=Sum("deletions"))
    return ChangeTotals(files=sums["files"], additions=sums["additions"] or 0, deletions=sums["deletions"] or 0)


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


def file_not_found(session: Session, path: str) -> FileNotFound:
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
        raise file_not_found(session, wanted)
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
