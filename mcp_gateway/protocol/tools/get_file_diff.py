"""get_file_diff: unified before → after diffs of a dev session's changed files."""

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
from sessions_app.errors import InvalidArgument
from sessions_app.models import MAX_PATH_LENGTH, FileStatus
from sessions_app.selectors import DiffEntry

DIFF_FILES_PER_PAGE = 20

DESCRIPTION = """\
What a dev session changed, as unified diffs: one file with `path`, or every changed file in pages
(pass next_cursor as `cursor`). A diff too long for one result is cut at a line; the next page goes on.

Use it to explain what changed and why it matters, after list_session_files.

Example: get_file_diff(session="dV3kR8pZq1MwT6yJc5xHbE", path="api/app.py")"""


class DiffView(BaseModel):
    path: str
    status: FileStatus
    additions: int | None = None
    deletions: int | None = None
    binary: bool
    diff: str | None = Field(default=None, description="The unified diff; absent for a binary file.")
    starts_at_line: int | None = Field(default=None, description="Set when this continues a diff: its first line.")
    truncated: Continuation | None = None


class FileDiffResult(PagedResult):
    session: SessionRefView
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
    cursor: CursorArgument = None,
) -> Annotated[CallToolResult, FileDiffResult]:
    return await run_tool(ctx, SPEC, session=session, path=path, context_lines=context_lines, cursor=cursor)


def file_diffs(
    principal: Principal, *, session: str, path: str | None, context_lines: int, cursor: str | None
) -> dict[str, Any]:
    """Whole diffs while they fit the budget; the first that does not is cut at a line and the next page
    continues it (the cursor holds the file and the line to go on from)."""
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
    # Built as the dict it is sent as (FileDiffResult is its schema; the SDK checks it against it).
    result: dict[str, Any] = {"session": session_ref_view(found), "diffs": []}
    room = room_left(result)
    for entry in page.items:
        skip = skip_lines if entry.file.path == start_path else 0
        view = _view(entry, skip)
        lines = entry.diff.lines if entry.diff is not None else []
        room_for_lines = room - json_len(view) - 1
        shown = fit_lines(lines, room_for_lines, start=skip)
        if skip + shown == len(lines):  # all of it (what is left of it) fits
            if "diff" in view:
                view["diff"] = "".join(lines[skip:])
            result["diffs"].append(view)
            room -= json_len(view) + 1
            continue
        if result["diffs"]:
            result["next_cursor"] = encode_cursor("diffs", entry.file.path, 0)
            return result
        if shown:
            view["diff"] = "".join(lines[skip : skip + shown])
        else:  # one line larger than a whole result: show its start
            view["diff"], shown = cut_to_fit(lines[skip], room_for_lines), 1
        result["next_cursor"] = encode_cursor("diffs", entry.file.path, skip + shown)
        rest = {"session": found.public_id, "cursor": result["next_cursor"], "context_lines": context_lines}
        if path is not None:
            rest["path"] = entry.file.path
        view["truncated"] = {"remaining_lines": len(lines) - skip - shown, "fetch_rest_with": rest}
        result["diffs"].append(view)
        return result
    if page.following is not None:
        result["next_cursor"] = encode_cursor("diffs", page.following.file.path, 0)
    return result


def _view(entry: DiffEntry, skip_lines: int) -> dict[str, Any]:
    """A `DiffView` as a plain dict, with an empty `diff` for the caller to fill (none for a binary file)."""
    file, diff = entry.file, entry.diff
    view: dict[str, Any] = {"path": file.path, "status": file.status}
    if file.additions is not None:
        view["additions"] = file.additions
    if file.deletions is not None:
        view["deletions"] = file.deletions
    view["binary"] = entry.is_binary
    if diff is not None:
        view["diff"] = ""
    if skip_lines:
        view["starts_at_line"] = skip_lines + 1
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
