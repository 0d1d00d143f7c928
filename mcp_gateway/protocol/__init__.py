"""The MCP server: tools, resources, prompts, cursors, and the worker threads their reads run in."""
