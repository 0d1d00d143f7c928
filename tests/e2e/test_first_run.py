"""`make run` on another port, as a new user would start it: every address it hands out uses that port,
the SDK's OAuth client connects through it, and manage.py works in the checkout afterwards."""

import os
import signal
import subprocess
import sys
import time

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.e2e.conftest import ROOT, free_port
from tests.e2e.oauth_clients import MemoryStorage, oauth_provider_for
from tests.e2e.people import sign_in_and_consent

pytestmark = pytest.mark.anyio

# What the test process carries for its own settings, which a person's shell would not have.
NOT_IN_A_NEW_SHELL = {"DJANGO_SETTINGS_MODULE", "ALLOY_PUBLIC_URL", "DATABASE_URL", "SECRET_KEY", "ALLOY_ENV_FILE"}


@pytest.fixture
def make_run(tmp_path):
    port = free_port()
    env_file = tmp_path / ".env"
    environment = {name: value for name, value in os.environ.items() if name not in NOT_IN_A_NEW_SHELL}
    environment |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",  # not the checkout's var/ database
        "STATIC_ROOT": str(tmp_path / "static"),
        "ENV_FILE": str(env_file),
    }
    log = (tmp_path / "make-run.log").open("w")
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx2.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                break
        except httpx2.HTTPError:
            time.sleep(0.5)
    else:
        pytest.fail((tmp_path / "make-run.log").read_text()[-3000:])
    yield base_url, env_file, environment, tmp_path / "make-run.log"
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


async def test_make_run_on_another_port_hands_out_that_port_and_oauth_works(make_run):
    base_url, env_file, environment, log = make_run
    printed = log.read_text()
    assert f"{base_url}/mcp" in printed  # the Claude Desktop config make run prints
    assert f"Sign in at {base_url}/ as owner@demo.alloy.app" in printed
    assert f"A session link to paste into Claude: {base_url}/demo/p/dev/" in printed
    assert f"Alloy is at {base_url}/" in printed
    challenge = httpx2.post(f"{base_url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert (
        f'resource_metadata="{base_url}/.well-known/oauth-protected-resource/mcp"'
        in challenge.headers["www-authenticate"]
    )

    async def consent(url: str) -> httpx2.URL:
        return await sign_in_and_consent(
            url, email="owner@demo.alloy.app", workspace_label="Demo (demo)", password="alloy-demo-password"
        )

    auth = oauth_provider_for(base_url, MemoryStorage(), consent)
    async with (
        httpx2.AsyncClient(auth=auth, timeout=30) as http,
        Client(streamable_http_client(f"{base_url}/mcp", http_client=http), mode="legacy") as client,
    ):
        sessions = (await client.call_tool("list_sessions", {})).structured_content["sessions"]
    assert sessions
    assert all(session["link"].startswith(f"{base_url}/demo/p/") for session in sessions)
    # A page that is not there is Alloy's 404 with a way back, never Django's debug page.
    missing = httpx2.get(f"{base_url}/no/such/page/")
    assert missing.status_code == 404
    assert "<h1>Not found</h1>" in missing.text
    assert "URLconf" not in missing.text
    assert 'href="/"' in missing.text

    # manage.py in the checkout, with only what make run left behind (.env).
    done = subprocess.run(
        [sys.executable, "manage.py", "list_mcp_keys", "demo"],
        cwd=ROOT,
        env={**environment, "ALLOY_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "demo" in done.stdout
    assert "SECRET_KEY=" in env_file.read_text()
    # The .env keeps the address make run served on: a config printed afterwards points there too.
    again = subprocess.run(
        [sys.executable, "manage.py", "demo_mcp_key"],
        cwd=ROOT,
        env={**environment, "ALLOY_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert f"{base_url}/mcp" in again.stdout
