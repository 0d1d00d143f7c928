"""A workspace's MCP policy: who and what may connect, and what Claude may use (issue: owners govern MCP)."""
