"""get_file_diff: what a dev session changed, as a reviewer reads it: unified diffs, source first; a lock
file as the packages it changed, a generated file as its size, a binary file as its sizes, a rename in a
line (its edits, if any, as the diff)."""

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.cursors import decode_cursor, encode_cursor
from mcp_gateway.protocol.file_uris import links_to_files
from mcp_gateway.protocol.tools.budget import cut_to_fit, fit_lines, json_len, room_left
from mcp_gateway.protocol.tools.calls import run_tool
from mcp_gateway.protocol.tools.results import Continuation, PagedResult, SessionRefView, session_ref_view
from mcp_gateway.protocol.tools.spec import CursorArgument, SessionArgument, ToolSpec, read_only
from sessions_app import selectors
from sessions_app.documents import format_time
from sessions_app.errors import InvalidArgument
from sessions_app.models import MAX_PATH_LENGTH, FileStatus
from sessions_app.selectors import DiffEntry, DiffSummary

DIFF_FILES_PER_PAGE = 20
# A lock file lists at most this many packages of each kind; the rest are counted.
MAX_PACKAGES_LISTED = 300
READING_ORDER = (
    "Source first, then tests, documentation, lock and generated files, binary files; the largest change first."
)

DESCRIPTION = """\
What a dev session changed, as unified diffs: one file with `path`, or all in pages (pass next_cursor as
`cursor`), source and larger changes first. Lock files come as the packages they changed, generated and
deleted files as their size (full=true: line by line); a rename is one line.

Example: get_file_diff(session="dV3kR8pZq1MwT6yJc5xHbE", path="api/app.py")"""


class PackagesView(BaseModel):
    added: list[str]
    removed: list[str]
    changed: list[str]
    more: int | None = None


class DiffView(BaseModel):
    path: str
    status: FileStatus
    renamed_from: str | None = None
    similarity: int | None = None
    additions: int | None = None
    deletions: int | None = None
    binary: bool | None = Field(default=None, description="Set, true, for a binary file.")
    summary: str | None = Field(default=None, description="Stands for a diff not shown line by line, and why.")
    packages: PackagesView | None = None
    diff: str | None = None
    starts_at_line: int | None = Field(default=None, description="Set when this continues a diff: its first line.")
    changed_at: str | None = Field(
        default=None, description="When a write to the running session last changed it; absent: as imported."
    )
    truncated: Continuation | None = None


class FileDiffResult(PagedResult):
    session: SessionRefView
    reading_order: str | None = None
    diffs: list[DiffView]


async def get_file_diff(
    session: SessionArgument,
    ctx: Context,
    path: Annotated[
        str | None, Field(description="One changed file's path; leave out for all.", max_length=MAX_PATH_LENGTH)
    ] = None,
    context_lines: Annotated[
        int, Field(description="Unchanged lines shown around each change.", ge=0, le=selectors.MAX_CONTEXT_LINES)
    ] = 3,
    full: Annotated[bool, Field(description="Lock and generated files line by line too.")] = False,
    cursor: CursorArgument = None,
) -> Annotated[CallToolResult, FileDiffResult]:
    return await run_tool(ctx, SPEC, session=session, path=path, context_lines=context_lines, full=full, cursor=cursor)


