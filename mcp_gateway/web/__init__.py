"""The MCP sections of the web app and the API: keys, connected apps, activity, the client config."""
