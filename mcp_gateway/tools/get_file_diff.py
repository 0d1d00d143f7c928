"""get_file_diff: unified before → after diffs of a dev session's changed files."""

from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from pydantic import BaseModel, Field

from mcp_gateway.cursors import decode_cursor, encode_cursor
from mcp_gateway.principal import Principal
from mcp_gateway.tools.base import (
    ENVELOPE_RESERVE,
    CursorArgument,
    SessionArgument,
    ToolSpec,
    cut_to_fit,
    dump,
    fit_lines,
    json_len,
    max_chars,
    run_tool,
)
from mcp_gateway.tools.views import Continuation, SessionRefView, session_ref_view
from sessions_app import selectors
from sessions_app.diffs import split_lines
from sessions_app.errors import InvalidArgument
from sessions_app.selectors import DiffEntry

DIFF_FILES_PER_PAGE = 20

DESCRIPTION = """\
Show what an Alloy dev session changed, as unified diffs (before → after): of one file with `path`, or
of every changed file, by path, in pages (pass next_cursor back as `cursor`). Each diff gives the
file's status and lines added and removed. A diff too long for one result is cut at a line and the
next page continues it. Prototype sessions have files, not diffs: read them with get_file_content.

Use it to explain what changed and why it matters; start with list_session_files to pick the files
with the most changed lines.

Example: get_file_diff(session="https://alloy.app/acme/p/dev/dV3kR8pZq1MwT6yJc5xHbE", path="api/app.py")"""


class DiffView(BaseModel):
    path: str
    status: Literal["added", "modified", "deleted"]
    additions: int | None = None
    deletions: int | None = None
    binary: bool
    approximate: bool | None = Field(
        default=None, description="True when the file is too large for a minimal diff: it shows whole blocks replaced."
    )
    diff: str | None = Field(default=None, description="The unified diff; absent for a binary file.")
    starts_at_line: int | None = Field(default=None, description="Set when this continues a diff: its first line.")
    truncated: Continuation | None = None


class FileDiffResult(BaseModel):
    session: SessionRefView
    diffs: list[DiffView]
    next_cursor: str | None = Field(default=None, description="Pass as cursor for the next page; absent at the end.")


async def get_file_diff(
    session: SessionArgument,
    ctx: Context,
    path: Annotated[
        str | None, Field(description="One changed file's path; leave out for all.", max_length=1024)
    ] = None,
    context_lines: Annotated[
        int, Field(description="Unchanged lines shown around each change.", ge=0, le=selectors.MAX_CONTEXT_LINES)
    ] = 3,
    cursor: CursorArgument = None,
) -> FileDiffResult:
    def work(principal: Principal) -> FileDiffResult:
        start_path, skip_lines = decode_cursor(cursor, "diffs", (str, int)) if cursor else (None, 0)
        if cursor and path is not None and selectors.normalize_path(path) != start_path:
            raise InvalidArgument("That cursor belongs to another file's diff; pass the same path it was issued for.")
        found, page = selectors.diff_page(
            workspace=principal.workspace,
            session_ref=session,
            path=path,
            context_lines=context_lines,
            start_path=None if path is not None else start_path,
            limit=DIFF_FILES_PER_PAGE,
        )
        result = FileDiffResult(session=session_ref_view(found), diffs=[])
        room = max_chars() - json_len(dump(result)) - ENVELOPE_RESERVE
        for entry in page.items:
            skip = skip_lines if entry.file.path == start_path else 0
            view = _view(entry, skip)
            size = json_len(dump(view)) + 1
            if size <= room:
                result.diffs.append(view)
                room -= size
                continue
            if result.diffs:
                result.next_cursor = encode_cursor("diffs", entry.file.path, 0)
                return result
            shown = _cut(view, room - json_len(dump(view.model_copy(update={"diff": ""}))))
            result.next_cursor = encode_cursor("diffs", entry.file.path, skip + shown)
            rest = {"session": found.public_id, "cursor": result.next_cursor, "context_lines": context_lines}
            if path is not None:
                rest["path"] = entry.file.path
            total = len(split_lines(entry.diff.text))
            view.truncated = Continuation(remaining_lines=total - skip - shown, fetch_rest_with=rest)
            result.diffs.append(view)
            return result
        if page.following is not None:
            result.next_cursor = encode_cursor("diffs", page.following.file.path, 0)
        return result

    return await run_tool(ctx, work)


def _view(entry: DiffEntry, skip_lines: int) -> DiffView:
    file, diff = entry.file, entry.diff
    text = None if diff is None else "".join(split_lines(diff.text)[skip_lines:])
    return DiffView(
        path=file.path,
        status=file.status,
        additions=file.additions,
        deletions=file.deletions,
        binary=entry.is_binary,
        approximate=True if diff is not None and diff.approximate else None,
        diff=text,
        starts_at_line=skip_lines + 1 if skip_lines else None,
    )


def _cut(view: DiffView, room: int) -> int:
    """Keep the diff lines that fit in `room`; return how many (at least one, cut if it must be)."""
    lines = split_lines(view.diff or "")
    shown = fit_lines(lines, room)
    if shown == 0:
        view.diff = cut_to_fit(lines[0], room)
        return 1
    view.diff = "".join(lines[:shown])
    return shown


SPEC = ToolSpec(name="get_file_diff", title="Show Alloy session diffs", description=DESCRIPTION, handler=get_file_diff)
