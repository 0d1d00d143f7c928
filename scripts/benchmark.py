"""`make bench`: Alloy's tool calls against the floor of the `mcp` SDK itself, measured in one run.

    make bench                      # or: .venv/bin/python scripts/benchmark.py [--seconds 3] [--reuse]
    make bench BENCH_PORT=9765 BENCH_DATABASE=alloy_bench_ana   # two people on one machine

It builds its own PostgreSQL database (BENCH_DATABASE, default alloy_bench, owned by the non-superuser role `alloy`
and served as `alloy_serving`, so row-level security applies as in production), imports the sessions below
through the real import path, then starts three single-process uvicorn servers (Alloy on BENCH_PORT, default
8765, the floor and the plain build on the two ports after it), all pinned to core 0:

- the floor: `scripts/floor_server.py`, the SDK's `MCPServer` with one no-op tool, stateless, JSON
  responses, no auth, no database — what any server on this SDK costs per call on this machine;
- the plain build: `scripts/plain_server.py`, what a user would write instead — the SDK and the Django ORM
  through `sync_to_async`, the same key check, wall and page;
- Alloy: `alloy.asgi:application` with production settings.

wrk (installed with apt-get when missing) drives them from core 1 with a Lua script that counts any
non-200 answer, JSON-RPC error or `isError` result as an error. Each get_chat_history row is measured
in ROUNDS rounds of `--seconds`, alternating with the floor row it is compared with (same era, same
connections); the ratio is Alloy's calls/s over the floor's.

Sessions: a 20-message page of a 40-message chat (the "chat" rows), a 100,000-message chat (first vs
last page), a 10-file, a 200-file and a 5,000-file dev session (pages of equal length), and a dev session
with a 100-line and a 30,000-line changed file (first and last diff page), outlines and maps of small and
huge sessions; nine sessions with a 12,000-line lock file and one with a 50,000-line file, each diffed cold,
eight of them at once by eight callers while another workspace's get_session is timed; then the same sessions'
web pages, read with a signed-in person's cookie; and a search in a small session while another workspace
holds nothing, then 51 MB of contents full of the searched words. Last, the worker's memory over 2,000 and
20,000 more calls.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DATABASE = os.environ.get("BENCH_DATABASE") or "alloy_bench"
if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", DATABASE):
    sys.exit(f"BENCH_DATABASE must be a plain database name (a-z, 0-9, _), not {DATABASE!r}.")
ALLOY_PORT = int(os.environ.get("BENCH_PORT") or 8765)
FLOOR_PORT, PLAIN_PORT = ALLOY_PORT + 1, ALLOY_PORT + 2
SERVER_CORE, LOAD_CORE = "0", "1"
# Each floor/Alloy pair is measured in alternating rounds, so a drift in the machine's speed (seen here:
# ±30% within minutes) hits both sides of a ratio alike.
ROUNDS = 3
MODERN, LEGACY = "2026-07-28", "2025-11-25"
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "alloy.settings",
    # As production runs: serving as a role the wall always narrows, commands as the tables' owner
    # (alloy/database_roles.py; scripts/ensure-services.sh creates both roles).
    "DATABASE_URL": f"postgres://alloy_serving@127.0.0.1:5432/{DATABASE}",
    "DATABASE_OPS_URL": f"postgres://alloy@127.0.0.1:5432/{DATABASE}",
    "SECRET_KEY": "benchmark-only-secret",
    "ALLOY_PUBLIC_URL": f"http://127.0.0.1:{ALLOY_PORT}",
    "LOG_LEVEL": "WARNING",
    "STATIC_ROOT": tempfile.mkdtemp(prefix="alloy-bench-static-"),
    # As production runs: rate limits counted in Redis and the activity log written, with a limit no
    # benchmark reaches, so the rows measure their cost and never a 429.
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    "ALLOY_MCP_CALLS_PER_MINUTE": "1000000000",
    # wrk's connections share one key, standing for many callers: its share of the tool threads is theirs
    # (the default, half the threads, holds one caller's burst; tests/mcp_gateway/test_fair_share.py).
    "ALLOY_MCP_CALLS_PER_CREDENTIAL": "64",
}
RARE_WORD = "zebracorn"
# What another workspace's contents are full of, for the row showing a search never pays for them.
CROWDED_WORDS = "lorem ipsum"
OTHER_WORKSPACE = "bench-other"
OTHER_CONTENT_FILES, OTHER_CONTENT_BYTES = 32, 1_600_000  # 51 MB in all
# Heavy diffs: a 12,000-line lock file in each of nine sessions (each read cold once), a 50,000-line file, and
# a session of a third workspace whose get_session is timed while eight of the lock files are diffed at once.
HEAVY_LOCKS = [f"benchHeavyLock{n:02}" for n in range(9)]
FIFTY_THOUSAND = "benchFiftyKLines"
THIRD_WORKSPACE, THIRD_SESSION = "bench-third", "benchThirdSess01"
SMALL_SESSION, CHAT, LONG_CHAT, FEW_FILES, PAGE_OF_FILES, MANY_FILES, BIG_DIFF = (
    "benchSmallSess01",
    "benchChat0000001",
    "benchLongChat001",
    "benchFewFiles001",
    "benchPageFiles01",
    "benchManyFiles01",
    "benchBigDiff0001",
)

# Counts failures (what `response` calls one) across wrk's threads; prints one JSON line at the end.
WRK_COUNTING = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) failures = 0 end
function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("failures") end
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('RESULT {"requests":%%d,"micros":%%d,"p50":%%d,"p99":%%d,"errors":%%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), failed + socket))
end
"""
# A tool call: anything but a successful tool result is a failure.
WRK_SCRIPT = (
    """
wrk.method = "POST"
wrk.body = [==[%(body)s]==]
%(headers)s
function response(status, headers, body)
  if status ~= 200 or body:find('"isError":true', 1, true) or body:find('"error":{', 1, true) then
    failures = failures + 1
  end
end
"""
    + WRK_COUNTING
)
# A web page, GET with the signed-in person's session cookie: anything but a 200 is a failure.
WRK_PAGE_SCRIPT = (
    """
wrk.method = "GET"
wrk.headers["Cookie"] = "sessionid=%(session)s"
function response(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end
"""
    + WRK_COUNTING
)

