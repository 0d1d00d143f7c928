"""get_session: what a pasted session link is — start here."""

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult

from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.tools.calls import run_tool
from mcp_gateway.protocol.tools.results import SessionView, session_view
from mcp_gateway.protocol.tools.spec import SessionArgument, ToolSpec, read_only
from sessions_app import selectors

DESCRIPTION = """\
An Alloy session's kind (prototype: an app the AI wrote; dev: a change to a codebase), title, status,
creator, dates, and message and file counts.

Use it first when the user pastes an Alloy link, to know which tools fit.

Example: get_session(session="https://alloy.app/acme/p/dev/dV3kR8pZq1MwT6yJc5xHbE")"""


async def get_session(session: SessionArgument, ctx: Context) -> Annotated[CallToolResult, SessionView]:
    return await run_tool(ctx, SPEC, session=session)


def session_details(principal: Principal, *, session: str) -> SessionView:
    return session_view(selectors.session_get(workspace=principal.workspace, ref=session))


SPEC = ToolSpec(
    name="get_session",
    description=DESCRIPTION,
    handler=get_session,
    work=session_details,
    annotations=read_only("Get Alloy session"),
    shows_session=True,
)
