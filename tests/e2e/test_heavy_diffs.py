"""No diff stalls anyone (the issue's finding, kept as a test): eight callers reading eight cold diffs of a
12,000-line lock file at once, against a real server process, while another workspace reads a session.

Measured before libgit2: one such diff held a worker thread for 24.5-36.8 s (difflib on repetitive lines), and
a get_session of another workspace sent meanwhile waited 228.6 s behind eight of them. The bound here is
generous for a busy CI machine; `make bench` prints the figures.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest

from mcp_gateway.keys.services import mcp_key_create
from sessions_app.documents import parse_document
from sessions_app.services import session_import
from tests import session_shapes
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

CALLERS = 8
# Far over what the call takes here (tens of milliseconds), far under what it took (minutes).
BOUND_SECONDS = 10


def call(base_url: str, key: str, name: str, arguments: dict) -> tuple[float, dict]:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
    headers = {
        "X-MCP-API-Key": key,
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-11-25",
    }
    started = time.perf_counter()
    response = httpx2.post(f"{base_url}/mcp", json=body, headers=headers, timeout=300)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert not result.get("isError"), result
    return elapsed, result["structuredContent"]


def test_eight_cold_lock_file_diffs_leave_another_workspace_answered(server, workspace, other_workspace):
    sessions = []
    for n in range(CALLERS):
        document = {
            "workspace": workspace.slug,
            "id": f"heavy-lock-{n:02}",
            "kind": "dev",
            "title": "A lock file",
            "created_at": "2026-12-01T10:00:00Z",
            "messages": [],
            "files": [session_shapes.lock_file_change(seed=100 + n)],
        }
        session_import(document=parse_document(document))
        sessions.append(document["id"])
    keys = [mcp_key_create(workspace=workspace, name=f"caller {n}").key for n in range(CALLERS)]
    elsewhere = SessionFactory(workspace=other_workspace)
    other_key = mcp_key_create(workspace=other_workspace, name="elsewhere").key

    with ThreadPoolExecutor(CALLERS + 1) as pool:
        diffs = [
            pool.submit(
                call,
                server,
                keys[n],
                "get_file_diff",
                {"session": sessions[n], "path": "package-lock.json", "full": True},
            )
            for n in range(CALLERS)
        ]
        time.sleep(0.02)
        other_seconds, other = pool.submit(
            call, server, other_key, "get_session", {"session": elsewhere.public_id}
        ).result()
        results = [future.result() for future in diffs]
    assert other["id"] == elsewhere.public_id
    assert other_seconds < BOUND_SECONDS
    for seconds, result in results:
        [diff] = result["diffs"]
        assert seconds < BOUND_SECONDS
        # The whole change, exactly: each moved package changes its version, resolved URL and integrity.
        assert (diff["additions"], diff["deletions"]) == (265 * 3, 265 * 3)
        assert diff["diff"].startswith("--- a/package-lock.json\n+++ b/package-lock.json\n@@ ")
