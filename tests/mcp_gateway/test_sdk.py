"""What mcp_gateway/protocol/sdk.py reaches inside the mcp SDK is still there: an upgrade that moves it fails here."""

from typing import Annotated

import pytest
from mcp.server import MCPServer
from mcp.server.lowlevel import Server
from mcp_types import CallToolResult
from pydantic import BaseModel, Field, ValidationError

from mcp_gateway.protocol.sdk import low_level_server, registered_tool, stop_checking_results, stop_serving
from mcp_gateway.protocol.server import AlloyMCPServer, build_server
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


def test_mcp_param_headers_are_checked_only_for_a_tool_that_declares_one():
    """The SDK checks a call's Mcp-Param-* headers against the schema AlloyMCPServer gives it: the schema of a
    tool that mirrors an argument into a header, nothing for the others (no header to check) or for no tool."""
    server = AlloyMCPServer(name="probe")

    def routed(region: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Region"})]) -> str:
        return region

    server.add_tool(routed, name="routed")
    server.add_tool(lambda text: text, name="plain")
    assert server._tool_input_schema("routed")["properties"]["region"]["x-mcp-header"] == "Region"
    assert server._tool_input_schema("plain") is None
    assert server._tool_input_schema("no-such-tool") is None
    assert "no-such-tool" not in server._header_schemas


def test_no_alloy_tool_has_its_headers_checked():
    server = build_server()
    for spec in TOOLS:
        assert server._tool_input_schema(spec.name) is None
