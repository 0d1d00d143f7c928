"""The second tenancy wall: PostgreSQL row-level security on the session tables and the activity log.

The first wall is in the selectors (every read goes through `Session.objects.for_workspace`). This one
is in the database, on sessions, messages, files and file contents (migrations 0006, 0007, 0012, 0014), the
activity log (mcp_gateway migration 0009) and the credentials (keys and OAuth codes and tokens: mcp_gateway 0010
and 0011; memberships: workspaces 0003), and it fails closed: a connection that has not said whom it
serves sees no row of them and can write none. The search tables beside them are reached only through
functions that search the workspace set here (migration 0014).

- While a transaction has set `alloy.workspace_id`, those tables show only that workspace's rows, so a
  query that forgot its filter still returns nothing of another workspace.
- While it has set `alloy.all_workspaces = on` (and no workspace), they show every workspace's rows —
  to the operations role only (alloy/database_roles.py): what the admin, imports and management commands
  ask for, by name, through `every_workspace`. The serving role, which /mcp and the pages run as, sees
  nothing more for it.
- With neither, they show nothing.

Both settings are transaction-local: they cannot leak to the next user of a pooled connection.

Three ways in:

- `only_workspace`, a block (a transaction) that sees one workspace: the web pages, exports.
- `walled_reads`, for the MCP tools' reads: each statement travels to PostgreSQL in one pipeline
  with the statement that sets the wall, and runs in that pipeline's own (implicit) transaction —
  one round trip per read, no BEGIN and no COMMIT. Each read is thereby walled, and sees its own snapshot, as
  it would in a READ COMMITTED transaction. The wall can be made conditional (the caller's
  credential is still live, say): when the condition fails, the wall shuts on workspace 0, the read
  sees nothing, and the scope reports it. Inside a transaction (a test's, a command's) the pipeline
  wraps the read in a savepoint it rolls back, so the wall still ends with the read.
- `every_workspace`, a block (a transaction) that sees the whole platform: the admin, imports, commands.

The first two work on the connection reads take: a replica's inside `alloy.replicas.on_a_replica`. There a
walled read's condition is checked once on the primary instead of riding along (a standby lags).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from alloy.database_roles import as_operations
from alloy.replicas import read_connection

SETTING = "alloy.workspace_id"
SHUT = "0"  # no workspace has id 0: a shut wall shows no rows
EVERY_WORKSPACE = "alloy.all_workspaces"
# Credentials (workspaces migration 0003, mcp_gateway 0010 and 0011): the signed-in person, a presented key's
# keyed hash, and the SHA-256 of a presented OAuth code or token.
PERSON = "alloy.person_id"
PRESENTED_KEY = "alloy.presented_key"
PRESENTED_TOKEN = "alloy.presented_token"  # noqa: S105 (a setting's name)


def only_workspace(workspace_id: int) -> AbstractContextManager[None]:
    """Inside this block the session tables show only this workspace's rows (the web pages, exports)."""
    return _scope(SETTING, str(int(workspace_id)))


def as_person(user_id: int) -> AbstractContextManager[None]:
    """Inside this block the memberships and MCP keys of the workspaces this person belongs to show, to the
    serving role: a signed-in person's page or API request (alloy.middleware.person_behind_the_wall)."""
    return _scope(PERSON, str(int(user_id)))


def presenting_key(key_hash: str) -> AbstractContextManager[None]:
    """Inside this block the MCP key with this keyed hash shows, whatever its workspace: the lookup of the
    key a request carried (mcp_gateway/auth/resolve.py). A hash of a key nobody holds shows nothing."""
    return _scope(PRESENTED_KEY, key_hash)


def presenting_token(digest: str) -> AbstractContextManager[None]:
    """Inside this block the OAuth authorization code or token whose SHA-256 is `digest` shows, whatever its
    workspace: /token and /revoke, and the access token a request to /mcp carried (mcp_gateway 0011). The
    flows behind /token and /revoke learn their workspace from that row and go on in it
    (`in_workspace_from_here`)."""
    return _scope(PRESENTED_TOKEN, digest)


