"""list_sessions: the workspace's sessions, newest first, searchable by title."""

from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.cursors import decode_cursor, encode_cursor
from mcp_gateway.protocol.tools.budget import as_json_dict, fit_count, json_len, room_left
from mcp_gateway.protocol.tools.calls import run_tool
from mcp_gateway.protocol.tools.results import PagedResult, SessionView, WorkspaceView, session_view, workspace_view
from mcp_gateway.protocol.tools.spec import CursorArgument, ToolSpec, read_only
from sessions_app import selectors
from sessions_app.errors import InvalidArgument
from sessions_app.models import Session, SessionKind, SessionStatus
from sessions_app.search import MAX_QUERY_LENGTH

DESCRIPTION = """\
The workspace's sessions, most recently updated first; `query` searches titles.

Use it when the user names a session instead of pasting its link ("the habit tracker"), or asks what
exists; pass a session's id to the other tools.

Example: list_sessions(query="rate limit", kind="dev")"""


class ListSessionsResult(PagedResult):
    workspace: WorkspaceView
    sessions: list[SessionView]


async def list_sessions(
    ctx: Context,
    query: Annotated[
        str | None, Field(description="Words to find in session titles.", max_length=MAX_QUERY_LENGTH)
    ] = None,
    kind: Annotated[SessionKind | None, Field(description="Only this kind.")] = None,
    status: Annotated[SessionStatus | None, Field(description="Only this status.")] = None,
    cursor: CursorArgument = None,
    limit: Annotated[int, Field(description="Sessions per page.", ge=1, le=selectors.MAX_SESSIONS_PAGE)] = 20,
) -> Annotated[CallToolResult, ListSessionsResult]:
    return await run_tool(ctx, SPEC, query=query, kind=kind, status=status, cursor=cursor, limit=limit)


def sessions(
    principal: Principal,
    *,
    query: str | None,
    kind: str | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> ListSessionsResult:
    """A page of the workspace's sessions, newest first, as many as fit the budget."""
    start = _start(cursor) if cursor else None
    page = selectors.session_list(
        workspace=principal.workspace, query=query, kind=kind, status=status, start=start, limit=limit
    )
    views = [session_view(session, in_list=True) for session in page.items]
    workspace = workspace_view(principal.workspace)
    room = room_left(ListSessionsResult(workspace=workspace, sessions=[]))
    shown = fit_count([json_len(as_json_dict(view)) for view in views], room)
    following = page.items[shown] if shown < len(page.items) else page.following
    return ListSessionsResult(
        workspace=workspace, sessions=views[:shown], next_cursor=_cursor(following) if following else None
    )


def _cursor(session: Session) -> str:
    return encode_cursor("sessions", session.updated_at.isoformat(), session.pk)


def _start(cursor: str) -> tuple[datetime, int]:
    updated_at, pk = decode_cursor(cursor, "sessions", (str, int))
    try:
        start = datetime.fromisoformat(updated_at)
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise InvalidArgument("That cursor is not one this tool issued; leave cursor out to start again.")
    return start, pk


SPEC = ToolSpec(
    name="list_sessions",
    description=DESCRIPTION,
    handler=list_sessions,
    work=sessions,
    annotations=read_only("List Alloy sessions"),
)