# A signed-in browser session for the bench person (the pages' cookie), as Django's login makes one.
SESSION_SCRIPT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from workspaces.models import User
user = User.objects.get(email="bench@alloy.test")
session = SessionStore()
session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
    HASH_SESSION_KEY: user.get_session_auth_hash()})
session.create()
print(session.session_key)
"""


@dataclass(frozen=True)
class Call:
    label: str
    method: str  # tools/call or tools/list
    tool: str | None = None
    arguments: dict | None = None


@dataclass(frozen=True)
class PageCall:
    """A web page, read by a signed-in person."""

    label: str
    path: str
    shows: str  # text the page must contain, checked once before the load


@dataclass(frozen=True)
class Measured:
    calls_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def psql(sql: str, user: str = "postgres", database: str = "postgres") -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", user, "-d", database, "-qc", sql], check=True)


def manage(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True, capture_output=True, text=True, input=stdin
    )
    return done.stdout


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: install it (apt-get install wrk) and run make bench again.")
    print("Installing wrk with apt-get…", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        stdout=subprocess.DEVNULL,  # dpkg's progress, which -qq does not quiet
    )
    return shutil.which("wrk") or "wrk"


def documents() -> list[dict]:
    """The benchmark's sessions, in the import format (docs/session-format.md)."""
    sys.path.insert(0, str(ROOT))
    from tests.session_shapes import lock_file_change  # the same lock files `make costs` reads

    base = {"workspace": "bench", "created_at": "2026-11-01T09:00:00Z"}
    words = "The save button should debounce, and errors go to a toast rather than an alert box. "
    chat = [
        {"role": "user" if n % 2 == 0 else "assistant", "author": "Bench", "content": f"{n}: {words * (1 + n % 5)}"}
        for n in range(40)
    ]
    long_chat = [
        {"role": "user" if n % 2 == 0 else "assistant", "content": f"message {n}: {words}"} for n in range(100_000)
    ]
    # A rare word for search_session: once in the short chat, twice in the long one.
    for messages, at in ((chat, [7]), (long_chat, [7, 50_007])):
        for n in at:
            messages[n]["content"] += f" {RARE_WORD} decided here."

    def module(n: int, lines: int, changed: str = "") -> str:
        return "".join(f"def function_{n}_{k}():  # line {k} {changed if k % 40 == 20 else ''}\n" for k in range(lines))

    def changes(count: int) -> list[dict]:
        return [
            {"path": f"src/pkg{n % 50:02}/mod{n:04}.py", "before": module(n, 40), "after": module(n, 40, "changed")}
            for n in range(count)
        ]

    big = [
        {"path": "big/huge.py", "before": module(0, 30_000), "after": module(0, 30_000, "changed")},
        {"path": "small/tiny.py", "before": module(1, 100), "after": module(1, 100, "changed")},
    ]
    return [
        {
            **base,
            "id": SMALL_SESSION,
            "kind": "prototype",
            "title": "Landing page",
            "messages": chat[:4],
            "files": [
                {"path": "index.html", "content": f"<p>{CROWDED_WORDS.title()} placeholder</p>\n"},
                {"path": "style.css", "content": "p { margin: 0 }\n"},
                {"path": "app.js", "content": "console.log('ready')\n"},
            ],
        },
        {
            **base,
            "id": CHAT,
            "kind": "prototype",
            "title": "Habit tracker",
            "messages": chat,
            "files": [{"path": "src/App.jsx", "content": "export default function App() {}\n"}],
        },
        {**base, "id": LONG_CHAT, "kind": "prototype", "title": "A very long chat", "messages": long_chat},
        {**base, "id": FEW_FILES, "kind": "dev", "title": "Small change", "files": changes(10)},
        # As many files as a session page lists (200): its page and the 5,000-file one's are the same length.
        {**base, "id": PAGE_OF_FILES, "kind": "dev", "title": "Medium change", "files": changes(200)},
        {**base, "id": MANY_FILES, "kind": "dev", "title": "Sweeping change", "files": changes(5_000)},
        {**base, "id": BIG_DIFF, "kind": "dev", "title": "Huge file", "files": big},
        *(
            {**base, "id": session, "kind": "dev", "title": "Lock file", "files": [lock_file_change(seed=n)]}
            for n, session in enumerate(HEAVY_LOCKS)
        ),
        {
            **base,
            "id": FIFTY_THOUSAND,
            "kind": "dev",
            "title": "A 50,000-line file",
            "files": [{"path": "big/fifty.py", "before": module(2, 50_000), "after": module(2, 50_000, "changed")}],
        },
        {**base, "workspace": THIRD_WORKSPACE, "id": THIRD_SESSION, "kind": "prototype", "title": "Elsewhere"},
    ]


