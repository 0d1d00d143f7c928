"""The MCP tools, one module each. Their names, arguments and results are the product's contract."""

from mcp_gateway.protocol.tools import (
    get_chat_history,
    get_file_content,
    get_file_diff,
    get_session,
    list_session_files,
    list_sessions,
    search_session,
)
from mcp_gateway.protocol.tools.spec import ToolSpec

TOOLS: list[ToolSpec] = [
    get_session.SPEC,
    list_sessions.SPEC,
    get_chat_history.SPEC,
    list_session_files.SPEC,
    get_file_content.SPEC,
    get_file_diff.SPEC,
    search_session.SPEC,
]
TOOLS_BY_NAME = {spec.name: spec for spec in TOOLS}
