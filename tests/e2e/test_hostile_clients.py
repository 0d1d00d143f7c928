"""Hostile clients against a real server: spoofed X-Forwarded-For from an address that is not a trusted
proxy changes no limit, and registrations the database could not store are clear 400s, never 500s."""

import socket
import time

import httpx2
import pytest
import redis

from mcp_gateway.auth.key_format import generate_key
from tests.e2e.conftest import REGISTRATION, start_server, stop_server

pytestmark = pytest.mark.django_db(transaction=True)

OWN_REDIS = "redis://127.0.0.1:6379/13"
MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


@pytest.fixture
def untrusting_server(tmp_path, static_root):
    """A server whose only trusted proxy is elsewhere: the tests' own address (127.0.0.1) is a client."""
    redis.Redis.from_url(OWN_REDIS).flushdb()
    process, base_url = start_server(
        tmp_path / "uvicorn.log",
        workers=1,
        REDIS_URL=OWN_REDIS,
        FORWARDED_ALLOW_IPS="192.0.2.1",
        ALLOY_MCP_FAILED_CREDENTIALS_PER_MINUTE="5",
        ALLOY_OAUTH_REGISTRATIONS_PER_HOUR="5",
        STATIC_ROOT=str(static_root),
    )
    yield base_url, tmp_path / "uvicorn.log"
    stop_server(process)


def spoofed(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"198.51.100.{n}"}


def test_spoofed_forwarded_addresses_do_not_escape_the_refused_credential_limit(untrusting_server):
    base_url, _ = untrusting_server
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    statuses = [
        httpx2.post(
            f"{base_url}/mcp", json=body, headers={**MCP_HEADERS, **spoofed(n), "X-MCP-API-Key": generate_key()}
        ).status_code
        for n in range(8)
    ]
    assert statuses == [401] * 5 + [429] * 3


def test_spoofed_forwarded_addresses_do_not_escape_the_registration_limit(untrusting_server):
    base_url, _ = untrusting_server
    register = f"{base_url}/register"
    statuses = [httpx2.post(register, json=REGISTRATION, headers=spoofed(n)).status_code for n in range(7)]
    assert statuses == [201] * 5 + [429] * 2


def test_registrations_that_cannot_be_stored_are_clear_400s(untrusting_server):
    base_url, log = untrusting_server
    deep = '{"client_name": "x", "extra": ' + "[" * 5_000 + "]" * 5_000 + "}"
    answers = [
        httpx2.post(f"{base_url}/register", json={**REGISTRATION, "redirect_uris": ["https://claude.ai/cb\u0000"]}),
        httpx2.post(f"{base_url}/register", content=deep, headers={"content-type": "application/json"}),
        httpx2.post(
            f"{base_url}/register",
            json={**REGISTRATION, "redirect_uris": [f"https://claude.ai/cb/{n}" for n in range(20)]},
        ),
    ]
    assert [(answer.status_code, answer.json()["error"]) for answer in answers] == [
        (400, "invalid_redirect_uri"),
        (400, "invalid_client_metadata"),
        (400, "invalid_redirect_uri"),
    ]
    assert "Traceback" not in log.read_text()


def test_a_broken_body_the_http_server_refused_writes_no_traceback(untrusting_server):
    """POST /mcp with no Content-Type and a broken chunked body wrote "Exception in ASGI application" and a
    traceback at ERROR for every request (50 of 50): the transport sent its 415 after uvicorn had answered 400."""
    base_url, log = untrusting_server
    host, port = base_url.removeprefix("http://").split(":")
    for _ in range(20):
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n\r\n")
            answer = connection.recv(4096)
        assert answer.startswith(b"HTTP/1.1 4")
    time.sleep(0.5)  # the server writes its log lines as the connections close
    written = log.read_text()
    assert "Traceback" not in written
    assert "Exception in ASGI application" not in written
