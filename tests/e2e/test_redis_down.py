"""Redis stopped for real under a running server: OAuth's /token and /register and /mcp still answer as
they would with Redis up (each process counts its limits alone meanwhile), never with a 500."""

import shutil
import subprocess
import time

import httpx2
import pytest
import redis

from mcp_gateway.keys.services import mcp_key_create
from tests.e2e.conftest import REGISTRATION, free_port, start_server, stop_server

pytestmark = pytest.mark.django_db(transaction=True)

MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own, which it may stop."""
    port = free_port()
    process = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                pytest.fail("redis-server did not start")
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0", process
    process.kill()
    process.wait()


@pytest.fixture
def server_on_own_redis(own_redis, tmp_path, static_root):
    url, redis_process = own_redis
    process, base_url = start_server(tmp_path / "uvicorn.log", workers=1, REDIS_URL=url, STATIC_ROOT=str(static_root))
    yield base_url, redis_process, tmp_path / "uvicorn.log"
    stop_server(process)


def test_with_redis_stopped_token_register_and_mcp_answer_as_usual(server_on_own_redis, workspace, prototype):
    base_url, redis_process, log = server_on_own_redis
    key = mcp_key_create(workspace=workspace, name="while redis is down").key
    assert httpx2.post(f"{base_url}/register", json=REGISTRATION, timeout=10).status_code == 201  # Redis up
    redis_process.terminate()
    redis_process.wait(timeout=10)

    registered = httpx2.post(f"{base_url}/register", json=REGISTRATION, timeout=10)
    assert registered.status_code == 201, registered.text
    client_id = registered.json()["client_id"]
    token = httpx2.post(
        f"{base_url}/token",
        data={"grant_type": "refresh_token", "refresh_token": "not-a-token", "client_id": client_id},
        timeout=10,
    )
    assert (token.status_code, token.json()["error"]) == (400, "invalid_grant")  # the answer with Redis up
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get_session", "arguments": {}}}
    call["params"]["arguments"]["session"] = prototype.public_id
    answered = httpx2.post(f"{base_url}/mcp", json=call, headers={**MCP_HEADERS, "X-MCP-API-Key": key}, timeout=10)
    assert answered.status_code == 200
    assert prototype.title in answered.text
    text = log.read_text()
    assert "Traceback" not in text
    assert "counted in this process alone" in text