def prepare(*, reuse: bool) -> tuple[str, str]:
    """Create the database and its sessions; return an MCP key and an OAuth access token."""
    if reuse:
        # A live key's name is unique in its workspace: each run names its own.
        name = f"bench {time.strftime('%Y-%m-%d %H:%M:%S')}"
        return manage("create_mcp_key", "bench", "--name", name).strip(), manage(
            "shell", "-v0", "-c", TOKEN_SCRIPT
        ).strip()
    print("Preparing the benchmark database (about a minute)…", flush=True)
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE} OWNER alloy")
    manage("migrate", "-v0")
    manage(
        "shell",
        "-v0",
        "-c",
        "from workspaces.models import Workspace, User, Membership;"
        "ws = Workspace.objects.create(slug='bench', name='Bench');"
        "user = User.objects.create_user(email='bench@alloy.test', password=None);"
        "Membership.objects.create(workspace=ws, user=user, role='owner');"
        f"Workspace.objects.create(slug='{OTHER_WORKSPACE}', name='Other');"
        f"Workspace.objects.create(slug='{THIRD_WORKSPACE}', name='Third')",
    )
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as file:
        for document in documents():
            file.write(json.dumps(document) + "\n")
    try:
        manage("import_sessions", file.name)
    finally:
        os.unlink(file.name)
    psql(FILL_WORKSPACE, database=DATABASE)
    psql("VACUUM ANALYZE", database=DATABASE)  # what autovacuum does in production
    key = manage("create_mcp_key", "bench", "--name", "bench").strip()
    token = manage("shell", "-v0", "-c", TOKEN_SCRIPT).strip()
    return key, token


def other_workspace_contents(*, full: bool) -> None:
    """Empty the other workspace of sessions, or fill it with 51 MB of distinct contents full of
    CROWDED_WORDS (through the real import), then let PostgreSQL analyze as autovacuum would."""
    psql(EMPTY_OTHER_WORKSPACE, database=DATABASE)
    if full:
        line = f"{CROWDED_WORDS} dolor sit amet, %d consectetur adipiscing elit\n"
        per_file = OTHER_CONTENT_BYTES // len(line % 0)

        def text(first: int, lines: int) -> str:
            return "".join(line % number for number in range(first, first + lines))

        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as file:
            for number in range(OTHER_CONTENT_FILES // 8):
                files = [
                    {"path": f"notes/{n:02}.txt", "content": text(n * per_file, per_file)}
                    for n in range(number * 8, number * 8 + 8)
                ]
                document = {"workspace": OTHER_WORKSPACE, "id": f"benchOther{number:06}", "kind": "prototype"}
                document |= {"title": "Notes", "created_at": "2026-11-01T09:00:00Z", "messages": [], "files": files}
                file.write(json.dumps(document) + "\n")
        try:
            manage("import_sessions", file.name)
        finally:
            os.unlink(file.name)
    psql("VACUUM ANALYZE", database=DATABASE)


# As the superuser, past the wall: the other workspace's sessions and contents, gone.
EMPTY_OTHER_WORKSPACE = "".join(
    f"DELETE FROM sessions_app_{table} WHERE workspace_id = "  # noqa: S608
    f"(SELECT id FROM workspaces_workspace WHERE slug = '{OTHER_WORKSPACE}');\n"
    for table in ("sessionfile", "message", "blob", "session")
)


# 100,000 more sessions in the bench workspace, titled from a few phrases, for title search at size.
FILL_WORKSPACE = """
INSERT INTO sessions_app_session (workspace_id, public_id, kind, title, status, created_at, updated_at,
    message_count, file_count, imported_digest)
SELECT w.id, 'benchFill' || lpad(n::text, 7, '0'), 'prototype',
    'Session ' || n || ': ' || (ARRAY['Checkout flow', 'Habit tracker', 'Onboarding emails', 'Rate limits'])[1 + n % 4],
    'active', now() - n * interval '1 minute', now() - n * interval '1 minute', 0, 0, ''
FROM generate_series(1, 100000) AS n, workspaces_workspace AS w WHERE w.slug = 'bench'
"""

# An OAuth access token as the consent flow issues it: bound to /mcp and the workspace, scope mcp.
# (A script that makes a token, not a secret.)
TOKEN_SCRIPT = """
import secrets
from datetime import timedelta
from django.conf import settings
from django.utils import timezone
from mcp_gateway.models import OAuthAccessToken, OAuthApplication
from workspaces.models import User, Workspace
user = User.objects.get(email="bench@alloy.test")
app, _ = OAuthApplication.objects.get_or_create(name="bench", client_type="public",
    authorization_grant_type="authorization-code", redirect_uris="http://127.0.0.1:9/callback", user=user)
token = secrets.token_urlsafe(32)
OAuthAccessToken.objects.create(user=user, application=app, token=token, scope=settings.ALLOY_MCP_SCOPE,
    expires=timezone.now() + timedelta(days=1), workspace=Workspace.objects.get(slug="bench"),
    resource=[settings.ALLOY_MCP_RESOURCE])
print(token)
"""  # noqa: S105


# Eight callers' keys in the bench workspace and one in the third, named for this run (a live key's name is
# unique in its workspace), printed one a line.
CALLER_KEYS_SCRIPT = f"""
import time
from mcp_gateway.keys.services import mcp_key_create
from workspaces.models import Workspace
bench, third = Workspace.objects.get(slug="bench"), Workspace.objects.get(slug="{THIRD_WORKSPACE}")
run = time.strftime("%Y-%m-%d %H:%M:%S")
for n in range(8):
    print(mcp_key_create(workspace=bench, name=f"caller {{n}} {{run}}").key)
print(mcp_key_create(workspace=third, name=f"elsewhere {{run}}").key)
"""


def request_body(call: Call, era: str) -> dict:
    params: dict = {} if call.method == "tools/list" else {"name": call.tool, "arguments": call.arguments or {}}
    if era == MODERN:
        params["_meta"] = {
            "io.modelcontextprotocol/protocolVersion": MODERN,
            "io.modelcontextprotocol/clientCapabilities": {},
        }
    return {"jsonrpc": "2.0", "id": 1, "method": call.method, "params": params}


def request_headers(call: Call, era: str, credential: dict[str, str]) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": era,
        **credential,
    }
    if era == MODERN:
        headers["Mcp-Method"] = call.method
        if call.tool:
            headers["Mcp-Name"] = call.tool
    return headers


