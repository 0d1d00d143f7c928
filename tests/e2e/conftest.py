"""End-to-end fixtures: a real uvicorn server (two worker processes) on the test database and Redis.

The server runs `alloy.asgi:application` exactly as production does; tests drive it with real
clients: the `mcp` SDK, mcp-remote and the MCP Inspector CLI (installed by `make test` from
tests/e2e/package.json).
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection

from tests.e2e.people import PASSWORD
from tests.factories import pasted_link

E2E_DIR = Path(__file__).resolve().parent
ROOT = E2E_DIR.parents[1]
NODE_MODULES = E2E_DIR / "node_modules"
REDIS_URL = os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/15")
# A dynamic client registration as Claude's connector sends it (RFC 7591).
REGISTRATION = {
    "client_name": "Claude",
    "redirect_uris": ["https://claude.ai/api/mcp/auth_callback"],
    "grant_types": ["authorization_code", "refresh_token"],
    "response_types": ["code"],
    "token_endpoint_auth_method": "none",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is an end-to-end test (`-m "not e2e"` leaves them out)."""
    for item in items:
        if E2E_DIR in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(port: int, **environment: str) -> dict[str, str]:
    """The production settings a server process on `port` runs with, on the test database."""
    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alloy.settings",
        # Production's two roles: the server serves as one that cannot open every workspace, and keeps the
        # tables' owner for the admin's work across workspaces (alloy/database_roles.py).
        "DATABASE_URL": f"postgres://{settings.SERVING_ROLE}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "DATABASE_OPS_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOY_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "REDIS_URL": REDIS_URL,
        "DATABASE_POOL_MAX_SIZE": "8",
        # Many tests share a server, put it under load or send wrong keys on purpose; throttling has its
        # own tests (tests/e2e/test_rate_limits.py), which set these.
        "ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE": "10000",
        "ALLOY_MCP_CALLS_PER_MINUTE": "1000000",
        # Every result the servers send is checked against its tool's output schema.
        "ALLOY_MCP_CHECK_RESULTS": "true",
        **environment,
    }


def start_server(log_path: Path, workers: int = 2, **environment: str):
    """Start uvicorn on a free port with the test database; return (process, base URL) once it answers."""
    port = free_port()
    env = server_environment(port, **environment)
    command = [sys.executable, "-m", "uvicorn", "alloy.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, "--workers", str(workers)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx2.get(f"{base_url}/admin/login/", timeout=1).status_code == 200:
                return process, base_url
        except httpx2.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"uvicorn did not start:\n{log_path.read_text()}")
        time.sleep(0.2)


def start_gunicorn(log_path: Path, static_root: Path, workers: int = 2, port: int | None = None, **environment: str):
    """`gunicorn -c alloy/gunicorn.conf.py` (as `make serve` runs it) on the test database, on `port` or a free
    one; (master, port) once every worker is up and it answers."""
    port = port or free_port()
    env = server_environment(
        port,
        STATIC_ROOT=str(static_root),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        **environment,
    )
    with log_path.open("a") as log:
        master = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "alloy/gunicorn.conf.py", "alloy.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while len(workers_of(master)) < workers or not answers(port):
        if master.poll() is not None or time.monotonic() > deadline:
            master.kill()
            pytest.fail(f"gunicorn did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    return master, port


def workers_of(master: subprocess.Popen) -> set[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/admin/login/")
        return connection.getresponse().status == 200
    except OSError:
        return False


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """collectstatic, as a deployment runs it, so the server serves the admin's CSS and JS."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true", "STATIC_ROOT": str(root)},
        check=True,
    )
    return root


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker, tmp_path_factory, static_root):
    """The base URL of a running server with two worker processes."""
    process, base_url = start_server(tmp_path_factory.mktemp("server") / "uvicorn.log", STATIC_ROOT=str(static_root))
    yield base_url
    stop_server(process)


def give_password(user):
    """A password the server process can check (the test settings hash with a faster hasher it lacks)."""
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def person(owner):
    """The workspace owner, able to sign in on the server."""
    return give_password(owner)


@pytest.fixture
def anyio_backend():
    return "asyncio"


def node_tool(*parts: str) -> str:
    path = NODE_MODULES.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make test` (it installs tests/e2e/package.json).")
    return str(path)


def calls_for(prototype, dev) -> list[tuple[str, dict]]:
    """A call of each tool but search_session, on the factories' prototype and dev sessions."""
    return [
        ("get_session", {"session": pasted_link(dev)}),
        ("list_sessions", {"limit": 5}),
        ("get_chat_history", {"session": prototype.public_id, "limit": 2}),
        ("list_session_files", {"session": pasted_link(prototype)}),
        ("get_file_content", {"session": prototype.public_id, "path": "src/App.jsx"}),
        ("get_file_diff", {"session": dev.public_id, "path": "api/views.py"}),
    ]
