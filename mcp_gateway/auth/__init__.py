"""Who is calling: credentials (MCP keys, OAuth tokens) resolved to a principal, their liveness, and
the request's caller."""
