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

        # Alloy is no OpenID provider: the toolkit's ID tokens are never issued, so their admin page only misleads.
        # Here, not in admin.py: the toolkit's admin imports ours (APPLICATION_ADMIN_CLASS) before it registers
        # them, and the admin has loaded every app's admin by the time this app is ready.
        from django.contrib import admin

        from mcp_gateway.models import OAuthIDToken

        if admin.site.is_registered(OAuthIDToken):
            admin.site.unregister(OAuthIDToken)
