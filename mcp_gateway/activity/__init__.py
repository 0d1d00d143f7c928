"""The MCP activity log: each tool call and resource read, written off the request path."""
