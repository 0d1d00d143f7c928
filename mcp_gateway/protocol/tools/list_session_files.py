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
A session's files by path: size, language, binary; for a dev session, status and lines added and
removed. `with_content` adds each text file's text while the page has room.

Use it to see how a prototype is laid out (with_content: to read it in one call), or to pick the diffs
that matter.

Example: list_session_files(session="hBt7Qm2xLp9VwK4sRz8dNa", with_content=true)"""


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
    with_content: Annotated[bool, Field(description="Also each text file's content, while it fits.")] = False,
    cursor: CursorArgument = None,
    limit: Annotated[int, Field(description="Files per page.", ge=1, le=selectors.MAX_FILES_PAGE)] = 200,
) -> Annotated[CallToolResult, SessionFilesResult]:
    return await run_tool(
        ctx, SPEC, session=session, path_prefix=path_prefix, with_content=with_content, cursor=cursor, limit=limit
    )


def session_files(
    principal: Principal,
    *,
    session: str,
    path_prefix: str | None,
    with_content: bool = False,
    cursor: str | None,
    limit: int,
) -> SessionFilesResult:
    """A page of files by path, as many as fit the budget; the cursor is the path the next page starts at.
    `with_content`: each text file with its whole text while that fits too, else without it (a file is
    never cut here: get_file_content pages one)."""
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
    sizes = [json_len(as_json_dict(view)) for view in views]
    if with_content:
        texts = selectors.current_texts(session=found, files=page.items)
        shown = _fit_with_content(views, sizes, [texts.get(file.pk) for file in page.items], room)
    else:
        shown = fit_count(sizes, room)
    result.files = views[:shown]
    following = page.items[shown] if shown < len(page.items) else page.following
    result.next_cursor = encode_cursor("files", following.path) if following else None
    return result


def _fit_with_content(views: list[FileView], sizes: list[int], texts: list[str | None], room: int) -> int:
    """How many of `views` fit in `room`, each given its text when that fits too (in order: a large file
    comes without its text, and the files after it still get theirs)."""
    shown = 0
    for view, size, text in zip(views, sizes, texts, strict=True):
        with_text = size + json_len(text) + len(',"content":') if text is not None else None
        if with_text is not None and with_text + 1 <= room:
            view.content, room = text, room - with_text - 1
        elif size + 1 <= room:
            room -= size + 1
        else:
            break
        shown += 1
    return shown


SPEC = ToolSpec(
    name="list_session_files",
    description=DESCRIPTION,
    handler=list_session_files,
    work=session_files,
    links=lambda result: links_to_files(result["session"]["id"], result["files"]),
    annotations=read_only("List Alloy session files"),
    shows_session=True,
)
