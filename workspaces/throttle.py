"""Throttles for the web side (sign-in; the OAuth endpoints count here too and answer in OAuth's format,
mcp_gateway/oauth/views.py), counted in the cache every process shares (Redis with REDIS_URL). /mcp has
its own, cheaper per call: mcp_gateway/transport/rate_limits.py.
If the cache cannot be reached, each process counts alone (as /mcp does) and logs one warning a minute:
a broken cache never turns a token refresh or a registration into an error.

The client address is REMOTE_ADDR: the server (uvicorn/gunicorn) sets it from X-Forwarded-For only for
the proxies listed in FORWARDED_ALLOW_IPS, so a client cannot choose the address it is counted under.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from redis.exceptions import RedisError

from alloy import metrics
from alloy.fixed_window import FixedWindow

logger = logging.getLogger(__name__)
WARNING_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    # 0.0.0.0, "no address", for requests made without one (Django's force_login in tests).
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a value, not a bind address


class LocalCounts:
    """What this process counted, per throttle key, while the shared cache could not be reached."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[float, int]] = {}  # key: (when its window ends, count)
        self._lock = threading.Lock()
        self._warned_at = -math.inf

    def incr(self, key: str, window_ends: float, error: Exception) -> int:
        with self._lock:
            now = time.time()
            if time.monotonic() - self._warned_at >= WARNING_SECONDS:
                self._warned_at = time.monotonic()
                self._counts = {k: entry for k, entry in self._counts.items() if entry[0] > now}  # past windows go
                logger.warning("Throttles counted in this process alone: the shared cache is unreachable (%s)", error)
            count = self._counts.get(key, (window_ends, 0))[1] + 1
            self._counts[key] = (window_ends, count)
            return count


local_counts = LocalCounts()


def over_limit(bucket: str, *, limit: int, window: FixedWindow) -> int | None:
    """Count one event in `bucket`'s current window; the seconds to wait if it is over `limit`."""
    key = f"alloy:throttle:{bucket}:{window.number()}"
    try:
        cache.add(key, 0, window.seconds)
        count = cache.incr(key)
    except RedisError as error:
        count = local_counts.incr(key, window.ends_at(), error)
    if count <= limit:
        return None
    return window.retry_after()


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The account a sign-in attempt is for, as django-axes counts it: emails are case-insensitive, and
    no address is longer than 254 characters (django-axes stores 255; a longer guess was a 500)."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return username.strip().lower()[:254]


def login_locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' answer once an account is locked for an address: a page that says so, and when."""
    metrics.sign_in_lockouts.inc()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
