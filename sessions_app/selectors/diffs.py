"""Diffs: a dev session's changed files with what a reviewer reads of each: a unified diff (computed once,
diff_cache.py), or a summary where a line diff is not worth reading (a lock file's packages, a generated
file's size, a binary file's sizes and an image's dimensions, a file too large to diff)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

import imagesize
from django.db.models import BinaryField, Q
from django.db.models.functions import Substr

from sessions_app.diff_cache import diffs_in_memory
from sessions_app.diffs import FileDiff, TooLargeToDiff, diff_texts
from sessions_app.errors import InvalidArgument, NotADevSession
from sessions_app.lockfiles import PackageChanges, package_changes, reads_packages
from sessions_app.models import Blob, Session, SessionFile
from sessions_app.pagination import Page, check_limit
from sessions_app.review_order import GENERATED, review_rank_of
from sessions_app.selectors.files import file_not_found, files_with_metadata, normalize_path
from sessions_app.selectors.sessions import session_get
from workspaces.models import Workspace

MAX_DIFFS_PAGE = 100
MAX_CONTEXT_LINES = 50
# A JPEG's size may follow its metadata; 64 KB holds it in every real file, and a header is all that is read.
IMAGE_HEADER_BYTES = 65_536

SummaryReason = Literal["binary", "deleted", "lockfile", "generated", "too_large"]
DiffOrder = Literal["path", "review"]


@dataclass(frozen=True)
class DiffSummary:
    """What stands for a diff that is not shown line by line."""

    reason: SummaryReason
    sizes: tuple[int | None, int | None]  # bytes before and after (None for the side that does not exist)
    packages: PackageChanges | None = None  # a lock file's, when its format is read here
    dimensions: tuple[str | None, str | None] = (None, None)  # an image's width and height, where its header says


@dataclass(frozen=True)
class DiffEntry:
    """One changed file and its diff or its summary; neither for a renamed file with no edit, and for a
    page's `following`, which only names where the next page starts."""

    file: SessionFile
    diff: FileDiff | None
    summary: DiffSummary | None = None

    @property
    def is_binary(self) -> bool:
        return _is_binary(self.file)


def _is_binary(file: SessionFile) -> bool:
    return any(blob is not None and blob.is_binary for blob in (file.before, file.after))


def _sizes(file: SessionFile) -> tuple[int | None, int | None]:
    return (file.before.size if file.before else None, file.after.size if file.after else None)


def _diff_key(file: SessionFile, context_lines: int, ignore_whitespace: bool) -> tuple:
    # Blob ids, not digests: contents are a workspace's own, so no workspace is ever served (or timed by)
    # a diff computed for another.
    return (file.before_id, file.after_id, file.path, context_lines, ignore_whitespace)


def _summarised(file: SessionFile, full: bool) -> SummaryReason | None:
    """Why `file` is summarised rather than diffed, before its texts are read."""
    if _is_binary(file):
        return "binary"
    if not full and file.status == SessionFile.Status.DELETED:
        return "deleted"  # every line removed: what it held is one read away, not a diff to review
    if not full and review_rank_of(file.review_order) == GENERATED:
        return "lockfile" if reads_packages(file.path) else "generated"
    return None


