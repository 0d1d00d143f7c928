"""Rate limits on /mcp, shared by every process through Redis, at no Redis round trip per request.

Two limits, each a count per fixed one-minute window:

- calls per credential (MCP key or OAuth token, by its fingerprint): ALLOY_MCP_CALLS_PER_MINUTE;
- refused credentials per source address: ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE. While an address is
  over it, every request from it is answered 429 before any credential is looked at, so a guesser
  learns nothing more; a valid credential from another address is not affected.

Each process counts locally and, SYNC_SECONDS after a count, adds its counts to Redis in one pipeline
(`INCRBY` + `EXPIRE` per counter), reading back the totals of every process. A request is refused
when the last total read plus what this process counted since reaches the limit. Under steady traffic
the totals are never older than a sync, so a request costs a dictionary update; a total older than
two syncs (a key this process has not served for a while) is read from Redis first, one round trip.
The limit holds across processes to within what they serve in one sync.
Without REDIS_URL (`make run`) each process counts alone. If Redis fails, counting goes on locally and
one warning is logged a minute: a broken cache never refuses a call.

The source address is the ASGI client address: the server (uvicorn/gunicorn) replaces it with the
X-Forwarded-For address only for proxies listed in FORWARDED_ALLOW_IPS.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from alloy.fixed_window import FixedWindow

logger = logging.getLogger(__name__)

WINDOW = FixedWindow(seconds=60)
SYNC_SECONDS = 0.1


@dataclass
class Window:
    number: int
    synced: dict[str, int] = field(default_factory=dict)  # totals of every process, as last read
    read_at: dict[str, float] = field(default_factory=dict)  # when each total was read (monotonic)
    pending: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))  # counted here since


class SharedCounters:
    """Counts per key and minute, summed across processes through Redis (see the module's doc)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._window = Window(number=0)
        self._redis: aioredis.Redis | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sync_scheduled = False
        self._sync_task: asyncio.Task[None] | None = None
        self._warned_at = -math.inf

    def _current(self) -> Window:
        number = WINDOW.number()
        if number != self._window.number:
            self._window = Window(number=number)
        return self._window

    async def count(self, key: str) -> int:
        """This key's count in the current window, across processes."""
        window = self._current()
        if settings.REDIS_URL and time.monotonic() - window.read_at.get(key, -math.inf) > 2 * SYNC_SECONDS:
            await self._read(window, key)
        return window.synced.get(key, 0) + window.pending.get(key, 0)

    def add(self, key: str) -> None:
        self._current().pending[key] += 1
        self._schedule_sync()

    def _client(self) -> aioredis.Redis:
        loop = asyncio.get_running_loop()
        client = self._redis
        if loop is not self._loop or client is None:  # a client belongs to the loop it was made on
            # Timeouts: a Redis that does not answer is down (counting goes on locally), not a call that waits.
            client = aioredis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
            self._loop, self._redis = loop, client
        return client

    def _redis_key(self, window: Window, key: str) -> str:
        return f"alloy:rate:{self.name}:{window.number}:{key}"

    async def _read(self, window: Window, key: str) -> None:
        try:
            total = await self._client().get(self._redis_key(window, key))
        except (RedisError, OSError) as error:
            self._warn(error)
            total = None
        window.synced[key] = max(window.synced.get(key, 0), int(total or 0))
        window.read_at[key] = time.monotonic()

    def _schedule_sync(self) -> None:
        if self._sync_scheduled or not settings.REDIS_URL:
            return
        self._client()
        loop = asyncio.get_running_loop()
        self._sync_scheduled = True
        loop.call_later(SYNC_SECONDS, self._start_sync, loop)

    def _start_sync(self, loop: asyncio.AbstractEventLoop) -> None:
        # The loop keeps only a weak reference to a task: one nobody holds may be collected mid-sync.
        self._sync_task = loop.create_task(self._sync())

    def _warn(self, error: Exception) -> None:
        if time.monotonic() - self._warned_at > WINDOW.seconds:
            self._warned_at = time.monotonic()
            logger.warning("Rate limits are counted per process: Redis is unavailable (%s)", error)

    async def _sync(self) -> None:
        window = self._current()
        # What is sent stays counted as pending until Redis has answered with totals that include it:
        # a request checked while the pipeline is in flight must still see it.
        pending = dict(window.pending)
        self._sync_scheduled = False
        if not pending:
            return
        try:
            async with self._client().pipeline(transaction=False) as pipe:
                for key, hits in pending.items():
                    pipe.incrby(self._redis_key(window, key), hits)
                    pipe.expire(self._redis_key(window, key), WINDOW.seconds * 2)
                results = await pipe.execute()
        except (RedisError, OSError) as error:
            self._warn(error)
            results = [window.synced.get(key, 0) + hits for key, hits in pending.items() for _ in (0, 1)]
        now = time.monotonic()
        for (key, hits), total in zip(pending.items(), results[::2], strict=True):
            window.synced[key] = total  # every process's count, ours included
            window.read_at[key] = now
            window.pending[key] -= hits
            if not window.pending[key]:
                del window.pending[key]


calls = SharedCounters("calls")
failed_credentials = SharedCounters("failed-credentials")


@dataclass(frozen=True)
class Refusal:
    retry_after: int
    message: str
    limit: str  # which: "calls" or "refused_credentials" (alloy/metrics.py counts them apart)


async def check_call(credential_fingerprint: str) -> Refusal | None:
    """Count one call with this credential, unless it is over its limit."""
    limit = settings.ALLOY_MCP_CALLS_PER_MINUTE
    if limit <= 0:
        return None
    if await calls.count(credential_fingerprint) >= limit:
        seconds = WINDOW.retry_after()
        return Refusal(
            seconds, f"Too many calls with this credential: at most {limit} a minute; retry in {seconds} s.", "calls"
        )
    calls.add(credential_fingerprint)
    return None


async def check_address(address: str) -> Refusal | None:
    """Whether this address has sent too many refused credentials in this window."""
    limit = settings.ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE
    if limit <= 0 or await failed_credentials.count(address) < limit:
        return None
    seconds = WINDOW.retry_after()
    message = (
        f"Too many refused credentials from your address: at most {limit} a minute; retry in {seconds} s "
        "with a valid MCP key or access token."
    )
    return Refusal(seconds, message, "refused_credentials")


def record_refused_credential(address: str) -> None:
    if settings.ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE > 0:
        failed_credentials.add(address)
