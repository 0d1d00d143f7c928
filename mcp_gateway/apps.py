from django.apps import AppConfig


class McpGatewayConfig(AppConfig):
    name = "mcp_gateway"
    verbose_name = "MCP gateway"

    def ready(self) -> None:
        from workspaces.settings_sections import SettingsSection, register_section

        register_section(SettingsSection("mcp", "MCP", "mcp-settings"))
        register_section(SettingsSection("mcp-policy", "MCP policy", "mcp-policy-settings"))
        register_section(SettingsSection("mcp-activity", "MCP activity", "mcp-activity", managers_only=True))
        register_section(SettingsSection("connected-apps", "Connected apps", "connected-apps-settings"))
