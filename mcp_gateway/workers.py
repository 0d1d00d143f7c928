"""Running ORM work from async code: in worker threads, a bounded number at a time.

Django's async ORM wrappers send every call to one shared thread when there is no Django request
around them, which serialises all MCP traffic. Instead each unit of work (one tool call, one
credential check) runs in a thread of its own from a pool no larger than ALLOY_MCP_WORKER_THREADS,
and gives its database connection back to Django's pool when it ends, so a thread never sits on a
connection between calls.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio
from django.conf import settings
from django.db import close_old_connections, connections

P = ParamSpec("P")
R = TypeVar("R")

# One limiter per event loop: a limiter belongs to the loop that first uses it.
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()


def _capacity() -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(settings.ALLOY_MCP_WORKER_THREADS)
    return limiter


def _unit_of_work(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    close_old_connections()
    try:
        return fn(*args, **kwargs)
    finally:
        # Return this thread's connections to the pool (or close them without one).
        connections.close_all()


async def run_in_worker(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `fn(*args, **kwargs)` in a worker thread with its own database connection."""
    return await anyio.to_thread.run_sync(
        functools.partial(_unit_of_work, fn, *args, **kwargs), limiter=_capacity(), abandon_on_cancel=False
    )
