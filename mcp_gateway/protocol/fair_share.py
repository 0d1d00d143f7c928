"""Each credential's fair share of a process's tool threads.

A process runs tool work in ALLOY_MCP_WORKER_THREADS threads (workers.py). Without a share, one caller
sending many slow calls at once (large diffs, outlines of a large codebase) would hold every thread, and
everyone else's calls would queue behind it. So one credential may have at most
ALLOY_MCP_CALLS_PER_CREDENTIAL tool calls running in a process at once; a call past that is answered at
once with a result saying so and when to try again, not queued. Counted on the event loop (calls are
admitted there), so no lock is needed; each process counts its own, as each has its own threads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from mcp_gateway.auth.principal import Principal

RETRY_AFTER_SECONDS = 1

_running: Counter[tuple[str, int]] = Counter()


class OverFairShare(Exception):
    """The credential already runs as many tool calls in this process as it may."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"Busy: this credential already has {limit} tool calls running here, the most one credential may"
            f" run at once. Retry in {RETRY_AFTER_SECONDS} s, or make fewer calls at the same time."
        )


@contextmanager
def fair_share(principal: Principal) -> Iterator[None]:
    """Hold one of `principal`'s credential's call slots while the block runs; raise OverFairShare when
    it has none left."""
    credential = (principal.credential_kind, principal.credential_id)
    limit = settings.ALLOY_MCP_CALLS_PER_CREDENTIAL
    if _running[credential] >= limit:
        raise OverFairShare(limit)
    _running[credential] += 1
    try:
        yield
    finally:
        _running[credential] -= 1
        if not _running[credential]:
            del _running[credential]
