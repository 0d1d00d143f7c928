"""Following a running session from its page: the changes announced on commit (sessions_app/announce.py) as
server-sent events.

Each server process keeps one connection that LISTENs on the announcement channel, started when the first page
follows a session, and hands each announcement to the pages of this process that follow that session: one
connection a process however many pages are open, and every worker and host hears every write, whichever wrote
it. Each stream also reads its session's counts itself every FALLBACK_SECONDS: on SQLite (no announcements)
that is how it follows, and on PostgreSQL it is what heals a stream that missed an announcement while the
listening connection was being re-opened. A finished session's page opens no stream at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from psycopg.conninfo import make_conninfo

from sessions_app.announce import CHANNEL, SessionChange

logger = logging.getLogger(__name__)

FALLBACK_SECONDS = 15.0
POLL_SECONDS = 1.0  # without announcements (SQLite): how often a stream reads its session's counts
RECONNECT_SECONDS = 1.0
# A stream ends after this, and the browser opens the next one (EventSource reconnects by itself, `retry`):
# each opening checks the person and the session afresh, and a restarting worker is never held open by a page
# past gunicorn's graceful timeout (30 s).
STREAM_SECONDS = 25.0


class ChangeListener:
    """This process's LISTEN connection, and the queues of the streams following each session."""

    def __init__(self) -> None:
        self._followers: dict[int, set[asyncio.Queue[SessionChange]]] = {}
        self._task: asyncio.Task[None] | None = None

    def follow(self, session: int) -> asyncio.Queue[SessionChange]:
        queue: asyncio.Queue[SessionChange] = asyncio.Queue(maxsize=100)
        self._followers.setdefault(session, set()).add(queue)
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:  # a new loop: a test's
            self._task = loop.create_task(self._listen())
        return queue

    def unfollow(self, session: int, queue: asyncio.Queue[SessionChange]) -> None:
        followers = self._followers.get(session, set())
        followers.discard(queue)
        if not followers:
            self._followers.pop(session, None)

    async def _listen(self) -> None:
        while self._followers:
            try:
                async with await psycopg.AsyncConnection.connect(_conninfo(), autocommit=True) as db:
                    await db.execute(f"LISTEN {CHANNEL}")
                    async for notice in db.notifies():
                        self._hand_out(SessionChange.from_payload(notice.payload))
            except (psycopg.Error, OSError, ValueError, KeyError) as error:
                logger.warning("Listening for session changes stopped (%s); again in %s s", error, RECONNECT_SECONDS)
                await asyncio.sleep(RECONNECT_SECONDS)

    def _hand_out(self, change: SessionChange) -> None:
        for queue in self._followers.get(change.session, ()):
            with contextlib.suppress(asyncio.QueueFull):  # a stalled page: it catches up by its own read
                queue.put_nowait(change)


def _conninfo() -> str:
    """ALLOY_LISTEN_DATABASE_URL, or the default database's parameters, as psycopg takes them (a connection of
    its own: a pooled one cannot wait on LISTEN)."""
    if settings.ALLOY_LISTEN_DATABASE_URL:
        return settings.ALLOY_LISTEN_DATABASE_URL
    database = connections["default"].settings_dict
    options = database.get("OPTIONS", {})
    parameters: dict[str, Any] = {
        "dbname": database["NAME"],
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
        "host": database["HOST"] or None,
        "port": database["PORT"] or None,
        "sslmode": options.get("sslmode"),
        "application_name": "alloy-session-changes",
    }
    return make_conninfo(**{name: value for name, value in parameters.items() if value is not None})


listener = ChangeListener()


def event(name: str, change: SessionChange) -> str:
    data = {"messages": change.messages, "files": change.files, "status": change.status, "updated": change.updated}
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


async def session_change_events(first: SessionChange, read: Callable[[], SessionChange]) -> AsyncIterator[str]:
    """The stream a session page follows: its state now, then each change, until the session stops running (or
    the person may no longer read it: `read` says "gone"), or for STREAM_SECONDS. `read` reads the session's state
    afresh, the person's membership checked (in a thread: it queries the database)."""
    yield "retry: 1000\n\n"
    yield event("state", first)
    announced = connections["default"].vendor == "postgresql"
    queue = listener.follow(first.session) if announced else None
    last = first
    ends = asyncio.get_running_loop().time() + STREAM_SECONDS
    try:
        while last.status == "active" and (left := ends - asyncio.get_running_loop().time()) > 0:
            change: SessionChange | None = None
            if queue is not None:
                with contextlib.suppress(TimeoutError):
                    change = await asyncio.wait_for(queue.get(), timeout=min(FALLBACK_SECONDS, left))
            else:
                await asyncio.sleep(min(POLL_SECONDS, left))
            if change is None:  # no announcement: read it ourselves (and keep the connection open)
                change = await asyncio.to_thread(read)
                if change == last:
                    yield ": still running\n\n"
                    continue
            if change != last:
                last = change
                yield event("change", change)
    finally:
        if queue is not None:
            listener.unfollow(first.session, queue)