def check(url: str, call: Call, era: str, credential: dict[str, str]) -> dict:
    """One call with httpx, so a broken row fails loudly instead of timing error pages."""
    response = httpx2.post(
        url, json=request_body(call, era), headers=request_headers(call, era, credential), timeout=60
    )
    answer = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    if response.status_code != 200 or "error" in answer or answer.get("result", {}).get("isError"):
        raise SystemExit(f"{call.label} ({era}) failed: {response.status_code} {response.text[:400]}")
    return answer["result"]


def combined(parts: list[Measured]) -> Measured:
    """Rounds of one row as one: calls over time, the median p50, the worst p99, every error."""
    seconds = sum(part.requests / part.calls_per_second for part in parts)
    return Measured(
        calls_per_second=sum(part.requests for part in parts) / seconds,
        p50_ms=statistics.median(part.p50_ms for part in parts),
        p99_ms=max(part.p99_ms for part in parts),
        errors=sum(part.errors for part in parts),
        requests=sum(part.requests for part in parts),
    )


def measure(
    wrk: str,
    url: str,
    call: Call,
    era: str,
    credential: dict[str, str],
    connections: int,
    seconds: int,
    *,
    warm_up: bool = True,
) -> Measured:
    check(url, call, era, credential)
    headers = "\n".join(
        f'wrk.headers["{name}"] = "{value}"' for name, value in request_headers(call, era, credential).items()
    )
    script = WRK_SCRIPT % {"body": json.dumps(request_body(call, era)), "headers": headers}
    return run_wrk(wrk, url, script, connections, seconds, warm_up=warm_up, label=call.label)


def measure_page(wrk: str, base_url: str, page: PageCall, session: str, seconds: int) -> Measured:
    """A page at 1 connection, after checking once that it answers 200 with what it must show."""
    url = base_url + page.path
    response = httpx2.get(url, cookies={"sessionid": session}, timeout=60)
    if response.status_code != 200 or page.shows not in response.text:
        raise SystemExit(f"{page.label} failed: {response.status_code} {response.text[:400]}")
    script = WRK_PAGE_SCRIPT % {"session": session}
    return run_wrk(wrk, url, script, 1, seconds, warm_up=True, label=page.label)


def run_wrk(
    wrk: str, url: str, script_text: str, connections: int, seconds: int, *, warm_up: bool, label: str
) -> Measured:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(script_text)
    try:
        command = ["taskset", "-c", LOAD_CORE, wrk, "-t1", f"-c{connections}", "--latency", "-s", script.name]
        if warm_up:
            subprocess.run([*command, "-d1s", url], check=True, capture_output=True)
        output = subprocess.run([*command, f"-d{seconds}s", url], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(script.name)
    found = re.search(r"RESULT (\{.*\})", output)
    if found is None:
        raise SystemExit(f"wrk printed no result for {label}:\n{output}")
    result = json.loads(found.group(1))
    return Measured(
        calls_per_second=result["requests"] / (result["micros"] / 1e6),
        p50_ms=result["p50"] / 1000,
        p99_ms=result["p99"] / 1000,
        errors=result["errors"],
        requests=result["requests"],
    )


class Server:
    """One uvicorn process pinned to the server core, started and stopped around a block of rows."""

    def __init__(self, app: str, port: int) -> None:
        self.app, self.port = app, port

    def __enter__(self) -> Server:
        command = ["taskset", "-c", SERVER_CORE, PYTHON, "-m", "uvicorn", self.app, "--port", str(self.port)]
        self.process = subprocess.Popen([*command, "--log-level", "warning", "--no-access-log"], cwd=ROOT, env=ENV)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"{self.app} did not start")

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024

    def __exit__(self, *exc_info: object) -> None:
        self.process.terminate()
        self.process.wait()


def last_cursor(url: str, call: Call, credential: dict[str, str]) -> str:
    """Walk a paged call to its end and return the cursor of its last page."""
    cursor, arguments = None, dict(call.arguments or {})
    while True:
        result = check(url, Call(call.label, call.method, call.tool, arguments), LEGACY, credential)
        following = result["structuredContent"].get("next_cursor")
        if not following:
            return cursor
        cursor = arguments["cursor"] = following


