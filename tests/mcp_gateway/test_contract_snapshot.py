"""The MCP contract as a client sees it — every tool's and prompt's name, title, description, schemas and
annotations — against a committed snapshot, so any change to it shows in review. After a deliberate
change: ALLOY_UPDATE_SNAPSHOT=1 pytest tests/mcp_gateway/test_contract_snapshot.py, and commit the file."""

import json
import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

SNAPSHOT = Path(__file__).parent / "snapshots" / "tools_and_prompts.json"


async def test_tools_and_prompts_match_the_committed_snapshot(mcp, key):
    async with mcp(key) as client:
        tools = (await client.list_tools()).tools
        prompts = (await client.list_prompts()).prompts
    contract = {
        "tools": [tool.model_dump(by_alias=True, exclude_none=True) for tool in tools],
        "prompts": [prompt.model_dump(by_alias=True, exclude_none=True) for prompt in prompts],
    }
    text = json.dumps(contract, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("ALLOY_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text(), "the MCP contract changed: review it, then update the snapshot"


async def test_each_tool_declares_itself_read_only(mcp, key):
    async with mcp(key) as client:
        tools = (await client.list_tools()).tools
    for tool in tools:
        annotations = tool.annotations
        assert annotations.title == tool.title
        assert (annotations.read_only_hint, annotations.destructive_hint) == (True, False)
        assert (annotations.idempotent_hint, annotations.open_world_hint) == (True, False)