def in_workspace_from_here(workspace_id: int) -> None:
    """From here to the end of the enclosing transaction the wall shows this workspace: for a flow that learns
    its workspace midway, from the code or token it was presented (OAuth's /token and /revoke), and whose
    later steps (django-oauth-toolkit's own) cannot be put in a block."""
    database = read_connection()
    if not database.in_atomic_block:
        raise RuntimeError("in_workspace_from_here needs a transaction to end with.")
    if database.vendor == "postgresql":
        with database.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, str(int(workspace_id))])


@contextmanager
def every_workspace() -> Iterator[None]:
    """Inside this block the session tables show every workspace's rows: for the admin, imports and
    commands, which work across workspaces on purpose. A workspace set inside it still narrows. Its
    queries run as the operations role (alloy/database_roles.py): the serving role cannot open the wall."""
    with as_operations(), _scope(EVERY_WORKSPACE, "on"):
        yield


@contextmanager
def _scope(setting: str, value: str) -> Iterator[None]:
    """A transaction (a savepoint inside one) with `setting` set; what was set before comes back after.
    On PostgreSQL; elsewhere there is no wall, and the block is just a transaction. On the connection
    reads take (a replica inside `alloy.replicas.on_a_replica`)."""
    database = read_connection()
    nested = database.in_atomic_block
    with transaction.atomic(using=database.alias):
        if database.vendor != "postgresql":
            yield
            return
        with database.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true), set_config(%s, %s, true)", [setting, setting, value])
            before = cursor.fetchone()[0] or ""
        yield
        # Only without an exception (a savepoint's rollback restores the setting), and only inside an
        # enclosing transaction (a transaction of the block's own takes the setting with it).
        if nested and before != value:
            with database.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [setting, before])


def is_read(sql: str) -> bool:
    """Whether a statement is a read as the ORM compiles them: `SELECT …`, `(SELECT …) UNION …` (a
    combined query) or `WITH … SELECT` (no data-modifying CTE is ever written here)."""
    words = sql.lstrip(" \n\t(").split(None, 1)
    return bool(words) and words[0].upper() in ("SELECT", "WITH")


class WalledReads:
    """The execute wrapper behind `walled_reads`. `condition_held` is False once any read found the
    condition false; `checks` says whether any read (hence any check) was made at all."""

    def __init__(self, workspace_id: int, condition: str, condition_params: Sequence[Any]) -> None:
        self.workspace = str(int(workspace_id))
        self.condition = condition
        self.condition_params = list(condition_params)
        # SQL from our code only (the condition too); every value travels as a parameter. The reads are
        # key lookups and keyset pages, sent as server-side prepared statements (alloy/settings.py): a
        # generic plan fits them, and planning cost more than running them (measured: 0.25 ms a call).
        # Both settings end with the read's transaction (or, inside one, with its savepoint).
        # Reads inside `planned_for_their_values()` get PostgreSQL's default instead (see there).
        self.walls = {
            plan_mode: (
                "SELECT set_config(%s, CASE WHEN held THEN %s ELSE %s END, true), held, "  # noqa: S608
                f"set_config('plan_cache_mode', '{plan_mode}', true) "
                f"FROM (SELECT {condition} AS held) AS condition"
            )
            for plan_mode in ("force_generic_plan", "auto")
        }
        self.condition_held = True
        self.checks = 0

    def __call__(self, execute, sql: str, params: Sequence[Any] | None, many: bool, context: dict[str, Any]):
        wall_sql = self.walls["auto" if _planned_for_their_values.get() else "force_generic_plan"]
        if sql is wall_sql or sql in _SAVEPOINT_STATEMENTS:  # our own, on their way through the wrappers
            return execute(sql, params, many, context)
        if many or not is_read(sql):
            raise RuntimeError(f"Only single reads may run behind walled_reads, not: {sql[:80]}")
        database = context["connection"]
        # One pipeline, one Sync: the wall and the read share one implicit transaction and one round trip.
        # In a transaction, rolling back to the savepoint undoes the wall's settings (a read has nothing
        # else to undo), where a release would keep them for the rest of the transaction.
        in_transaction = database.in_atomic_block
        with database.cursor() as wall, database.cursor() as savepoint:
            try:
                with database.wrap_database_errors, database.connection.pipeline():
                    if in_transaction:
                        savepoint.execute(_SAVEPOINT_OPEN)
                    wall.execute(wall_sql, [SETTING, self.workspace, SHUT, *self.condition_params])
                    result = execute(sql, params, many, context)
                    if in_transaction:
                        _close_savepoint(savepoint)
            except Exception:
                if in_transaction:  # the failed read left the transaction aborted: back to before it
                    _close_savepoint(savepoint)
                raise
            self.condition_held = self.condition_held and bool(wall.fetchone()[1])
        self.checks += 1
        return result

    def check_condition(self) -> None:
        """The condition alone, once, on the primary: without row-level security (SQLite, `make run`), or
        before reads on a replica."""
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(f"SELECT {self.condition}", self.condition_params)
            self.condition_held = bool(cursor.fetchone()[0])
        self.checks += 1


