"""The sections of a workspace's settings. Apps add their own (mcp_gateway adds MCP and Connected apps)
in AppConfig.ready, so this app knows nothing of them and works without them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SettingsSection:
    key: str
    title: str
    url_name: str  # reversed with the workspace slug
    managers_only: bool = False  # offered to owners and admins only (members would be refused)


SECTIONS: list[SettingsSection] = [
    SettingsSection("general", "General", "workspace-settings-general"),
    SettingsSection("members", "Members", "workspace-settings-members"),
    SettingsSection("audit-trail", "Audit trail", "workspace-settings-audit-trail", managers_only=True),
]


def register_section(section: SettingsSection) -> None:
    if all(existing.key != section.key for existing in SECTIONS):
        SECTIONS.append(section)
