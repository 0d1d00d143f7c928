"""list_session_files: a session's files (prototype) or changed files (dev), by path."""

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.cursors import decode_cursor, encode_cursor
from mcp_gateway.protocol.file_uris import links_to_files
from mcp_gateway.protocol.tools.budget import as_json_dict, fit_count, json_len, room_left
from mcp_gateway.protocol.tools.calls import run_tool
from mcp_gateway.protocol.tools.results import FileView, PagedResult, SessionRefView, file_view, session_ref_view
from mcp_gateway.protocol.tools.spec import CursorArgument, SessionArgument, ToolSpec, read_only
from sessions_app import selectors
from sessions_app.models import MAX_PATH_LENGTH

DESCRIPTION = """\
A session's files by path with size, language and binary flag; for a dev session, the changed files
with status (added, modified, deleted) and lines added and removed.

Use it to see how a prototype is laid out, or to pick the diffs that matter (most changed lines).

Example: list_session_files(session="dV3kR8pZq1MwT6yJc5xHbE", path_prefix="api/")"""


class SessionFilesResult(PagedResult):
    session: SessionRefView
    files: list[FileView]


async def list_session_files(
    session: SessionArgument,
    ctx: Context,
    path_prefix: Annotated[
        str | None,
        Field(description="Only paths starting with this, e.g. src/components/.", max_length=MAX_PATH_LENGTH),
    ] = None,
    cursor: CursorArgument = None,
    limit: Annotated[int, Field(description="Files per page.", ge=1, le=selectors.MAX_FILES_PAGE)] = 200,
) -> Annotated[CallToolResult, SessionFilesResult]:
    return await run_tool(ctx, SPEC, session=session, path_prefix=path_prefix, cursor=cursor, limit=limit)


def session_files(
    principal: Principal, *, session: str, path_prefix: str | None, cursor: str | None, limit: int
) -> SessionFilesResult:
    """A page of files by path, as many as fit the budget; the cursor is the path the next page starts at."""
    (start_path,) = decode_cursor(cursor, "files", (str,)) if cursor else (None,)
    found, page = selectors.file_page(
        workspace=principal.workspace,
        session_ref=session,
        path_prefix=path_prefix,
        start_path=start_path,
        limit=limit,
    )
    views = [file_view(file) for file in page.items]
    result = SessionFilesResult(session=SessionRefView(**session_ref_view(found)), files=[])
    room = room_left(result)
    shown = fit_count([json_len(as_json_dict(view)) for view in views], room)
    result.files = views[:shown]
    following = page.items[shown] if shown < len(page.items) else page.following
    result.next_cursor = encode_cursor("files", following.path) if following else None
    return result


SPEC = ToolSpec(
    name="list_session_files",
    description=DESCRIPTION,
    handler=list_session_files,
    work=session_files,
    links=lambda result: links_to_files(result["session"]["id"], result["files"]),
    annotations=read_only("List Alloy session files"),
    shows_session=True,
)
