"""MCP keys as owners manage them: listing, creating, revoking, deleting (the key format is auth/key_format.py)."""
