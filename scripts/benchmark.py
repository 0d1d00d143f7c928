"""Benchmark the MCP tools against a real uvicorn server: median and p99 per call, with ratios.

    make bench            # or: .venv/bin/python scripts/benchmark.py [--requests 200]

It builds its own PostgreSQL database (alloy_bench), loads one 60,000-message session and one
5,000-file dev session, starts `uvicorn alloy.asgi:application` (one worker) and times each call
sequentially. The baseline is `tools/list` (auth and protocol, no session reads) measured in the same
run; "first" and "last" pages show that keyset pages cost the same wherever they are.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "alloy_bench"
PORT = 8765
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "alloy.settings",
    "DATABASE_URL": f"postgres://alloy@127.0.0.1:5432/{DATABASE}",  # not a superuser: row-level security applies
    "SECRET_KEY": "benchmark-only-secret",
    "ALLOY_PUBLIC_URL": f"http://127.0.0.1:{PORT}",
}


def prepare() -> str:
    """Create the database and data in a child process; return a fresh key."""
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"], check=True
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DATABASE} OWNER alloy"], check=True
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=ENV, check=True)
    script = """
from sessions_app.models import Message, Session, SessionFile, Blob
from workspaces.models import Workspace
import hashlib
ws = Workspace.objects.create(slug="bench", name="Bench")
chat = Session.objects.create(workspace=ws, public_id="benchChat0000001", kind="prototype", title="Long chat")
Message.objects.bulk_create((Message(session=chat, index=i, role="user" if i % 2 else "assistant",
    content=f"message {i}: " + "lorem ipsum dolor sit amet " * 8) for i in range(60_000)), batch_size=5000)
dev = Session.objects.create(workspace=ws, public_id="benchDev00000001", kind="dev", title="Big change")
blobs = []
for n in range(5000):
    for side in ("before", "after"):
        text = "".join(f"line {k} of file {n} {side if k == 20 else ''}\\n" for k in range(40))
        blobs.append(Blob(digest=hashlib.sha256(text.encode()).hexdigest(), size=len(text), text=text, line_count=40))
Blob.objects.bulk_create(blobs, batch_size=2000)
ids = dict(Blob.objects.values_list("digest", "id"))
SessionFile.objects.bulk_create((SessionFile(session=dev, path=f"src/mod{n:04}.py", language="python",
    status="modified", before_id=ids[blobs[2 * n].digest], after_id=ids[blobs[2 * n + 1].digest],
    additions=1, deletions=1) for n in range(5000)), batch_size=2000)
"""
    subprocess.run([*manage, "shell", "-c", script], cwd=ROOT, env=ENV, check=True)
    # What autovacuum does in production: planner statistics and the visibility map.
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "alloy", "-d", DATABASE, "-qc", "VACUUM ANALYZE"], check=True)
    out = subprocess.run(
        [*manage, "create_mcp_key", "bench", "--name", "bench"],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def cursor(list_name: str, *position) -> str:
    sys.path.insert(0, str(ROOT))
    from mcp_gateway.cursors import encode_cursor

    return encode_cursor(list_name, *position)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="Calls per row (default 200).")
    arguments = parser.parse_args()
    key = prepare()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "alloy.asgi:application", "--port", str(PORT), "--log-level", "warning"],
        cwd=ROOT,
        env=ENV,
    )
    try:
        run(key, arguments.requests)
    finally:
        server.terminate()
        server.wait()


def run(key: str, requests: int) -> None:
    url = f"http://127.0.0.1:{PORT}/mcp"
    headers = {
        "X-MCP-API-Key": key,
        "content-type": "application/json",
        "accept": "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
    }
    rows = [
        ("baseline: tools/list", "tools/list", None),
        ("get_session", "get_session", {"session": "benchChat0000001"}),
        ("chat, first page (100)", "get_chat_history", {"session": "benchChat0000001", "limit": 100}),
        (
            "chat, last page (100)",
            "get_chat_history",
            {"session": "benchChat0000001", "limit": 100, "cursor": cursor("messages", 59_900, 0)},
        ),
        ("files, first page (200)", "list_session_files", {"session": "benchDev00000001"}),
        (
            "files, last page (200)",
            "list_session_files",
            {"session": "benchDev00000001", "cursor": cursor("files", "src/mod4800.py")},
        ),
        ("diffs, first page", "get_file_diff", {"session": "benchDev00000001"}),
        (
            "diffs, last page",
            "get_file_diff",
            {"session": "benchDev00000001", "cursor": cursor("diffs", "src/mod4990.py", 0)},
        ),
    ]
    with httpx2.Client(headers=headers, timeout=30) as client:
        for _ in range(300):  # wait for the server to answer
            try:
                client.get(f"http://127.0.0.1:{PORT}/admin/login/")
                break
            except httpx2.TransportError:
                time.sleep(0.1)
        results = []
        for label, method, params in rows:
            body = (
                {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
                if params is None
                else {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "tools/call",
                    "params": {"name": method, "arguments": params},
                }
            )
            timings = []
            for number in range(requests + 10):
                started = time.perf_counter()
                response = client.post(url, json=body)
                elapsed = time.perf_counter() - started
                response.raise_for_status()
                if "error" in response.json() or response.json()["result"].get("isError"):
                    raise SystemExit(f"{label} failed: {response.text[:500]}")
                if number >= 10:  # warm-up
                    timings.append(elapsed * 1000)
            timings.sort()
            results.append((label, statistics.median(timings), timings[int(len(timings) * 0.99) - 1]))
    base = results[0][1]
    print(f"\n{requests} sequential calls per row, one uvicorn worker, PostgreSQL; times in ms")
    print(f"{'call':<26} {'median':>8} {'p99':>8} {'x baseline':>11}")
    for label, median, p99 in results:
        print(f"{label:<26} {median:8.2f} {p99:8.2f} {median / base:11.2f}")


if __name__ == "__main__":
    main()
