"""Diffs: a dev session's changed files with their unified diffs, each computed once (diff_cache.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sessions_app.diff_cache import diffs_in_memory
from sessions_app.diffs import FileDiff, diff_texts
from sessions_app.errors import InvalidArgument, NotADevSession
from sessions_app.models import Blob, Session, SessionFile
from sessions_app.pagination import Page, check_limit
from sessions_app.selectors.files import file_not_found, files_with_metadata, normalize_path
from sessions_app.selectors.sessions import session_get
from workspaces.models import Workspace

MAX_DIFFS_PAGE = 100
MAX_CONTEXT_LINES = 50


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
    files = files_with_metadata(session).order_by("path")
    if path is not None:
        wanted = normalize_path(path)
        rows = list(files.filter(path=wanted))
        if not rows:
            raise file_not_found(session, wanted)
    else:
        if start_path is not None:
            files = files.filter(path__gte=start_path)
        rows = list(files[: limit + 1])
    items, following = rows[:limit], rows[limit] if len(rows) > limit else None
    return session, Page(
        items=_with_diffs(items, context_lines, ignore_whitespace),
        following=DiffEntry(file=following, diff=None) if following is not None else None,
    )
