"""The two database roles: the serving role cannot open every workspace; the operations role can.

- **Serving** (DATABASE_URL): /mcp, the pages and the API. Row-level security narrows it to the workspace
  a transaction set (sessions_app/tenancy.py), and shows it nothing when none is set: the policies that
  let a connection see every workspace are granted to the operations role alone (sessions_app migration
  0014), so `SET alloy.all_workspaces = on` does nothing for it. It has no privilege on the search tables
  (reached only through functions that take the workspace from the transaction, migration 0014), may only
  add to and read the activity log, sees an MCP key or a membership only by its workspace, the signed-in
  person or the presented key (mcp_gateway 0010, workspaces 0003), and cannot change the schema.
- **Operations** (DATABASE_OPS_URL): owns the tables. Migrations, manage.py commands (imports, key
  revocation, pruning) and the admin's staff requests run as it, the last through the `operations`
  alias, which `every_workspace()` routes every query to (`as_operations`).

A bug that runs SQL a caller influenced on a serving connection can thereby read one workspace at most.
Without DATABASE_OPS_URL (the demo's SQLite, or the in-process tests, which check the wall on connections
of their own) there is one role and one alias, and `as_operations` changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

OPERATIONS = "operations"

# Tables the serving role reaches only through functions owned by the operations role (migration 0014).
REACHED_THROUGH_FUNCTIONS = (
    "sessions_app_sessiontitlesearch",
    "sessions_app_messagesearch",
    "sessions_app_blobsearch",
)
# Tables the serving role may read and add to, never change: the activity log (whose rows forget a deleted
# key, app or person: mcp_gateway migration 0009); the audit trail (whose rows forget a deleted person); the
# migrations' record.
APPEND_ONLY = {
    "mcp_gateway_mcpcall": "SELECT, INSERT, UPDATE (mcp_key_id, application_id, user_id)",
    "workspaces_auditevent": "SELECT, INSERT, UPDATE (actor_id)",
    "django_migrations": "SELECT",
}

_operating: ContextVar[bool] = ContextVar("operating", default=False)


def operations_alias() -> str:
    """The alias of the operations role: its own in a server with DATABASE_OPS_URL, else the only one."""
    return OPERATIONS if OPERATIONS in settings.DATABASES else DEFAULT_DB_ALIAS


def operating() -> str | None:
    """The operations alias inside `as_operations`, else None."""
    return operations_alias() if _operating.get() else None


@contextmanager
def as_operations() -> Iterator[None]:
    """Every query inside this block (reads, writes, transactions that ask the router) runs as the
    operations role."""
    token = _operating.set(True)
    try:
        yield
    finally:
        _operating.reset(token)


class OperationsRouter:
    """Inside `as_operations`, every model's reads and writes to the operations alias; otherwise no say
    (alloy.replicas.ReplicaRouter decides)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return operating()

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return operating()

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True  # one database, two roles

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == OPERATIONS else None  # migrations run on manage.py's default: the operations role


def grant_serving_privileges(*, using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    """Give DATABASE_SERVING_ROLE what serving needs on every table, after each `migrate` (so a new table
    is covered): read and write the workspace tables (the wall narrows them), read and add to the
    activity log, nothing on the search tables. No-op without a serving role of its own, or off PostgreSQL."""
    role = settings.DATABASE_SERVING_ROLE
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    from psycopg import sql

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper OR rolbypassrls, pg_has_role(oid, current_user, 'MEMBER')"
            " FROM pg_roles WHERE rolname = %s",
            [role],
        )
        found = cursor.fetchone()
        if found is None:
            raise ImproperlyConfigured(
                f"The serving role {role!r} (DATABASE_URL's user, or DATABASE_SERVING_ROLE) does not exist; create it "
                f"first: CREATE ROLE {role} LOGIN (README, Two database roles)."
            )
        if any(found):
            raise ImproperlyConfigured(
                f"The serving role {role!r} can bypass the wall (a superuser, BYPASSRLS, or a member of the "
                "operations role); it must be a plain login role."
            )
        grantee = sql.Identifier(role)
        statements = [
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(grantee),
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(grantee),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(grantee),
        ]
        for table in REACHED_THROUGH_FUNCTIONS:
            statements.append(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), grantee))
        for table, kept in APPEND_ONLY.items():
            statements.append(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), grantee))
            statements.append(sql.SQL("GRANT " + kept + " ON {} TO {}").format(sql.Identifier(table), grantee))
        for statement in statements:
            cursor.execute(statement.as_string(cursor.connection))
