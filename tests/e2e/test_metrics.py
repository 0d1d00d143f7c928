"""/metrics as ops use it: refused without its token, and a real Prometheus (Debian's) scraping two gunicorn
workers under a small load computes a per-tool p99 from what they export."""

import json
import subprocess
import threading
import time

import httpx2
import pytest

from mcp_gateway.keys.services import mcp_key_create
from tests.e2e.chromium import ARTIFACTS
from tests.e2e.conftest import free_port, start_gunicorn

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "metrics-token-for-the-e2e-test-0123456789"
HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"}


@pytest.fixture
def served(tmp_path, static_root):
    """(base URL, MCP key) of gunicorn with two workers exporting metrics."""
    master, port = start_gunicorn(
        tmp_path / "gunicorn.log",
        static_root,
        ALLOY_METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    yield f"http://127.0.0.1:{port}"
    master.terminate()
    master.wait(timeout=20)


@pytest.fixture
def prometheus(tmp_path, served):
    """The base URL of a Prometheus scraping `served` every second with the token."""
    port = free_port()
    config = tmp_path / "prometheus.yml"
    target = served.removeprefix("http://")
    config.write_text(
        json.dumps(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "scrape_configs": [
                    {
                        "job_name": "alloy",
                        "metrics_path": "/metrics",
                        "authorization": {"credentials": TOKEN},
                        "static_configs": [{"targets": [target]}],
                    }
                ],
            }
        )
    )
    log = (tmp_path / "prometheus.log").open("w")
    process = subprocess.Popen(
        [
            "/usr/bin/prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx2.get(f"{base}/-/ready", timeout=1).status_code == 200:
                break
        except httpx2.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail((tmp_path / "prometheus.log").read_text()[-3000:])
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=20)
    log.close()


def test_metrics_are_a_missing_page_without_their_token(served):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = httpx2.get(f"{served}/metrics", headers=headers)
        assert response.status_code == 404
        assert "alloy_" not in response.text


def test_prometheus_computes_a_per_tool_p99_from_both_workers(served, prometheus, workspace, owner, prototype):
    key = mcp_key_create(workspace=workspace, name="load", created_by=owner).key
    calls = {"made": 0}
    stop = threading.Event()

    def load() -> None:
        with httpx2.Client(headers=HEADERS | {"X-MCP-API-Key": key}, timeout=10) as client:
            while not stop.is_set():
                for number, (tool, arguments) in enumerate(
                    [("get_session", {"session": prototype.public_id}), ("list_sessions", {}), ("nope", {})]
                ):
                    body = {"jsonrpc": "2.0", "id": number, "method": "tools/call"}
                    body["params"] = {"name": tool, "arguments": arguments}
                    client.post(f"{served}/mcp", json=body)
                    calls["made"] += 1

    threads = [threading.Thread(target=load) for _ in range(4)]  # new connections land on both workers
    for thread in threads:
        thread.start()
    try:
        p99 = query_until(
            prometheus,
            "histogram_quantile(0.99, sum by (le, tool) (rate(alloy_mcp_request_duration_seconds_bucket[20s])))",
            lambda result: {"get_session", "list_sessions"} <= {series["metric"].get("tool") for series in result},
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    by_tool = {series["metric"]["tool"]: float(series["value"][1]) for series in p99}
    assert 0 < by_tool["get_session"] < 5
    assert 0 < by_tool["list_sessions"] < 5
    assert "nope" not in by_tool  # a tool a caller made up is "unknown": callers cannot add series
    scraped = httpx2.get(f"{served}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    ok = sum(
        float(line.rsplit(" ", 1)[1])
        for line in scraped.splitlines()
        if line.startswith("alloy_mcp_requests_total{") and 'outcome="ok"' in line
    )
    assert ok >= calls["made"] * 2 / 3 - 50  # both workers' counts, summed (a few calls land after the scrape)
    for name in ("alloy_credential_cache_lookups_total", "alloy_db_pool_connections", "alloy_activity_log_backlog"):
        assert name in scraped
    ARTIFACTS.mkdir(exist_ok=True)
    excerpt = [line for line in scraped.splitlines() if line.startswith(("alloy_mcp_requests_total", "# HELP alloy"))]
    (ARTIFACTS / "metrics-scrape.txt").write_text("\n".join(excerpt) + f"\n\np99 by tool (Prometheus): {by_tool}\n")


def query_until(prometheus: str, query: str, ready, seconds: float = 40) -> list:
    deadline = time.monotonic() + seconds
    while True:
        result = httpx2.get(f"{prometheus}/api/v1/query", params={"query": query}).json()["data"]["result"]
        if ready(result) or time.monotonic() > deadline:
            return result
        time.sleep(1)
