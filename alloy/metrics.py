"""What ops graph and alert on, in the Prometheus format (`/metrics`, behind ALLOY_METRICS_TOKEN).

Under gunicorn every worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR (alloy/gunicorn.conf.py
makes one at start), and a scrape of any worker sums them; under a single uvicorn (`make run`) the
process's own registry is read. Labels are closed sets (a tool name a caller made up is "unknown"), so a
caller cannot grow the number of series.

Below every app, like alloy/database.py: the apps import it to count, it imports none of them.
"""

from __future__ import annotations

import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

# The tool names and methods the server serves (mcp_gateway/protocol/server.py adds them as it is built).
known_methods: set[str] = {"resources/read"}

requests = Counter(
    "alloy_mcp_requests",
    "MCP tool calls and resource reads, by method, tool and outcome.",
    ["method", "tool", "outcome"],
)
request_seconds = Histogram(
    "alloy_mcp_request_duration_seconds",
    "Time from a tool call's or read's start to its answer, in seconds.",
    ["method", "tool"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
credential_cache = Counter(
    "alloy_credential_cache_lookups", "Credential cache lookups in this process, by result (hit, miss).", ["result"]
)
diff_cache = Counter("alloy_diff_cache_lookups", "Diff cache lookups, by result (hit, miss).", ["result"])
diff_cache_entries = Gauge(
    "alloy_diff_cache_entries", "Diffs held in the diff caches of the live processes.", multiprocess_mode="livesum"
)
pool_connections = Gauge(
    "alloy_db_pool_connections",
    "Database connections in the pools of the live processes, by state (open, idle, waiting requests).",
    ["state"],
    multiprocess_mode="livesum",
)
activity_backlog = Gauge(
    "alloy_activity_log_backlog", "Activity records waiting to be written.", multiprocess_mode="livesum"
)
activity_dropped = Counter(
    "alloy_activity_log_dropped", "Activity records dropped while the database could not take them."
)
rate_limited = Counter(
    "alloy_rate_limit_refusals", "Requests answered 429, by limit (calls, refused_credentials).", ["limit"]
)
replica_fallbacks = Counter(
    "alloy_db_replica_fallbacks", "Units of reads a replica failed, run again on the primary, by replica.", ["replica"]
)
sign_in_lockouts = Counter("alloy_sign_in_lockouts", "Sign-ins refused because an account is locked for an address.")


def count_request(*, method: str, tool: str, outcome: str, seconds: float) -> None:
    requests.labels(method=method, tool=tool, outcome=outcome).inc()
    request_seconds.labels(method=method, tool=tool).observe(seconds)


def sample_pool() -> None:
    """This process's connection pool as it is now (psycopg_pool's own counts)."""
    from django.db import connections

    pool = getattr(connections["default"], "pool", None)
    if pool is None:
        return
    stats = pool.get_stats()
    pool_connections.labels(state="open").set(stats.get("pool_size", 0))
    pool_connections.labels(state="idle").set(stats.get("pool_available", 0))
    pool_connections.labels(state="waiting").set(stats.get("requests_waiting", 0))


def exposition() -> bytes:
    """Every live process's samples (multiprocess mode), or this process's."""
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