def file_diffs(
    principal: Principal,
    *,
    session: str,
    path: str | None,
    context_lines: int,
    full: bool = False,
    cursor: str | None,
) -> dict[str, Any]:
    """Whole diffs (or summaries) while they fit the budget, in review order; the first that does not fit
    is cut at a line and the next page continues it (the cursor holds the file's place and the line to go
    on from, and whether lock and generated files are diffed)."""
    start, skip_lines = None, 0
    if cursor:
        order, start_path, skip_lines, full_flag = decode_cursor(cursor, "diffs", (int, str, int, int))
        start, full = (order, start_path), bool(full_flag)
        if path is not None and selectors.normalize_path(path) != start_path:
            raise InvalidArgument("That cursor belongs to another file's diff; pass the same path it was issued for.")
    found, page = selectors.diff_page(
        workspace=principal.workspace,
        session_ref=session,
        path=path,
        context_lines=context_lines,
        start=None if path is not None else start,
        limit=DIFF_FILES_PER_PAGE,
        order="review",
        full=full,
    )
    # Built as the dict it is sent as (FileDiffResult is its schema; the SDK checks it against it).
    result: dict[str, Any] = {"session": session_ref_view(found)}
    if path is None and cursor is None:
        result["reading_order"] = READING_ORDER
    result["diffs"] = []

    def cursor_at(entry: DiffEntry, skip: int) -> str:
        return encode_cursor("diffs", entry.file.review_order, entry.file.path, skip, int(full))

    room = room_left(result)
    for entry in page.items:
        skip = skip_lines if start is not None and entry.file.path == start[1] else 0
        view = _view(entry, skip)
        lines = entry.diff.lines if entry.diff is not None else []
        room_for_lines = room - json_len(view) - 1
        shown = fit_lines(lines, room_for_lines, start=skip)
        if room_for_lines >= 0 and skip + shown == len(lines):  # all of it (what is left of it) fits
            if "diff" in view:
                view["diff"] = "".join(lines[skip:])
            result["diffs"].append(view)
            room -= json_len(view) + 1
            continue
        if result["diffs"]:
            result["next_cursor"] = cursor_at(entry, 0)
            return result
        if shown:
            view["diff"] = "".join(lines[skip : skip + shown])
        else:  # one line larger than a whole result: show its start
            view["diff"], shown = cut_to_fit(lines[skip], room_for_lines), 1
        result["next_cursor"] = cursor_at(entry, skip + shown)
        rest = {"session": found.public_id, "cursor": result["next_cursor"], "context_lines": context_lines}
        if path is not None:
            rest["path"] = entry.file.path
        view["truncated"] = {"remaining_lines": len(lines) - skip - shown, "fetch_rest_with": rest}
        result["diffs"].append(view)
        return result
    if page.following is not None:
        result["next_cursor"] = cursor_at(page.following, 0)
    return result


def _view(entry: DiffEntry, skip_lines: int) -> dict[str, Any]:
    """A `DiffView` as a plain dict, with an empty `diff` for the caller to fill (none where a summary
    stands for it, or a rename changed nothing but the path)."""
    file, diff = entry.file, entry.diff
    view: dict[str, Any] = {"path": file.path, "status": file.status}
    if file.renamed_from:
        view["renamed_from"], view["similarity"] = file.renamed_from, file.similarity
    if file.additions is not None:
        view["additions"] = file.additions
    if file.deletions is not None:
        view["deletions"] = file.deletions
    if entry.is_binary:
        view["binary"] = True
    if entry.summary is not None:
        view["summary"] = _summary_sentence(entry.summary, file.additions, file.deletions)
        if (packages := entry.summary.packages) is not None:
            view["packages"] = _packages_view(packages)
    if diff is not None and diff.lines:
        view["diff"] = ""
    if skip_lines:
        view["starts_at_line"] = skip_lines + 1
    if file.changed_at is not None:
        view["changed_at"] = format_time(file.changed_at)
    return view


def _summary_sentence(summary: DiffSummary, additions: int | None, deletions: int | None) -> str:
    sizes = _change(*(f"{size:,}" if size is not None else None for size in summary.sizes)) + " bytes"
    lines = f"+{additions or 0:,} -{deletions or 0:,} lines"
    match summary.reason:
        case "deleted":
            return (
                f"Deleted ({deletions or 0:,} lines, {sizes}). What it held: get_file_content with"
                ' version="before"; the line diff: full=true.'
            )
        case "binary":
            dimensions = _change(*summary.dimensions) if any(summary.dimensions) else ""
            return f"A binary file: {sizes}" + (f"; {dimensions} pixels." if dimensions else ".")
        case "lockfile" if summary.packages is not None:
            packages = summary.packages
            return (
                f"A lock file: {len(packages.added)} packages added, {len(packages.removed)} removed,"
                f" {len(packages.changed)} changed version ({lines}). The line diff: full=true."
            )
        case "lockfile":
            return f"A lock file in a format not read here ({lines}, {sizes}). The line diff: full=true."
        case "generated":
            return f"Generated or minified ({lines}, {sizes}). The line diff: full=true."
    return f"Too large to diff ({sizes}): read it by lines with get_file_content."


def _change(before: str | None, after: str | None) -> str:
    if before is None or after is None:
        return before or after or ""
    return f"{before} → {after}"


def _packages_view(packages: Any) -> dict[str, Any]:
    view: dict[str, Any] = {}
    more = 0
    for kind in ("added", "removed", "changed"):
        listed = getattr(packages, kind)
        view[kind] = listed[:MAX_PACKAGES_LISTED]
        more += max(0, len(listed) - MAX_PACKAGES_LISTED)
    if more:
        view["more"] = more
    return view


SPEC = ToolSpec(
    name="get_file_diff",
    description=DESCRIPTION,
    handler=get_file_diff,
    work=file_diffs,
    links=lambda result: links_to_files(result["session"]["id"], result["diffs"], both_sides_of_changes=True),
    annotations=read_only("Show Alloy session diffs"),
    shows_session=True,
)
