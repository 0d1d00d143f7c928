"""Read replicas: the session reads of the tools and the pages go to a streaming standby of the primary.

`DATABASE_REPLICA_URLS` names the standbys (aliases replica_1, replica_2, … in alloy/settings.py). Code
asks for a replica by name, around a unit of reads: `on_a_replica(read)`. Inside it every ORM read and
every raw read that takes `read_connection()` goes to the chosen replica; writes, and everything outside
such a block (keys, OAuth, the activity log, the admin, commands), go to the primary. The credential's
liveness is checked on the primary (sessions_app/tenancy.walled_reads), so a revoked key is refused on
the very next request however far a standby lags; what lags is only what was written to the sessions.

A replica that cannot serve (down, unreachable, its pool timing out) is left out for
DATABASE_REPLICA_RETRY_SECONDS, and the unit of reads runs again on the primary: the caller sees the time
the replica's pool took to say so (DATABASE_POOL_TIMEOUT, 1 s by default), never an error. A replica
that is only busy (a statement past its budget) is an outage like the primary's: the same read would
be as slow there.

Below every app, like alloy/database.py.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.errors import LockNotAvailable, QueryCanceled

from alloy import metrics
from alloy.database import DATABASE_OUTAGE
from alloy.database_roles import operating

logger = logging.getLogger(__name__)
R = TypeVar("R")

_reading_from: ContextVar[str | None] = ContextVar("reading_from", default=None)
_left_out_until: dict[str, float] = {}
_left_out_lock = threading.Lock()
_turns = itertools.count()


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


def reading_from() -> str:
    """The alias the reads of this moment go to: the operations role's inside `every_workspace`
    (alloy/database_roles.py), a replica inside `on_a_replica`, else the primary."""
    return operating() or _reading_from.get() or DEFAULT_DB_ALIAS


def read_connection() -> BaseDatabaseWrapper:
    """The connection raw reads take (`read_connection().cursor()`), so they follow `on_a_replica` too."""
    return connections[reading_from()]


def available_replica() -> str | None:
    """A replica not left out, in turn (None: no replica, or none available: the primary)."""
    now = time.monotonic()
    available = [alias for alias in replicas() if _left_out_until.get(alias, 0.0) <= now]
    return available[next(_turns) % len(available)] if available else None


def leave_out(alias: str, error: BaseException) -> None:
    with _left_out_lock:
        _left_out_until[alias] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
    metrics.replica_fallbacks.labels(replica=alias).inc()
    logger.warning(
        "Replica %s failed (%s); reads go to the primary for %g s.",
        alias,
        str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
        settings.DATABASE_REPLICA_RETRY_SECONDS,
    )


@contextmanager
def _reading(alias: str) -> Iterator[None]:
    token = _reading_from.set(alias)
    try:
        yield
    finally:
        _reading_from.reset(token)


def on_a_replica(read: Callable[[], R]) -> R:
    """`read()` with its reads on a replica; on the primary when there is none, or (once more, whole)
    when the replica fails it for want of a working replica. `read` must only read: it may run twice."""
    alias = available_replica()
    if alias is None:
        return read()
    try:
        with _reading(alias):
            return read()
    except DATABASE_OUTAGE as error:
        if isinstance(error.__cause__, (QueryCanceled, LockNotAvailable)):
            raise  # busy, not broken: the primary would take as long
        leave_out(alias, error)  # its broken connection is closed when the request or unit of work ends
    return read()


class ReplicaRouter:
    """Reads inside `on_a_replica` to its replica; every write, and every other read, to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return _reading_from.get()

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True  # one database, copied: a row read on a replica is the primary's row

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # a standby takes its schema from the primary's WAL
