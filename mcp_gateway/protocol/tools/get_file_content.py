"""get_file_content: one file's text, or a window of its lines, within the result budget."""

from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.tools.budget import cut_to_fit, fit_lines, room_left
from mcp_gateway.protocol.tools.calls import run_tool
from mcp_gateway.protocol.tools.results import Continuation, SessionRefView, session_ref_view
from mcp_gateway.protocol.tools.spec import SessionArgument, ToolSpec, read_only
from sessions_app import selectors
from sessions_app.diffs import split_lines
from sessions_app.models import MAX_PATH_LENGTH

DESCRIPTION = """\
A file's numbered lines: a prototype's file, or a dev session's file after the change (the default)
or before it (`version="before"`), from start_line to end_line. A file too long for one result is cut at a
line and says which arguments return the rest.

Use it to read a file in full, or the code around a diff or a search hit's line.

Example: get_file_content(session="hBt7Qm2xLp9VwK4sRz8dNa", path="src/App.jsx", start_line=1, end_line=80)"""


class FileContentResult(BaseModel):
    session: SessionRefView
    path: str
    version: Literal["before", "after"]
    language: str
    binary: bool
    media_type: str | None = None
    size: int
    # A binary file has no lines: these three are absent for one.
    total_lines: int | None = None
    start_line: int | None = None
    end_line: int | None = Field(default=None, description="The last line shown (inclusive).")
    content: str | None = Field(default=None, description="The lines start_line..end_line; absent for a binary file.")
    note: str | None = None
    truncated: Continuation | None = None


async def get_file_content(
    session: SessionArgument,
    path: Annotated[
        str, Field(description="The file's path, as list_session_files shows it.", max_length=MAX_PATH_LENGTH)
    ],
    ctx: Context,
    start_line: Annotated[int | None, Field(description="First line to return (from 1).", ge=1)] = None,
    end_line: Annotated[int | None, Field(description="Last line to return (inclusive).", ge=1)] = None,
    version: Annotated[
        Literal["before", "after"] | None,
        Field(description='Dev sessions: "after" (default) or "before" the change. Prototype files have one.'),
    ] = None,
) -> Annotated[CallToolResult, FileContentResult]:
    return await run_tool(
        ctx, SPEC, session=session, path=path, start_line=start_line, end_line=end_line, version=version
    )


def file_content(
    principal: Principal,
    *,
    session: str,
    path: str,
    start_line: int | None,
    end_line: int | None,
    version: str | None,
) -> FileContentResult:
    """A file, or a window of its lines, cut at a line when it does not fit the budget (a single line
    longer than a whole result shows its start); `truncated` gives the arguments that return the rest."""
    text = selectors.file_text(
        workspace=principal.workspace,
        session_ref=session,
        path=path,
        version=version,
        start_line=start_line,
        end_line=end_line,
    )
    blob = text.blob
    result = FileContentResult(
        session=SessionRefView(**session_ref_view(text.session)),
        path=text.file.path,
        version=text.version,
        language=text.file.language,
        binary=text.is_binary,
        media_type=text.file.media_type or None,
        size=blob.size,
        content=None if text.is_binary else "",
    )
    if text.is_binary:
        result.note = f"A binary file ({result.media_type or 'unknown type'}, {blob.size:,} bytes): no text to show."
        return result
    result.total_lines, result.start_line, result.end_line = text.total_lines, text.start_line, text.end_line
    room = room_left(result)
    lines = split_lines(text.text)
    shown = fit_lines(lines, room)
    if shown == len(lines):
        result.content = text.text
        return result
    if shown == 0:  # a single line longer than a whole result (minified code): show its start
        result.content = cut_to_fit(lines[0], room)
        result.end_line = text.start_line
        result.note = f"Line {text.start_line} is {len(lines[0]):,} characters long; only its start is shown."
        shown = 1
    else:
        result.content = "".join(lines[:shown])
        result.end_line = text.start_line + shown - 1
    rest = {"session": text.session.public_id, "path": text.file.path, "start_line": result.end_line + 1}
    if end_line is not None:
        rest["end_line"] = text.end_line
    if text.session.kind == "dev":
        rest["version"] = text.version
    result.truncated = Continuation(remaining_lines=text.end_line - result.end_line, fetch_rest_with=rest)
    return result


SPEC = ToolSpec(
    name="get_file_content",
    description=DESCRIPTION,
    handler=get_file_content,
    work=file_content,
    annotations=read_only("Read Alloy session file"),
    shows_session=True,
)