def scaling_calls(url: str, credential: dict[str, str]) -> list[tuple[str, Call, Call]]:
    """(what must hold, the reference call, the call compared with it): pages that must cost the same."""
    sys.path.insert(0, str(ROOT))
    from mcp_gateway.protocol.cursors import encode_cursor  # the project's own cursor format

    def call(label: str, tool: str, **arguments) -> Call:
        return Call(label, "tools/call", tool, arguments)

    def last_page_of(first: Call, label: str) -> Call:
        return Call(label, first.method, first.tool, {**first.arguments, "cursor": last_cursor(url, first, credential)})

    chat_first = call("chat of 100,000: first page", "get_chat_history", session=LONG_CHAT, limit=20)
    chat_last = call(
        "chat of 100,000: last page",
        "get_chat_history",
        session=LONG_CHAT,
        limit=20,
        cursor=encode_cursor("messages", 99_980, 0, "full", ""),
    )
    outline_short = call("outline: 40-message chat", "get_chat_history", session=CHAT, detail="outline", limit=20)
    outline_long = call(
        "outline: 100,000-message chat, a page near the end",
        "get_chat_history",
        session=LONG_CHAT,
        detail="outline",
        start_index=99_900,
        limit=20,
    )
    map_few = call("map: 10-file session", "list_session_files", session=FEW_FILES, limit=10, with_outline=True)
    map_many = call(
        "map: 5,000-file session, first page", "list_session_files", session=MANY_FILES, limit=10, with_outline=True
    )
    # Pages of the same length (10 files), so what is compared is the session's size, not the page's.
    few_files = call("files: 10-file session", "list_session_files", session=FEW_FILES, limit=10)
    many_files = call("files: 5,000-file session, first page", "list_session_files", session=MANY_FILES, limit=10)
    small_diff = call("diff: 100-line file", "get_file_diff", session=BIG_DIFF, path="small/tiny.py")
    big_diff = call("diff: 30,000-line file, first page", "get_file_diff", session=BIG_DIFF, path="big/huge.py")
    short_search = call("search: 40-message chat", "search_session", session=CHAT, query=RARE_WORD)
    long_search = call("search: 100,000-message chat", "search_session", session=LONG_CHAT, query=RARE_WORD)
    # A word in one file (both versions): in the 10-file session, in the 5,000-file one, and on the last
    # line of a 30,000-line file (whose lines are all read to find it) against a 100-line one.
    few_files_search = call("search: a file of 10", "search_session", session=FEW_FILES, query="function_3_7(")
    many_files_search = call("search: a file of 5,000", "search_session", session=MANY_FILES, query="function_4321_7(")
    small_file_search = call("search: 100-line file", "search_session", session=BIG_DIFF, query="function_1_99(")
    big_file_search = call("search: 30,000-line file", "search_session", session=BIG_DIFF, query="function_0_29999(")
    all_sessions = call("sessions: unfiltered page", "list_sessions", limit=20)
    no_title = call("sessions: a word in no title", "list_sessions", query="zeppelin", limit=20)
    return [
        ("last page of a 100,000-message chat within 1.2x of the first", chat_first, chat_last),
        ("an outline page of a 100,000-message chat within 1.2x of a 40-message chat's", outline_short, outline_long),
        ("a map page of a 5,000-file session within 1.2x of a 10-file one", map_few, map_many),
        ("a 5,000-file listing page within 1.2x of a 10-file one", few_files, many_files),
        ("... and its last page", few_files, last_page_of(many_files, "files: 5,000-file session, last page")),
        ("any page of a 30,000-line diff within 1.5x of a 100-line diff", small_diff, big_diff),
        ("... its last page", small_diff, last_page_of(big_diff, "diff: 30,000-line file, last page")),
        ("a word in a 100,000-message chat within 1.5x of a 40-message chat", short_search, long_search),
        ("a word in no title of 100,005 sessions within 2x of an unfiltered page", all_sessions, no_title),
        (
            "a word in one file of a 5,000-file session within 1.5x of a 10-file one",
            few_files_search,
            many_files_search,
        ),
        (
            "a word on the last line of a 30,000-line file (read whole), against a 100-line one",
            small_file_search,
            big_file_search,
        ),
    ]


