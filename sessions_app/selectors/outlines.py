"""Maps of a page of files: each file's symbols (sessions_app/outline.py) and, for a dev session's changed
files, which of them the change touched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sessions_app.diffs import changed_lines
from sessions_app.generated import generated_kind
from sessions_app.models import Blob, Session, SessionFile
from sessions_app.outline import MAX_OUTLINED_BYTES, Outline, Symbol, outline, outline_language

# Why a text file has no map: its kind has no grammar here, it is a lock file or generated, or too large.
NoMap = Literal["no_parser", "generated", "too_large"]


@dataclass(frozen=True)
class FileMap:
    outline: Outline
    touched: frozenset[Symbol]  # what a dev session's change touched, in the file as it is now


def file_maps(*, session: Session, files: list[SessionFile]) -> dict[int, FileMap | NoMap]:
    """The map of each of `files` (of `session`, found through the caller's workspace) that is text and still
    exists, by file id, or why it has none: one query for the texts, whatever the number of files."""
    wanted: dict[int, SessionFile] = {}
    reasons: dict[int, FileMap | NoMap] = {}
    for file in files:
        current = file.after
        if current is None or current.is_binary:
            continue  # deleted or binary: the listing says so
        if generated_kind(file.path) is not None:
            reasons[file.pk] = "generated"
        elif outline_language(file.path) is None:
            reasons[file.pk] = "no_parser"
        elif current.size > MAX_OUTLINED_BYTES:
            reasons[file.pk] = "too_large"
        else:
            wanted[file.pk] = file
    blob_ids = {blob_id for file in wanted.values() for blob_id in (file.after_id, _compared_before(file)) if blob_id}
    texts = dict(
        Blob.objects.filter(workspace_id=session.workspace_id, pk__in=blob_ids).values_list("pk", "text")
        if blob_ids
        else ()
    )
    for file_id, file in wanted.items():
        after = texts.get(file.after_id) if file.after_id is not None else None
        if after is None:
            continue
        mapped = outline(file.path, after)
        if mapped is None:
            reasons[file_id] = "no_parser"
            continue
        before_id = _compared_before(file)
        before = texts.get(before_id) if before_id else None
        reasons[file_id] = FileMap(outline=mapped, touched=_touched(mapped, before, after))
    return reasons


def _compared_before(file: SessionFile) -> int | None:
    """The old content a change is read against: for a modified or renamed text file, its `before`."""
    before = file.before
    return file.before_id if before is not None and not before.is_binary and file.after_id else None


def _touched(mapped: Outline, before: str | None, after: str) -> frozenset[Symbol]:
    if before is None:
        return frozenset()  # a new file: every symbol in it is new, as its status says
    ranges = changed_lines(before=before, after=after)
    return frozenset(
        symbol
        for symbol in mapped.symbols
        if any(start <= symbol.end_line and symbol.line <= end for start, end in ranges)
    )
