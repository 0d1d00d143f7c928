"""What mcp_gateway/protocol/sdk.py reaches inside the mcp SDK is still there: an upgrade that moves it fails here."""

from mcp.server import MCPServer
from mcp.server.lowlevel import Server

from mcp_gateway.protocol.sdk import low_level_server, stop_serving


def test_the_low_level_server_is_where_it_was():
    assert isinstance(low_level_server(MCPServer(name="probe")), Server)


def test_a_method_stopped_is_neither_served_nor_advertised():
    server = MCPServer(name="probe")
    server.add_tool(lambda: "ok", name="noop")
    lowlevel = low_level_server(server)
    assert lowlevel.get_request_handler("resources/list") is not None
    assert lowlevel.get_capabilities().resources is not None
    stop_serving(server, "resources/list", "resources/templates/list", "resources/read")
    assert lowlevel.get_request_handler("resources/list") is None
    assert lowlevel.get_capabilities().resources is None  # capabilities follow what is registered
