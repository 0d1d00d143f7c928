"""SQL only PostgreSQL has (row-level security, policies, functions, collations) as a migration step: the demo's
SQLite database has none of it, and its migrations skip the step."""

from collections.abc import Callable
from typing import Any

from django.db import migrations


def on_postgresql(forward: str, backward: str) -> migrations.RunPython:
    """A step that runs `forward` on PostgreSQL (and `backward` when it is unapplied), and nothing elsewhere."""
    return migrations.RunPython(_executing(forward), _executing(backward))


def _executing(sql: str) -> Callable[[Any, Any], None]:
    def step(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return step
