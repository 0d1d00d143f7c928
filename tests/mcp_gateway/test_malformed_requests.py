"""Malformed input on /mcp (tests/probes.py): JSON-RPC envelopes, and every tool's arguments and cursors —
no 500, no stack trace, no error logged, and nothing of another workspace in any answer."""

import inspect
import json
import logging
import random
import re

import pytest

from mcp_gateway.protocol.tools import TOOLS
from tests.probes import PROBES_PER_AREA, SEED, assert_clean, nasty_value

ECHOED_WORKSPACE = re.compile(r"the link is to workspace globex|connect Alloy to globex|an MCP key of globex")
HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"}
# Each tool's arguments, as its handler (hence its input schema) names them: a new tool is probed too.
TOOL_ARGUMENTS = {
    spec.name: [name for name in inspect.signature(spec.handler).parameters if name != "ctx"] for spec in TOOLS
}


@pytest.fixture
def session_ids(prototype, dev, foreign) -> list[str]:
    return [prototype.public_id, dev.public_id, foreign.public_id, prototype.link(), foreign.link()]


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_json_rpc_envelopes(http, key, caplog, settings):
    settings.ALLOY_MCP_CALLS_PER_MINUTE = 0
    rng = random.Random(SEED)
    methods = ["tools/call", "tools/list", "initialize", "prompts/get", "resources/read", "ping"]
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        for _ in range(PROBES_PER_AREA):
            body = {"jsonrpc": rng.choice(["2.0", "1.0", 2, None])}
            for field in ("id", "method", "params"):
                if rng.random() < 0.8:
                    body[field] = rng.choice([nasty_value(rng, []), *methods])
            payload = json.dumps(body).encode()
            with caplog.at_level(logging.WARNING):
                response = await client.post("/mcp", content=payload)
            assert_clean(response, caplog, payload[:300])


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_tool_arguments_and_cursors(http, key, session_ids, caplog, settings):
    settings.ALLOY_MCP_CALLS_PER_MINUTE = 0
    rng = random.Random(SEED + 1)
    async with http(**HEADERS, **{"X-MCP-API-Key": key}) as client:
        for number in range(PROBES_PER_AREA * 2):
            tool = rng.choice(list(TOOL_ARGUMENTS))
            arguments = {name: nasty_value(rng, session_ids) for name in TOOL_ARGUMENTS[tool] if rng.random() < 0.7}
            call = {"jsonrpc": "2.0", "id": number, "method": "tools/call"}
            call["params"] = {"name": tool, "arguments": arguments}
            with caplog.at_level(logging.WARNING):
                response = await client.post("/mcp", json=call)
            assert_clean(response, caplog, (tool, arguments))
            # Nothing of the other workspace (globex, its session) in any answer, but for the sentence
            # that names the workspace a pasted link is to and the arguments themselves (a search's query
            # is told back): the caller's own words.
            told = ECHOED_WORKSPACE.sub("", response.text)
            for value in arguments.values():
                if isinstance(value, str) and value:
                    told = told.replace(json.dumps(value)[1:-1], "").replace(
                        json.dumps(json.dumps(value)[1:-1])[1:-1], ""
                    )
            assert "globex" not in told.lower(), (tool, arguments)
            assert "Secret" not in told, (tool, arguments)