def page_comparisons() -> list[tuple[str, PageCall, PageCall]]:
    """Web pages that must cost the same however large the session or workspace (what the pages promise)."""
    chat, long_chat = f"/bench/p/{CHAT}/edit", f"/bench/p/{LONG_CHAT}/edit"
    page_of_files, many = f"/bench/p/dev/{PAGE_OF_FILES}", f"/bench/p/dev/{MANY_FILES}"
    return [
        (
            "session page of a 100,000-message chat within 1.2x of a 40-message one",
            PageCall("page: 40-message chat", chat, "Habit tracker"),
            PageCall("page: 100,000-message chat, first page", long_chat, "message 49:"),
        ),
        (
            "... its last page",
            PageCall("page: 40-message chat", chat, "Habit tracker"),
            PageCall("page: 100,000-message chat, last page", long_chat + "?from=99950", "message 99999:"),
        ),
        (
            "changes page of a 5,000-file dev session within 1.2x of a 200-file one (both list 200 files)",
            PageCall("page: changes of 200 files", page_of_files, "mod0199.py"),
            PageCall("page: changes of 5,000 files, first page", many, "More files"),
        ),
        (
            "home page searching 100,005 sessions for a word in no title within 2x of the unfiltered page",
            PageCall("home: unfiltered", "/", "Sessions in Bench"),
            PageCall("home: a word in no title", "/?q=zeppelin", "match these filters"),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="Seconds of load per round (default 3).")
    parser.add_argument("--reuse", action="store_true", help="Keep the database of the previous run.")
    parser.add_argument("--only", choices=["live"], help="Measure one section alone (live: live sessions).")
    options = parser.parse_args()
    if options.only == "live":
        key, _ = prepare(reuse=options.reuse)
        with Server("alloy.asgi:application", ALLOY_PORT):
            cookie = manage("shell", "-v0", "-c", SESSION_SCRIPT).strip()
            url = f"http://127.0.0.1:{ALLOY_PORT}/mcp"
            report_live(live_sessions(ensure_wrk(), url, {"X-MCP-API-Key": key}, cookie, options.seconds))
        return
    rows_to_measure = 3 * 2 * 2  # builds (Alloy with each credential, plain), eras, connections; each beside the floor
    seconds = options.seconds * (rows_to_measure * 2 * ROUNDS + 2 * 16)
    print(
        f"Plan: {rows_to_measure} tool-call rows, each in {ROUNDS} rounds of {options.seconds} s beside the SDK's "
        f"no-op server, then pages of small and huge sessions, a search beside 51 MB, memory over 20,000 calls "
        f"(about {seconds // 60 + 2} minutes after the database is ready). Alloy on port {ALLOY_PORT}, the floor "
        f"on {FLOOR_PORT}, the plain SDK + Django ORM build on {PLAIN_PORT}, database {DATABASE}.",
        flush=True,
    )
    wrk = ensure_wrk()
    key, token = prepare(reuse=options.reuse)
    with_key, with_token = {"X-MCP-API-Key": key}, {"Authorization": f"Bearer {token}"}
    floor_url, url = f"http://127.0.0.1:{FLOOR_PORT}/mcp", f"http://127.0.0.1:{ALLOY_PORT}/mcp"
    plain_url = f"http://127.0.0.1:{PLAIN_PORT}/mcp"
    noop = Call("SDK no-op tool (floor)", "tools/call", "noop", {})
    chat_page = Call("get_chat_history, 20 messages", "tools/call", "get_chat_history", {"session": CHAT, "limit": 20})
    rows: list[tuple[str, str, int, Measured, Measured | None]] = []
    # Both servers run throughout, each pinned to the server core (the idle one costs nothing), and
    # every Alloy row is measured right after the floor row it is compared with: the machine's speed
    # drifts over minutes, so only figures taken side by side make an honest ratio.
    builds = (
        (f"{chat_page.label} (MCP key)", url, with_key),
        (f"{chat_page.label} (OAuth token)", url, with_token),
        ("plain SDK + Django ORM, the same page (MCP key)", plain_url, with_key),
    )
    with (
        Server("scripts.floor_server:app", FLOOR_PORT),
        Server("scripts.plain_server:app", PLAIN_PORT),
        Server("alloy.asgi:application", ALLOY_PORT) as alloy,
    ):
        for name, build_url, credential in builds:
            for era in (MODERN, LEGACY):
                for connections in (1, 32):
                    base, measured = [], []
                    for round_number in range(ROUNDS):
                        warm_up = round_number == 0
                        base.append(
                            measure(wrk, floor_url, noop, era, {}, connections, options.seconds, warm_up=warm_up)
                        )
                        measured.append(
                            measure(
                                wrk,
                                build_url,
                                chat_page,
                                era,
                                credential,
                                connections,
                                options.seconds,
                                warm_up=warm_up,
                            )
                        )
                    base, measured = combined(base), combined(measured)
                    rows += [(noop.label, era, connections, base, None), (name, era, connections, measured, base)]
                    ratio = measured.calls_per_second / base.calls_per_second
                    print(f"  {name:<42} {era} c={connections:<2} {measured.calls_per_second:6.0f}/s  {ratio:.2f}")
        heavy = heavy_diffs(url, with_key)
        comparisons = []
        for claim, reference, compared in scaling_calls(url, with_key):
            first = measure(wrk, url, reference, MODERN, with_key, 1, options.seconds)
            second = measure(wrk, url, compared, MODERN, with_key, 1, options.seconds)
            comparisons.append((claim, reference.label, first, compared.label, second))
            print(f"  {claim}: {first.calls_per_second / second.calls_per_second:.2f}x", flush=True)
        comparisons.append(crowded_search(wrk, url, with_key, options.seconds))
        session = manage("shell", "-v0", "-c", SESSION_SCRIPT).strip()
        base_url = f"http://127.0.0.1:{ALLOY_PORT}"
        for claim, reference, compared in page_comparisons():
            first = measure_page(wrk, base_url, reference, session, options.seconds)
            second = measure_page(wrk, base_url, compared, session, options.seconds)
            comparisons.append((claim, reference.label, first, compared.label, second))
            print(f"  {claim}: {first.calls_per_second / second.calls_per_second:.2f}x", flush=True)
        live = live_sessions(wrk, url, with_key, session, options.seconds)
        rss = memory_after(wrk, url, chat_page, with_key, alloy)
    report(rows, heavy, comparisons, rss)
    report_live(live)


def heavy_diffs(url: str, key: dict[str, str]) -> list[tuple[str, float]]:
    """Milliseconds, each first read cold (each server process computes a diff once): a 12,000-line lock file's
    first page line by line and as packages, a 50,000-line file's first page; then eight callers reading eight
    such lock files at once while another workspace's get_session is timed."""
    *callers, elsewhere = ({"X-MCP-API-Key": line} for line in manage("shell", "-v0", "-c", CALLER_KEYS_SCRIPT).split())

    def timed(call: Call, credential: dict[str, str]) -> float:
        started = time.perf_counter()
        check(url, call, MODERN, credential)
        return (time.perf_counter() - started) * 1000

    def lock_diff(session: str, *, full: bool) -> Call:
        arguments = {"session": session, "path": "package-lock.json", "full": full}
        return Call(f"lock file diff of {session}", "tools/call", "get_file_diff", arguments)

    fifty = Call("50,000-line diff", "tools/call", "get_file_diff", {"session": FIFTY_THOUSAND, "path": "big/fifty.py"})
    rows = [
        (
            "12,000-line lock file, cold, line by line (full=true): first page",
            timed(lock_diff(HEAVY_LOCKS[0], full=True), key),
        ),
        ("12,000-line lock file as its packages (default)", timed(lock_diff(HEAVY_LOCKS[0], full=False), key)),
        ("50,000-line file, cold: first page", timed(fifty, key)),
    ]
    other = Call("get_session elsewhere", "tools/call", "get_session", {"session": THIRD_SESSION})
    with ThreadPoolExecutor(9) as pool:
        eight = [pool.submit(timed, lock_diff(HEAVY_LOCKS[1 + n], full=True), callers[n]) for n in range(8)]
        time.sleep(0.02)  # the eight are on their way
        meanwhile = pool.submit(timed, other, elsewhere).result()
        slowest = max(future.result() for future in eight)
    rows += [
        ("eight such lock files at once, eight callers: the slowest", slowest),
        ("another workspace's get_session, sent while they run", meanwhile),
    ]
    for label, milliseconds in rows:
        print(f"  {label}: {milliseconds:.0f} ms", flush=True)
    return rows


def crowded_search(wrk: str, url: str, credential: dict[str, str], seconds: int) -> tuple:
    """The same search in a small session while another workspace holds nothing, then 51 MB of contents
    full of the words searched, then nothing again (the two empty rounds combined, so a drift in the
    machine's speed hits both sides): what another workspace holds must not change what a search costs."""
    claim = "a search in a small session within 1.1x while another workspace holds 51 MB full of its words"
    arguments = {"session": SMALL_SESSION, "query": CROWDED_WORDS}
    alone = Call("search: small session, other workspace empty", "tools/call", "search_session", arguments)
    crowded = Call("... other workspace: 51 MB of the words", alone.method, alone.tool, arguments)
    other_workspace_contents(full=False)
    empty_rounds = [measure(wrk, url, alone, MODERN, credential, 1, seconds)]
    print(f"  filling {OTHER_WORKSPACE} with {OTHER_CONTENT_FILES * OTHER_CONTENT_BYTES / 1e6:.0f} MB…", flush=True)
    other_workspace_contents(full=True)
    beside = measure(wrk, url, crowded, MODERN, credential, 1, seconds)
    other_workspace_contents(full=False)
    empty_rounds.append(measure(wrk, url, alone, MODERN, credential, 1, seconds, warm_up=False))
    empty = combined(empty_rounds)
    print(f"  {claim}: {empty.calls_per_second / beside.calls_per_second:.2f}x", flush=True)
    return (claim, alone.label, empty, crowded.label, beside)


def memory_after(wrk: str, url: str, call: Call, credential: dict[str, str], alloy: Server) -> list[tuple[int, float]]:
    """Alloy's RSS after 2,000 and after 20,000 more calls of one workload, everything else warmed up."""
    calls, readings = 0, []
    for target in (2_000, 20_000):
        while calls < target:
            calls += measure(wrk, url, call, MODERN, credential, 32, 2, warm_up=False).requests
        readings.append((calls, alloy.rss_mb()))
    return readings


# Live sessions: eight writers, each appending to a session of its own at a product's pace (a message every
# 0.1 s, as an AI's answer streams in), while wrk's 32 connections read a chat page; then the same writers flat
# out, alone; then one session page's event stream, timed from each of 20 appends to the event that tells of it.
LIVE_WRITERS, LIVE_PACE_SECONDS, LIVE_DELAYS = 8, 0.1, 20


@dataclass(frozen=True)
class LiveFigures:
    readers_alone: Measured
    readers_beside_writers: Measured
    paced_appends_per_second: float
    flat_out_appends_per_second: float
    write_errors: int
    delays_ms: list[float]


def live_sessions(wrk: str, url: str, key: dict[str, str], cookie: str, seconds: int) -> LiveFigures:
    name = f"bench writer {time.strftime('%Y-%m-%d %H:%M:%S')}"
    ingest = manage("create_ingest_key", "bench", "--name", name).strip().splitlines()[-1]
    api = f"http://127.0.0.1:{ALLOY_PORT}/api/v1/workspaces/bench/sessions/"
    run = time.strftime("%H%M%S")
    chat_page = Call("get_chat_history, 20 messages", "tools/call", "get_chat_history", {"session": CHAT, "limit": 20})
    errors = [0]

    def said(index: int) -> dict:
        return {"messages": [{"index": index, "role": "assistant", "content": f"Live answer {index}: " + "word " * 30}]}

    def writing(stop: threading.Event, pace: float, tag: str) -> tuple[float, list[int], list[threading.Thread]]:
        """LIVE_WRITERS writers started, each appending to its own new session until `stop`; when they started,
        their counts of appends, their threads."""
        counts = [0] * LIVE_WRITERS

        def writer(number: int) -> None:
            session = f"benchLive{run}{tag}{number:02}"
            with httpx2.Client(headers={"Authorization": f"Bearer {ingest}"}, timeout=30) as client:
                client.post(api, json={"id": session, "kind": "prototype", "title": "Live"}).raise_for_status()
                while not stop.is_set():
                    started = time.perf_counter()
                    if client.post(f"{api}{session}/messages/", json=said(counts[number])).status_code == 200:
                        counts[number] += 1
                    else:
                        errors[0] += 1
                    if pace:
                        time.sleep(max(0.0, pace - (time.perf_counter() - started)))

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(LIVE_WRITERS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        return started, counts, threads

    def stopped(stop: threading.Event, started: float, counts: list[int], threads: list[threading.Thread]) -> float:
        """Appends per second of the writers, stopped."""
        stop.set()
        for thread in threads:
            thread.join()
        return sum(counts) / (time.perf_counter() - started)

    # The writers run on the load's core, as wrk does: what they cost the server is what is measured.
    os.sched_setaffinity(0, {int(LOAD_CORE)})
    alone = measure(wrk, url, chat_page, MODERN, key, 32, seconds)
    stop = threading.Event()
    begun = writing(stop, LIVE_PACE_SECONDS, "p")
    time.sleep(0.5)  # the writers under way
    beside = measure(wrk, url, chat_page, MODERN, key, 32, seconds, warm_up=False)
    paced = stopped(stop, *begun)
    stop = threading.Event()
    begun = writing(stop, 0.0, "f")
    time.sleep(seconds)
    flat_out = stopped(stop, *begun)
    print(
        f"  live: readers {beside.calls_per_second / alone.calls_per_second:.2f} of alone beside {paced:.0f} "
        f"appends/s; flat out {flat_out:.0f} appends/s",
        flush=True,
    )
    return LiveFigures(alone, beside, paced, flat_out, errors[0], event_delays(api, ingest, cookie, run))


def event_delays(api: str, ingest: str, cookie: str, run: str) -> list[float]:
    """Milliseconds from each of LIVE_DELAYS appends (sent) to the session page's event that tells of it."""
    session = f"benchLiveEvents{run}"
    events = f"http://127.0.0.1:{ALLOY_PORT}/bench/sessions/{session}/events"
    delays = []
    with (
        httpx2.Client(headers={"Authorization": f"Bearer {ingest}"}, timeout=30) as writer,
        httpx2.Client(cookies={"sessionid": cookie}, timeout=30) as page,
    ):
        writer.post(api, json={"id": session, "kind": "prototype", "title": "Live"}).raise_for_status()
        with page.stream("GET", events) as stream:
            lines = stream.iter_lines()
            next(line for line in lines if line.startswith("event: state"))
            for index in range(LIVE_DELAYS):
                sent = time.perf_counter()
                writer.post(
                    f"{api}{session}/messages/",
                    json={"messages": [{"index": index, "role": "user", "content": f"message {index}"}]},
                ).raise_for_status()
                for line in lines:
                    if line.startswith("data: ") and json.loads(line[6:])["messages"] == index + 1:
                        break
                delays.append((time.perf_counter() - sent) * 1000)
    print(f"  live: page event p50 {statistics.median(delays):.0f} ms", flush=True)
    return delays


def report_live(live: LiveFigures) -> None:
    print("\nLive sessions: 32 connections reading a chat page, alone and beside 8 writers appending a message every")
    print(f"{LIVE_PACE_SECONDS} s each; the writers flat out, alone; a session page's event after each append:")
    print("\n| what | calls/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|")
    readers = (("readers alone", live.readers_alone), ("readers beside the writers", live.readers_beside_writers))
    for label, measured in readers:
        figures = f"{measured.calls_per_second:.0f} | {measured.p50_ms:.1f} | {measured.p99_ms:.1f} | {measured.errors}"
        print(f"| {label} | {figures} |")
    ratio = live.readers_beside_writers.calls_per_second / live.readers_alone.calls_per_second
    delays = sorted(live.delays_ms)
    p95 = delays[max(0, round(0.95 * len(delays)) - 1)]
    appends = f"{live.paced_appends_per_second:.0f} paced, {live.flat_out_appends_per_second:.0f} flat out"
    print(f"\nReaders beside the writers: {ratio:.2f} of their calls/s alone. Appends/s: {appends}", end=" ")
    print(f"({live.write_errors} refused). A page's event after each of {len(delays)} appends:", end=" ")
    print(f"p50 {statistics.median(delays):.0f} ms, p95 {p95:.0f} ms, max {delays[-1]:.0f} ms.")


def report(rows, heavy, comparisons, rss) -> None:
    print(
        "\nget_chat_history against the SDK floor, each pair measured side by side (ratio = calls/s over the floor's):"
    )
    print("\n| call | era | conns | calls/s | p50 ms | p99 ms | errors | ratio to floor |")
    print("|---|---|---|---|---|---|---|---|")
    for name, era, connections, measured, base in rows:
        ratio = f"{measured.calls_per_second / base.calls_per_second:.2f}" if base else ""
        print(
            f"| {name} | {era} | {connections} | {measured.calls_per_second:.0f} | {measured.p50_ms:.1f} "
            f"| {measured.p99_ms:.1f} | {measured.errors} | {ratio} |"
        )
    print("\nHeavy diffs, each read once, cold (ms from request to answer):")
    print("\n| what | ms |")
    print("|---|---|")
    for label, milliseconds in heavy:
        print(f"| {label} | {milliseconds:.0f} |")
    print("\nPages that must cost the same, 1 connection, 2026-07-28 (time per call, compared over reference):")
    print("\n| claim | reference | calls/s | compared | calls/s | p99 ms | errors | cost ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for claim, reference, first, compared, second in comparisons:
        cost = first.calls_per_second / second.calls_per_second
        print(
            f"| {claim} | {reference} | {first.calls_per_second:.0f} | {compared} | {second.calls_per_second:.0f} "
            f"| {second.p99_ms:.1f} | {first.errors + second.errors} | {cost:.2f} |"
        )
    (first_calls, first_rss), (last_calls, last_rss) = rss[0], rss[-1]
    growth = (last_rss - first_rss) / first_rss * 100
    print(f"\nAlloy worker RSS, get_chat_history after everything above: {first_rss:.1f} MB after {first_calls:,} more")
    print(f"calls, {last_rss:.1f} MB after {last_calls:,} ({growth:+.1f}%).")


if __name__ == "__main__":
    main()
