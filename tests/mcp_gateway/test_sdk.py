"""What mcp_gateway/protocol/sdk.py reaches inside the mcp SDK is still there: an upgrade that moves it fails here."""

import pytest
from mcp.server import MCPServer
from mcp.server.lowlevel import Server
from mcp_types import CallToolResult
from pydantic import BaseModel, ValidationError

from mcp_gateway.protocol.sdk import low_level_server, registered_tool, stop_checking_results, stop_serving
from mcp_gateway.protocol.server import build_server
from mcp_gateway.protocol.tools import TOOLS


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


def _typed_server() -> MCPServer:
    server = MCPServer(name="probe")

    def count() -> Counted:
        return Counted(count=1)

    server.add_tool(count, name="count", structured_output=True)
    return server


class Counted(BaseModel):
    count: int


def test_a_tool_no_longer_checking_results_still_advertises_its_output_schema():
    tool = registered_tool(_typed_server(), "count")
    wrong = CallToolResult(content=[], structured_content={"count": "many"})
    with pytest.raises(ValidationError):
        tool.fn_metadata.convert_result(wrong)  # the SDK's check, while the tool has its output model
    stop_checking_results(tool)
    assert tool.fn_metadata.convert_result(wrong) is wrong
    assert tool.output_schema["properties"]["count"] == {"title": "Count", "type": "integer"}


def test_the_servers_tools_check_results_only_where_settings_say(settings):
    settings.ALLOY_MCP_CHECK_RESULTS = False
    unchecked = build_server()
    settings.ALLOY_MCP_CHECK_RESULTS = True
    checked = build_server()
    for spec in TOOLS:
        assert registered_tool(unchecked, spec.name).fn_metadata.output_model is None
        assert registered_tool(checked, spec.name).fn_metadata.output_model is not None
        assert registered_tool(unchecked, spec.name).output_schema == registered_tool(checked, spec.name).output_schema


def _keys(schema: object) -> set[str]:
    if isinstance(schema, dict):
        return set(schema) | {key for value in schema.values() for key in _keys(value)}
    if isinstance(schema, list):
        return {key for value in schema for key in _keys(value)}
    return set()


def test_no_tool_mirrors_an_argument_into_a_header():
    """Why AlloyMCPServer gives the SDK no input schema to check Mcp-Param-* headers against: with no
    `x-mcp-header` anywhere, there is no header to check. A tool that adds one must drop that shortcut."""
    server = build_server()
    for spec in TOOLS:
        assert "x-mcp-header" not in _keys(registered_tool(server, spec.name).parameters)
        assert server._tool_input_schema(spec.name) is None