_SAVEPOINT_OPEN = "SAVEPOINT alloy_walled_read"
_SAVEPOINT_UNDO = "ROLLBACK TO SAVEPOINT alloy_walled_read"
_SAVEPOINT_RELEASE = "RELEASE SAVEPOINT alloy_walled_read"
_SAVEPOINT_STATEMENTS = (_SAVEPOINT_OPEN, _SAVEPOINT_UNDO, _SAVEPOINT_RELEASE)


def _close_savepoint(cursor: Any) -> None:
    cursor.execute(_SAVEPOINT_UNDO)
    cursor.execute(_SAVEPOINT_RELEASE)


_planned_for_their_values: ContextVar[bool] = ContextVar("planned_for_their_values", default=False)


@contextmanager
def planned_for_their_values() -> Iterator[None]:
    """Walled reads inside this block are planned for the values they are sent with, not with the
    generic plan walled reads are otherwise held to. For reads whose best plan depends on what is asked
    (a search: a rare word has a few candidates, a common one thousands): with a generic plan the file
    search of a three-file session cost 10 ms, planned for its words 1 ms (measured under make bench)."""
    token = _planned_for_their_values.set(True)
    try:
        yield
    finally:
        _planned_for_their_values.reset(token)


@contextmanager
def walled_reads(
    *, workspace_id: int, condition: str = "TRUE", condition_params: Sequence[Any] = ()
) -> Iterator[WalledReads]:
    """Run the reads inside this block behind the workspace's wall, one round trip each (see above).

    `condition` is an SQL boolean expression (with `%s` for `condition_params`) checked with every
    read; only reads may run inside.
    """
    database = read_connection()
    reads = WalledReads(workspace_id, condition, condition_params)
    if database.vendor != "postgresql":
        reads.check_condition()
        yield reads
        return
    if database.alias != DEFAULT_DB_ALIAS:
        # On a replica (alloy/replicas.py) the condition — a credential's liveness — is checked once, on the
        # primary, where a revocation is the moment it commits; the replica's reads get the wall alone,
        # shut if the check failed. One round trip more, on the primary, and none of the standby's lag.
        reads.check_condition()
        checked = reads
        reads = WalledReads(int(workspace_id) if checked.condition_held else int(SHUT), "TRUE", ())
        reads.condition_held, reads.checks = checked.condition_held, checked.checks
    # Not `connection.execute_wrapper()`: it pops the last wrapper, which may be another one added meanwhile.
    database.execute_wrappers.append(reads)
    try:
        yield reads
    finally:
        database.execute_wrappers.remove(reads)
