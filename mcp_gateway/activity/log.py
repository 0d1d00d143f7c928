"""The activity log's writer: every tool call and resource read is recorded without waiting for the database.

A call appends one small record to this process's buffer (microseconds, no I/O). A thread writes the
buffer about once a second (FLUSH_SECONDS) after the first record arrives — on PostgreSQL one INSERT of
the whole batch, its columns sent as arrays (COPY, a tenth of the cost of building model instances, is
refused under the row-level security the log is behind: mcp_gateway migration 0009), one executemany
elsewhere — and sleeps while there is nothing to write. The lifespan's shutdown writes
what is left, so a graceful stop or restart loses nothing.

What a crash can lose: the records of the last second before it (of the whole outage, if the database
was unreachable: they wait in memory, at most MAX_PENDING of them, oldest dropped first and counted in
a warning). A record whose workspace or credential was deleted meanwhile, or that the database refuses
for its data, is skipped alone (and counted in a warning): the rest of its batch is written row by row.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
)
from django.db.models import Field
from django.utils import timezone

from alloy import metrics
from alloy.log_format import FIELDS
from mcp_gateway.auth.caller import Caller
from mcp_gateway.auth.credentials import not_live_message
from mcp_gateway.auth.principal import Principal
from mcp_gateway.models import McpCall, McpKey
from sessions_app.errors import InvalidSessionLink
from sessions_app.links import parse_session_ref
from sessions_app.storable import storable

logger = logging.getLogger(__name__)
request_log = logging.getLogger("alloy.requests")

FLUSH_SECONDS = 1.0
MAX_PENDING = 200_000


class CallRecord(NamedTuple):
    """One call, its fields in the order of the columns they are written to."""

    at: datetime
    workspace_id: int
    mcp_key_id: int | None
    application_id: int | None
    user_id: int | None
    credential: str
    tool: str
    session_id: str
    outcome: str
    duration_ms: float
    reason: str


_TABLE = McpCall._meta.db_table


def _column(name: str) -> str:
    field = McpCall._meta.get_field(name)
    assert isinstance(field, Field)
    assert field.column
    return field.column


_COLUMNS = ", ".join(_column(name) for name in CallRecord._fields)
_INSERT = f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES ({', '.join(['%s'] * len(CallRecord._fields))})"  # noqa: S608


def _batch_insert() -> str:
    """One INSERT of many rows: each column's values as one array parameter, unnested side by side."""
    arrays = []
    for name in CallRecord._fields:
        field = McpCall._meta.get_field(name)
        assert isinstance(field, Field)
        arrays.append(f"%s::{field.db_type(connection)}[]")  # a foreign key: its target's type
    return f"INSERT INTO {_TABLE} ({_COLUMNS}) SELECT * FROM unnest({', '.join(arrays)})"  # noqa: S608


class ActivityLog:
    def __init__(self) -> None:
        self._pending: deque[CallRecord] = deque()
        self._dropped = 0
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()

    def record(self, entry: CallRecord) -> None:
        """Queue one call for writing (any thread; returns at once)."""
        if len(self._pending) >= MAX_PENDING:
            self._pending.popleft()
            self._dropped += 1
            metrics.activity_dropped.inc()
        self._pending.append(entry)
        metrics.activity_backlog.set(len(self._pending))
        if self._thread is None:
            self._start()
        self._wake.set()

    def flush(self) -> int:
        """Write everything queued now (the writer thread, a shutdown, a test); how many were written."""
        with self._flush_lock:
            taken: list[CallRecord] = []
            while self._pending and len(taken) < MAX_PENDING:
                taken.append(self._pending.popleft())
            if not taken:
                return 0
            try:
                written = self._write(taken)
            except (OperationalError, InterfaceError) as error:
                self._pending.extendleft(reversed(taken))  # kept for the next try, in order
                self._wake.set()
                logger.warning("Activity log not written yet, %d calls wait: %s", len(self._pending), error)
                return 0
            finally:
                connections["default"].close()  # back to the pool: this thread sleeps between writes
            if self._dropped:
                logger.warning("Activity log: %d calls were dropped while the database was unreachable", self._dropped)
                self._dropped = 0
            return written

    def _write(self, records: list[CallRecord]) -> int:
        try:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(_batch_insert(), [list(column) for column in zip(*records, strict=True)])
                else:
                    cursor.executemany(_INSERT, records)
            return len(records)
        except (IntegrityError, DataError):
            written = 0
            for record in records:  # one whose workspace, key or app is gone, or whose data is refused, fails alone
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(_INSERT, record)
                    written += 1
                except (IntegrityError, DataError) as error:
                    logger.warning("Activity log: one call of workspace %s not written: %s", record.workspace_id, error)
            return written

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="alloy-activity-log", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(FLUSH_SECONDS)  # gather a second's calls into one write
            self._wake.clear()
            try:
                self.flush()
            except DatabaseError:
                logger.exception("Activity log write failed")
            metrics.activity_backlog.set(len(self._pending))
            metrics.sample_pool()  # about once a second while calls come in


