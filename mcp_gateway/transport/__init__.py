"""The /mcp front of the gateway: transport checks, the credential check, rate limits."""
