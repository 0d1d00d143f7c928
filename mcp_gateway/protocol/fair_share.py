"""Each credential's fair share of a process's tool threads.

A process runs tool work in ALLOY_MCP_WORKER_THREADS threads (workers.py). Without a share, one caller
sending many slow calls at once (large diffs, maps of a large codebase) would hold every thread, and
everyone else's calls would queue behind it. So one credential may have at most
ALLOY_MCP_CALLS_PER_CREDENTIAL tool calls running in a process at once. A call past that waits for one of
its credential's own slots, briefly (WAIT_SECONDS) and in a short line (QUEUED_PER_SLOT a slot): a burst of
quick calls is served in turn, while a caller whose calls are slow is answered at once, or within that
second, with a result saying so and when to try again — never by a queue that grows. Counted on the event
loop (calls are admitted there), so no lock is needed; each process counts its own, as each has its own
threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from django.conf import settings

from mcp_gateway.auth.principal import Principal

RETRY_AFTER_SECONDS = 1
WAIT_SECONDS = 1.0
QUEUED_PER_SLOT = 8


class OverFairShare(Exception):
    """The credential already runs, and has waiting, as many tool calls in this process as it may."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"Busy: this credential already has {limit} tool calls running here, the most one credential may"
            f" run at once. Retry in {RETRY_AFTER_SECONDS} s, or make fewer calls at the same time."
        )


@dataclass
class _Share:
    slots: asyncio.Semaphore
    users: int = field(default=0)  # calls running or waiting for a slot


# By credential and the limit it was made with (a changed setting starts a new share).
_shares: dict[tuple[str, int, int], _Share] = {}


@asynccontextmanager
async def fair_share(principal: Principal) -> AsyncIterator[None]:
    """Hold one of `principal`'s credential's slots while the block runs, waiting briefly for one; raise
    OverFairShare when none comes free in time, or too many calls already wait."""
    limit = settings.ALLOY_MCP_CALLS_PER_CREDENTIAL
    key = (principal.credential_kind, principal.credential_id, limit)
    share = _shares.get(key) or _shares.setdefault(key, _Share(asyncio.Semaphore(limit)))
    if share.users >= limit * (1 + QUEUED_PER_SLOT):
        raise OverFairShare(limit)
    share.users += 1
    try:
        if share.slots.locked():
            try:
                await asyncio.wait_for(share.slots.acquire(), WAIT_SECONDS)
            except TimeoutError:
                raise OverFairShare(limit) from None
        else:
            await share.slots.acquire()  # free: taken at once, without a timer
        try:
            yield
        finally:
            share.slots.release()
    finally:
        share.users -= 1
        if not share.users:
            del _shares[key]