activity_log = ActivityLog()


def record_forbidden(principal: Principal, sentence: str) -> None:
    """A request its workspace's MCP policy refused before it was read (MCP off, the credential's kind or app
    not accepted, a key from outside the networks), in the workspace's log with the sentence its caller got."""
    _record(principal, tool="", session_id="", outcome=McpCall.Outcome.REFUSED, seconds=0.0, reason=sentence)


def record_refused_key(key: McpKey) -> None:
    """A request refused at the door with a key that was revoked or has expired, in its workspace's log
    (no tool: the request was not read), so an owner sees which key is still in use."""
    activity_log.record(
        CallRecord(
            at=timezone.now(),
            workspace_id=key.workspace_id,
            mcp_key_id=key.pk,
            application_id=None,
            user_id=None,
            credential=storable(str(key), max_length=200),
            tool="",
            session_id="",
            outcome=McpCall.Outcome.REFUSED,
            duration_ms=0.0,
            reason=_refused_key_reason(key),
        )
    )


def _refused_key_reason(key: McpKey) -> str:
    """Why the door refused a key, for its owner: revoked or expired, and when."""
    if key.revoked_at is not None:
        return f"The key was revoked on {key.revoked_at:%Y-%m-%d %H:%M} UTC."
    if key.expires_at is not None:
        return f"The key expired on {key.expires_at:%Y-%m-%d %H:%M} UTC."
    return "The key is no longer live."


def record_request(
    caller: Caller, *, method: str, session_ref: str | None, outcome: str, seconds: float, reason: str = ""
) -> None:
    """Record one tool call or resource read (`method`: the tool's name, or "resources/read") in the
    workspace's activity log, naming the session it asked about when `session_ref` is one, and `reason`:
    what the caller was told when it was not answered. A request whose credential was refused, that the
    workspace's MCP policy forbade, or that the database failed, is recorded so whatever `outcome` the handler
    saw."""
    caller.recorded = True
    if caller.refused:
        outcome, reason = McpCall.Outcome.REFUSED, not_live_message(caller.principal)
    elif caller.forbidden:
        outcome, reason = McpCall.Outcome.REFUSED, caller.forbidden
    elif caller.database_outage:
        outcome, reason = McpCall.Outcome.UNAVAILABLE, caller.database_outage
    # What the metrics and the request log may name: a caller's made-up tool name is "unknown".
    kind = "resources/read" if method == "resources/read" else "tools/call"
    tool = method if method in metrics.known_methods else "unknown"
    metrics.count_request(method=kind, tool=tool, outcome=outcome, seconds=seconds)
    principal = caller.principal
    try:
        session_id = parse_session_ref(session_ref).session_id if session_ref else ""
    except InvalidSessionLink:
        session_id = ""
    if settings.LOG_FORMAT == "json":  # a line a request, for log pipelines (alloy/log_format.py)
        fields = {
            "request_id": caller.request_id,
            "method": kind,
            "tool": tool,
            "outcome": outcome,
            "duration_ms": round(seconds * 1000, 3),
            "workspace": principal.workspace.slug,
            "credential": principal.credential_kind,
            "session_id": session_id or None,
        }
        request_log.info("mcp request", extra={FIELDS: fields})
    _record(principal, tool=method, session_id=session_id, outcome=outcome, seconds=seconds, reason=reason)


def _record(principal: Principal, *, tool: str, session_id: str, outcome: str, seconds: float, reason: str) -> None:
    activity_log.record(
        CallRecord(
            at=timezone.now(),
            workspace_id=principal.workspace.pk,
            mcp_key_id=principal.credential_id if principal.credential_kind == "mcp_key" else None,
            application_id=principal.application_id,
            user_id=principal.user_id,
            # What a caller chose (a tool name) or named (a key) is made storable: a NUL in one record would
            # fail the whole batch of everyone's records written with it.
            credential=storable(principal.label, max_length=200),
            tool=storable(tool, max_length=64),
            session_id=session_id,
            outcome=outcome,
            duration_ms=round(seconds * 1000, 3),
            reason=storable(reason, max_length=300) if reason else "",
        )
    )
