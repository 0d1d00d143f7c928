"""The one place Alloy reaches past the mcp SDK's public API, so an SDK upgrade that moves what it
reaches fails here (tests/mcp_gateway/test_sdk.py), loudly, rather than somewhere in a request.

MCPServer registers handlers for every method (resources, subscriptions) whether or not a server has
them, and advertises capabilities from what is registered; it has no public way to take one away or
to register a request handler of the low-level server's shape. Both are needed to say exactly what
Alloy serves. Two hooks of MCPServer are taken over to save work on every call: the input schema it checks
`Mcp-Param-*` headers against (`AlloyMCPServer._tool_input_schema`) and the result check (`stop_checking_results`).
"""

from __future__ import annotations

from typing import Any

from mcp.server import MCPServer
from mcp.server.lowlevel import Server
from mcp.server.mcpserver.tools import Tool


def low_level_server(server: MCPServer) -> Server[Any]:
    return server._lowlevel_server


def stop_serving(server: MCPServer, *methods: str) -> None:
    """Unregister the SDK's handlers of `methods`: they answer -32601 and leave the capabilities."""
    handlers = low_level_server(server)._request_handlers
    for method in methods:
        handlers.pop(method, None)


def registered_tool(server: MCPServer, name: str) -> Tool:
    tool = server._tool_manager.get_tool(name)
    if tool is None:
        raise LookupError(f"no tool {name!r} is registered")
    return tool


def stop_checking_results(tool: Tool) -> None:
    """Keep advertising the tool's output schema, but stop validating each result against it (the SDK
    checks a result only while the tool has an output model)."""
    tool.fn_metadata.output_model = None
