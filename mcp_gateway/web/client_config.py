"""What a person pastes into an MCP client to use Alloy."""

from typing import Any


def claude_desktop_config(*, url: str, key: str) -> dict[str, Any]:
    """The `mcpServers` entry for Claude Desktop's claude_desktop_config.json, through mcp-remote."""
    return {
        "mcpServers": {
            "alloy": {"command": "npx", "args": ["-y", "mcp-remote", url, "--header", f"X-MCP-API-Key:{key}"]}
        }
    }
