"""The floor `make bench` measures Alloy against: the `mcp` SDK's own server with one no-op tool.

Stateless Streamable HTTP with JSON responses, no authentication, no database — what any MCP server
built on this SDK costs per call on this machine. Served by uvicorn exactly as Alloy is:

    .venv/bin/uvicorn scripts.floor_server:app --port 8766
"""

import contextlib

from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette

# WARNING, as Alloy logs the SDK: an INFO line per request would slow the floor and flatter the ratio.
server = MCPServer(name="floor", log_level="WARNING")


@server.tool(name="noop", description="Does nothing.")
def noop() -> str:
    return "ok"


def stateless_app(mcp_server: MCPServer) -> Starlette:
    """`mcp_server` served as Alloy serves: stateless Streamable HTTP at /mcp, JSON responses, no host checks."""
    mcp_app = mcp_server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        async with mcp_server.session_manager.run():
            yield

    return Starlette(routes=mcp_app.routes, lifespan=lifespan)


app = stateless_app(server)
