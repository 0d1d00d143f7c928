"""gunicorn for production: N worker processes, each the ASGI front door under uvicorn.

    make serve                                    # migrate, collectstatic, then this
    gunicorn -c alloy/gunicorn.conf.py alloy.asgi:application

Every worker is independent (stateless MCP, credentials confirmed in PostgreSQL on each request), so
workers can be added, restarted (SIGHUP reloads them one by one) or spread over hosts freely.
Sizing (README, "How it scales"): WEB_CONCURRENCY workers per host, each with
ALLOY_MCP_WORKER_THREADS tool threads and a pool of DATABASE_POOL_MAX_SIZE connections.
"""

import os
import tempfile
from typing import Any

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104 - behind a proxy
# One worker per core: each is an event loop plus threads that mostly wait on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "uvicorn_worker.UvicornWorker"
# A request is a tool call: well under a second. A restarting worker gets this long to finish its own.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
timeout = int(os.environ.get("WORKER_TIMEOUT", "60"))
keepalive = 5
# X-Forwarded-* are believed only from these addresses (the load balancer or proxy in front).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log here: it would print query strings, where some clients put credentials. Log requests
# at the proxy, without query strings, if you need them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Prometheus multiprocess mode (alloy/metrics.py): each worker writes its samples to files here, and a
# scrape of any worker sums the live ones. Set before the workers start (they import prometheus_client);
# emptied at each start so counts of a previous run do not come back.
metrics_directory = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"alloy-metrics-{os.getpid()}")
)


def on_starting(server: object) -> None:
    os.makedirs(metrics_directory, exist_ok=True)
    for name in os.listdir(metrics_directory):
        os.remove(os.path.join(metrics_directory, name))


def child_exit(server: object, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
