"""What Claude pays for the four things people ask, through the SDK client against a real server: calls made
and tokens read, on the demo's sessions and on a 300-message, 4,000-line session. The table is printed and
written to test-artifacts/task-costs.md (`make costs` shows it); the test fails if a task takes more calls
than the tools promise (from a search hit to its context in one call; the tool list within its size).

Tokens are estimated as the result budget estimates them (mcp_gateway/protocol/tools/budget.py: UTF-8 bytes
over 2.4, what code-dense JSON measured with Claude's tokenizer): prose costs less than that. The tool list is
counted as JSON characters over 4.1, the ratio the issue measured for it.
"""

import json
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from django.core.management import call_command
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.protocol.tools.budget import estimated_tokens
from sessions_app.models import Message, Session
from tests.e2e.chromium import ARTIFACTS
from tests.factories import SessionFactory, add_file
from workspaces.models import Workspace

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

BIG_MESSAGES = 300
BIG_FILES = 4  # of 1,000 lines each
DECISION = "We decided to drop the nightly export and stream changes through a queue instead."
TOOL_LIST_CHARS_PER_TOKEN = 4.1
# What a model reads of the tool list (the rest — output schemas, annotations — the client keeps).
MODEL_READS = ("name", "description", "inputSchema")


@dataclass
class Cost:
    calls: int = 0
    tokens: int = 0
    largest: int = 0  # the largest one result, in tokens


