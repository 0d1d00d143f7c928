"""What Claude pays for the four things people ask, through the SDK client against a real server: calls made
and tokens read, on the demo's sessions and on sessions of the shapes people bring (tests/session_shapes.py:
a 600-message chat, a 40-file change with a 12,000-line lock file, a 25-file prototype). The table is printed
and written to test-artifacts/task-costs.md (`make costs` shows it); the test fails where a task costs more
than the tools promise (docs/mcp-responses.md, "What a task costs").

Tokens are estimated as the result budget estimates them (mcp_gateway/protocol/tools/budget.py,
`result_tokens`): UTF-8 bytes over 2.4 for code-dense JSON, what it measured with Claude's tokenizer; a
chat's texts as prose (3.6) but for their code blocks. The tool list is counted as JSON characters over 4.1,
the ratio the issue measured for it.
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
from mcp_gateway.protocol.tools.budget import result_tokens
from sessions_app.documents import parse_document
from sessions_app.models import Message, Session
from sessions_app.services import session_import
from tests import session_shapes
from tests.e2e.chromium import ARTIFACTS
from workspaces.models import Workspace

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

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
        tokens = result_tokens(json.loads(text), prose=name == "get_chat_history")
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


async def summarise(reader: Reader, session: str, messages: int) -> None:
    """Every message accounted for: the outline of the whole chat."""
    pages = await reader.all_pages("get_chat_history", {"session": session, "detail": "outline"})
    assert sum(len(page["outline"]) for page in pages) == messages


async def read_the_persons_prompts(reader: Reader, session: str) -> int:
    """The person's messages, whole; returns how many characters they hold."""
    pages = await reader.all_pages("get_chat_history", {"session": session, "role": "user"})
    return sum(len(message["content"]) for page in pages for message in page["messages"])


async def review_changes(reader: Reader, session: str, files: int) -> list[dict[str, Any]]:
    """Every change accounted for: get_file_diff without a path, every page."""
    pages = await reader.all_pages("get_file_diff", {"session": session})
    diffs = [diff for page in pages for diff in page["diffs"] if "starts_at_line" not in diff]
    assert len(diffs) == files
    return diffs


async def explain_prototype(reader: Reader, session: str) -> list[dict[str, Any]]:
    """The map of the code, every page of it."""
    pages = await reader.all_pages("list_session_files", {"session": session, "with_outline": True})
    return [file for page in pages for file in page["files"]]


async def find_and_read_around(reader: Reader, session: str, query: str) -> None:
    """Search, then read the chat around the first message hit, starting a few messages before it."""
    hits = (await reader.call("search_session", {"session": session, "query": query}))["hits"]
    index = next(hit["message_index"] for hit in hits if hit["kind"] == "message")
    page = await reader.call("get_chat_history", {"session": session, "start_index": max(0, index - 5)})
    assert any(message["index"] == index for message in page["messages"])


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
    for document in (
        session_shapes.chat_document("demo", "shape-long-chat"),
        session_shapes.dev_document("demo", "shape-dev-change"),
        session_shapes.prototype_document("demo", "shape-prototype"),
    ):
        session_import(document=parse_document(document))
    chat = Session.objects.get(public_id="shape-long-chat")
    return picked | {
        "chat": chat.public_id,
        "chat messages": chat.message_count,
        "prompts": list(Message.objects.filter(session=chat, role="user").values_list("content", flat=True)),
        "dev": "shape-dev-change",
        "dev files": Session.objects.get(public_id="shape-dev-change").file_count,
        "prototype": "shape-prototype",
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
        demo_messages = (
            await Session.objects.filter(public_id=sessions["demo chat"]).values_list("message_count", flat=True).aget()
        )
        demo_files = (
            await Session.objects.filter(public_id=sessions["demo dev"]).values_list("file_count", flat=True).aget()
        )
        results: dict[str, Any] = {}

        async def keep(name: str, work: Any) -> None:
            results[name] = await work

        tasks = [
            ("summarise a session's chat", "demo", lambda r: summarise(r, sessions["demo chat"], demo_messages)),
            (
                "list what changed and show the diffs",
                "demo",
                lambda r: review_changes(r, sessions["demo dev"], demo_files),
            ),
            ("explain how a prototype works", "demo", lambda r: explain_prototype(r, sessions["demo prototype"])),
            (
                "find where it was decided, read around it",
                "demo",
                lambda r: find_and_read_around(r, sessions["demo dev"], "token bucket"),
            ),
            (
                "summarise a session's chat (outline)",
                f"{sessions['chat messages']} messages",
                lambda r: summarise(r, sessions["chat"], sessions["chat messages"]),
            ),
            (
                "read the person's messages whole",
                f"{sum(map(len, sessions['prompts'])):,} characters of them, "
                f"{result_tokens(sessions['prompts'], prose=True):,} tokens as bare text",
                lambda r: keep("prompts", read_the_persons_prompts(r, sessions["chat"])),
            ),
            (
                "list what changed and show the diffs",
                f"{sessions['dev files']} files, a 12,000-line lock file",
                lambda r: keep("diffs", review_changes(r, sessions["dev"], sessions["dev files"])),
            ),
            (
                "explain how a prototype works (the map)",
                "25 files, 2,500 lines",
                lambda r: keep("map", explain_prototype(r, sessions["prototype"])),
            ),
            (
                "find where it was decided, read around it",
                f"{sessions['chat messages']} messages",
                lambda r: find_and_read_around(r, sessions["chat"], "rename"),
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
    cost = {task + " " + data: cost for task, data, cost in rows}
    outline = cost[f"summarise a session's chat (outline) {sessions['chat messages']} messages"]
    assert outline.calls <= 5, "a 600-message chat accounted for in at most 5 calls"
    assert outline.tokens <= 35_000
    prompts = rows[5][2]
    assert results["prompts"] == sum(map(len, sessions["prompts"]))
    own_text = result_tokens(sessions["prompts"], prose=True)  # their text alone, estimated as results are
    assert prompts.tokens <= own_text * 1.15, "the person's messages cost at most their own text and 15%"
    review = rows[6][2]
    assert review.calls <= 4, "every change of 40 files in at most 4 calls"
    assert review.tokens <= 22_000
    diffs = {diff["path"]: diff for diff in results["diffs"]}
    assert "packages" in diffs["package-lock.json"]
    assert len(diffs["package-lock.json"]["packages"]["changed"]) == 265
    assert (diffs["src/lib/format.js"]["renamed_from"], "diff" in diffs["src/lib/format.js"]) == (
        "src/utils/format.js",
        False,
    )
    mapped = rows[7][2]
    assert mapped.calls == 1, "the map of a 25-file prototype in one call"
    assert mapped.tokens <= 3_500
    assert len(results["map"]) == 25
    assert rows[-1][2].calls <= 2, "a search hit is one call from its context"
    # No result reaches Claude Code's warning (10,000 tokens of tool output).
    assert max(cost.largest for _, _, cost in rows) <= 10_000
    assert len(read) <= 7_400
    assert len(wire) <= 17_600  # as tests/mcp_gateway/test_tool_list.py holds it
