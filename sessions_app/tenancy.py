"""The second tenancy wall: PostgreSQL row-level security on the session tables.

The first wall is in the selectors (every read goes through `Session.objects.for_workspace`). This one
is in the database: while a transaction has set `alloy.workspace_id`, the session, message and file
tables show only that workspace's rows (migration 0006), so a query that forgot its filter still
returns nothing of another workspace. Code that sets nothing (the admin, imports, commands) sees all
rows, as before. The setting is transaction-local: it cannot leak to the next user of a pooled
connection.
"""

from django.db import connection

SETTING = "alloy.workspace_id"


def restrict_to_workspace(workspace_id: int) -> None:
    """Limit the current transaction to one workspace's rows (PostgreSQL; no-op elsewhere)."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("restrict_to_workspace needs a transaction: it lasts until the transaction ends.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, str(int(workspace_id))])