def _with_diffs(files: list[SessionFile], context_lines: int, ignore_whitespace: bool, full: bool) -> list[DiffEntry]:
    """Each file with its diff, computed once per pair of contents (diff_cache.py), or its summary: the
    texts that are needed and not yet in the cache are read, in one query, only then."""
    reasons = {file.pk: _summarised(file, full) for file in files}
    unread = [
        file
        for file in files
        if reasons[file.pk] == "lockfile"
        or (reasons[file.pk] is None and not diffs_in_memory.has(_diff_key(file, context_lines, ignore_whitespace)))
    ]
    blob_ids = {blob_id for file in unread for blob_id in (file.before_id, file.after_id) if blob_id}
    texts = dict(Blob.objects.filter(pk__in=blob_ids).values_list("pk", "text")) if blob_ids else {}
    images = _image_dimensions([file for file in files if reasons[file.pk] == "binary"])
    entries = []
    for file in files:
        reason = reasons[file.pk]
        if reason == "binary":
            dimensions = (_get(images, file.before_id), _get(images, file.after_id))
            entries.append(
                DiffEntry(file=file, diff=None, summary=DiffSummary("binary", _sizes(file), None, dimensions))
            )
            continue
        if reason is not None:
            packages = (
                package_changes(path=file.path, before=_get(texts, file.before_id), after=_get(texts, file.after_id))
                if reason == "lockfile"
                else None
            )
            entries.append(DiffEntry(file=file, diff=None, summary=DiffSummary(reason, _sizes(file), packages)))
            continue

        def compute(file: SessionFile = file) -> FileDiff:
            # Evicted by another thread since `unread` was drawn up: read its texts now.
            if missing := [blob_id for blob_id in (file.before_id, file.after_id) if blob_id and blob_id not in texts]:
                texts.update(Blob.objects.filter(pk__in=missing).values_list("pk", "text"))
            before = texts[file.before_id] if file.before_id else None
            after = texts[file.after_id] if file.after_id else None
            return diff_texts(
                before=before,
                after=after,
                path=file.path,
                old_path=file.renamed_from or None,
                context_lines=context_lines,
                ignore_whitespace=ignore_whitespace,
            )

        key = _diff_key(file, context_lines, ignore_whitespace)
        try:
            entries.append(DiffEntry(file=file, diff=diffs_in_memory.get_or_compute(key, compute)))
        except TooLargeToDiff:
            entries.append(DiffEntry(file=file, diff=None, summary=DiffSummary("too_large", _sizes(file))))
    return entries


def _get(values: dict[int, str], blob_id: int | None) -> str | None:
    return values.get(blob_id) if blob_id is not None else None


def _image_dimensions(files: list[SessionFile]) -> dict[int, str]:
    """Each image content's width and height, from its header (imagesize reads PNG, GIF, JPEG, WebP, SVG, …
    without decoding the image): one query, only for images."""
    blob_ids = {
        blob.pk
        for file in files
        if file.media_type.startswith("image/")
        for blob in (file.before, file.after)
        if blob is not None
    }
    if not blob_ids:
        return {}
    dimensions = {}
    heads = Blob.objects.filter(pk__in=blob_ids).annotate(
        head=Substr("data", 1, IMAGE_HEADER_BYTES, output_field=BinaryField())
    )
    for pk, data in heads.values_list("pk", "head"):
        try:
            width, height = imagesize.get(io.BytesIO(bytes(data or b"")))
        except ValueError:  # a header that does not hold together
            continue
        if width > 0 and height > 0:
            dimensions[pk] = f"{width}×{height}"  # noqa: RUF001 - the sign people read in dimensions
    return dimensions


def diff_page(
    *,
    workspace: Workspace,
    session_ref: str,
    path: str | None = None,
    context_lines: int = 3,
    start: tuple[int, str] | None = None,
    start_path: str | None = None,
    limit: int = 10,
    ignore_whitespace: bool = False,
    order: DiffOrder = "path",
    full: bool = True,
) -> tuple[Session, Page[DiffEntry]]:
    """A dev session's changed files with their diffs: one file by `path`, or all, by path (the session
    page, from `start_path`) or in review order (get_file_diff, from `start`: a review order and a path).
    With `ignore_whitespace`, changes in whitespace alone are not shown (the session page's option); without
    `full`, deleted files, lock files and generated files are summarised."""
    check_limit(limit, maximum=MAX_DIFFS_PAGE)
    if not isinstance(context_lines, int) or not 0 <= context_lines <= MAX_CONTEXT_LINES:
        raise InvalidArgument(f"context_lines must be a whole number from 0 to {MAX_CONTEXT_LINES}.")
    session = session_get(workspace=workspace, ref=session_ref)
    if session.kind != Session.Kind.DEV:
        raise NotADevSession("This is a prototype session: it has files, not diffs; read its files instead.")
    files = files_with_metadata(session)
    if path is not None:
        wanted = normalize_path(path)
        rows = list(files.filter(path=wanted))
        if not rows:
            raise file_not_found(session, wanted)
    elif order == "review":
        files = files.order_by("review_order", "path")
        if start is not None:
            after_order, after_path = start
            files = files.filter(Q(review_order__gt=after_order) | Q(review_order=after_order, path__gte=after_path))
        rows = list(files[: limit + 1])
    else:
        files = files.order_by("path")
        if start_path is not None:
            files = files.filter(path__gte=start_path)
        rows = list(files[: limit + 1])
    items, following = rows[:limit], rows[limit] if len(rows) > limit else None
    return session, Page(
        items=_with_diffs(items, context_lines, ignore_whitespace, full),
        following=DiffEntry(file=following, diff=None) if following is not None else None,
    )