class Reader:
    """A client that counts what each tool result costs the model: its text block, as Claude reads it."""

    def __init__(self, client: Client) -> None:
        self.client, self.cost = client, Cost()

    async def call(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = await self.client.call_tool(name, arguments)
        assert not result.is_error, (name, arguments, result.content)
        text = result.content[0].text
        tokens = estimated_tokens(text)
        self.cost.calls += 1
        self.cost.tokens += tokens
        self.cost.largest = max(self.cost.largest, tokens)
        return json.loads(text)

    async def all_pages(self, name: str, arguments: dict[str, Any]) -> list[dict[str, Any]]:
        pages, cursor = [], None
        while True:
            page = await self.call(name, {**arguments, **({"cursor": cursor} if cursor else {})})
            pages.append(page)
            if not (cursor := page.get("next_cursor")):
                return pages


async def summarise(reader: Reader, session: str) -> None:
    await reader.all_pages("get_chat_history", {"session": session})


async def review_changes(reader: Reader, session: str) -> None:
    files = [f for page in await reader.all_pages("list_session_files", {"session": session}) for f in page["files"]]
    for file in files:
        await reader.call("get_file_diff", {"session": session, "path": file["path"]})


async def explain_prototype(reader: Reader, session: str, accepts: set[str]) -> None:
    """Every text file read: with the listing where list_session_files can carry contents, the rest (and
    otherwise all) one get_file_content each."""
    listing = {"session": session, **({"with_content": True} if "with_content" in accepts else {})}
    files = [f for page in await reader.all_pages("list_session_files", listing) for f in page["files"]]
    for file in files:
        if not file["binary"] and "content" not in file:
            await reader.call("get_file_content", {"session": session, "path": file["path"]})


async def find_and_read_around(reader: Reader, session: str, query: str, accepts: set[str]) -> None:
    """Search, then read the chat around the first message hit: in one call where get_chat_history can
    start at a message, else page from the start until the hit's message arrives."""
    hits = (await reader.call("search_session", {"session": session, "query": query}))["hits"]
    index = next(hit["message_index"] for hit in hits if hit["kind"] == "message")
    if "start_index" in accepts:
        page = await reader.call("get_chat_history", {"session": session, "start_index": max(0, index - 5)})
        assert any(message["index"] == index for message in page["messages"])
        return
    cursor = None
    while True:
        page = await reader.call("get_chat_history", {"session": session, **({"cursor": cursor} if cursor else {})})
        if any(message["index"] == index for message in page["messages"]):
            return
        cursor = page["next_cursor"]


@pytest.fixture
def sessions(server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process
    workspace = Workspace.objects.get(slug="demo")
    demo = Session.objects.filter(workspace=workspace)
    picked = {
        "demo chat": demo.order_by("-message_count").first().public_id,
        "demo dev": demo.filter(kind="dev").order_by("-file_count").first().public_id,
        "demo prototype": demo.filter(kind="prototype").order_by("-file_count").first().public_id,
    }
    big_dev = SessionFactory(workspace=workspace, kind="dev", title="Orders: stream changes through a queue")
    Message.objects.bulk_create(
        Message(
            session=big_dev,
            index=index,
            role="user" if index % 2 else "assistant",
            content=DECISION if index == BIG_MESSAGES - 1 else f"Step {index}: " + "we looked at the export code. " * 8,
        )
        for index in range(BIG_MESSAGES)
    )
    Session.objects.filter(pk=big_dev.pk).update(message_count=BIG_MESSAGES)
    big_prototype = SessionFactory(workspace=workspace, kind="prototype", title="A 4,000-line prototype")
    for n in range(BIG_FILES):
        code = "".join(
            f"export function step{n}_{line}(order) {{ return order.total * {line}; }}\n" for line in range(1000)
        )
        add_file(big_dev, f"src/orders/export_{n}.ts", before=code, after=code.replace("order.total", "order.net"))
        add_file(big_prototype, f"src/steps_{n}.ts", after=code)
    return picked | {
        "big dev": big_dev.public_id,
        "big prototype": big_prototype.public_id,
        "key": mcp_key_create(workspace=workspace, name="costs").key,
    }


async def test_what_each_task_costs_claude(server, sessions):
    async with (
        httpx2.AsyncClient(headers={"X-MCP-API-Key": sessions["key"]}, timeout=60) as http,
        Client(streamable_http_client(f"{server}/mcp", http_client=http)) as client,
    ):
        tools = [
            tool.model_dump(by_alias=True, exclude_none=True, mode="json") for tool in (await client.list_tools()).tools
        ]
        accepts = set(next(t for t in tools if t["name"] == "get_chat_history")["inputSchema"]["properties"])
        listing = set(next(t for t in tools if t["name"] == "list_session_files")["inputSchema"]["properties"])
        tasks = [
            ("summarise a session's chat", "demo chat", lambda r: summarise(r, sessions["demo chat"])),
            ("list what changed and show the diffs", "demo dev", lambda r: review_changes(r, sessions["demo dev"])),
            (
                "explain how a prototype works",
                "demo prototype",
                lambda r: explain_prototype(r, sessions["demo prototype"], listing),
            ),
            (
                "find where it was decided, read around it",
                "demo dev",
                lambda r: find_and_read_around(r, sessions["demo dev"], "token bucket", accepts),
            ),
            ("summarise a session's chat", "300 messages", lambda r: summarise(r, sessions["big dev"])),
            ("list what changed and show the diffs", "4,000 lines", lambda r: review_changes(r, sessions["big dev"])),
            (
                "explain how a prototype works",
                "4,000 lines",
                lambda r: explain_prototype(r, sessions["big prototype"], listing),
            ),
            (
                "find where it was decided, read around it",
                "300 messages",
                lambda r: find_and_read_around(r, sessions["big dev"], "drop nightly export", accepts),
            ),
        ]
        rows = []
        for task, data, run in tasks:
            reader = Reader(client)
            await run(reader)
            rows.append((task, data, reader.cost))
    read = json.dumps([{name: tool[name] for name in MODEL_READS if name in tool} for tool in tools])
    wire = json.dumps(tools, separators=(",", ":"))  # as it is sent
    table = [
        "| what Claude is asked | on | calls | tokens read | largest result |",
        "|---|---|---|---|---|",
        *(f"| {task} | {data} | {cost.calls} | {cost.tokens:,} | {cost.largest:,} |" for task, data, cost in rows),
        "",
        f"Tool list: {len(tools)} tools; what the model reads (names, descriptions, input schemas) "
        f"{len(read):,} characters, about {len(read) / TOOL_LIST_CHARS_PER_TOKEN:,.0f} tokens; on the wire "
        f"with output schemas and annotations {len(wire):,} characters (compact JSON), about "
        f"{len(wire) / TOOL_LIST_CHARS_PER_TOKEN:,.0f} tokens.",
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "task-costs.md").write_text("\n".join(table) + "\n")
    print("\n" + "\n".join(table))
    find_big = rows[-1][2]
    assert find_big.calls <= 2, "a search hit is one call from its context"
    # No result reaches Claude Code's warning (10,000 tokens of tool output).
    assert max(cost.largest for _, _, cost in rows) <= 10_000
    assert len(read) <= 7_400
    assert len(wire) <= 16_400
