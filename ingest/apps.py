from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Session ingestion"

    def ready(self) -> None:
        from workspaces.settings_sections import SettingsSection, register_section

        register_section(SettingsSection("ingest-keys", "Ingestion keys", "ingest-keys-settings", managers_only=True))
