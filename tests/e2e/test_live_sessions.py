"""A session written while Claude reads it, against a real server (two workers, the serving role behind the wall):
four writers append 500 messages through the ingestion API, overlapping one another (so many are sent twice),
while two readers page through get_chat_history with the mcp SDK client, going on from where the last page said.
Every message arrives exactly once, in order; no reader or writer sees an error. And each credential stays in
its lane: an MCP key cannot write, an ingestion key cannot read."""

from datetime import UTC, datetime, timedelta

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from ingest.keys import ingest_key_create
from mcp_gateway.keys.services import mcp_key_create
from mcp_gateway.protocol.workers import run_in_worker
from sessions_app.models import Message, Session
from sessions_app.tenancy import every_workspace

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

TOTAL = 500
SESSION_ID = "live-e2e-session-01"
START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def message(index: int) -> dict:
    return {
        "index": index,
        "role": "user" if index % 2 == 0 else "assistant",
        "author": "Dana" if index % 2 == 0 else "Alloy",
        "content": f"message {index}: " + "words " * (index % 40),
        "created_at": (START + timedelta(seconds=index)).isoformat(),
    }


@pytest.fixture
def keys(workspace, owner) -> tuple[str, str]:
    ingest = ingest_key_create(workspace=workspace, name="builder-api", created_by=owner).key
    return ingest, mcp_key_create(workspace=workspace, name="Claude", created_by=owner).key


async def test_four_writers_and_two_readers_every_message_once_in_order(server, keys):
    ingest, mcp = keys
    sessions = f"{server}/api/v1/workspaces/acme/sessions/"
    messages = f"{sessions}{SESSION_ID}/messages/"
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {ingest}"}, timeout=30) as api:
        started = await api.post(sessions, json={"id": SESSION_ID, "kind": "prototype", "title": "Live"})
        assert started.status_code == 201, started.text
        done = anyio.Event()
        writer_errors: list[str] = []
        sent_again = 0

        async def writer(batch: int) -> None:
            nonlocal sent_again
            count = 0
            while count < TOTAL:
                # From the chat's end as this writer last saw it: what the others appended since comes back unchanged.
                response = await api.post(
                    messages, json={"messages": [message(n) for n in range(count, min(count + batch, TOTAL))]}
                )
                if response.status_code != 200:
                    writer_errors.append(response.text)
                    return
                answer = response.json()
                sent_again += answer["unchanged"]
                count = answer["message_count"]

        async def reader(seen: list[int], errors: list[str]) -> None:
            async with (
                httpx2.AsyncClient(headers={"X-MCP-API-Key": mcp}, timeout=30) as http,
                Client(streamable_http_client(f"{server}/mcp", http_client=http)) as client,
            ):
                arguments: dict = {"session": SESSION_ID, "start_index": 0, "limit": 40}
                while len(seen) < TOTAL:
                    result = await client.call_tool("get_chat_history", arguments)
                    if result.is_error:
                        errors.append(result.content[0].text)
                        return
                    page = result.structured_content
                    seen += [item["index"] for item in page["messages"]]
                    if cursor := page.get("next_cursor"):
                        arguments = {"session": SESSION_ID, "cursor": cursor}
                        continue
                    assert "start_index=" in page["live"]  # the last page says where what comes next starts
                    if done.is_set() and len(seen) >= TOTAL:
                        return
                    await anyio.sleep(0.02)
                    arguments = {"session": SESSION_ID, "start_index": len(seen), "limit": 40}

        readings: list[list[int]] = [[], []]
        reader_errors: list[str] = []
        async with anyio.create_task_group() as readers:
            for seen in readings:
                readers.start_soon(reader, seen, reader_errors)
            async with anyio.create_task_group() as writers:
                for batch in (5, 7, 11, 13):
                    writers.start_soon(writer, batch)
            done.set()

        assert writer_errors == []
        assert reader_errors == []
        assert sent_again > 0  # the writers overlapped: repeats were sent, and were no-ops
        for seen in readings:
            assert seen == list(range(TOTAL))

        repeated = await api.post(messages, json={"messages": [message(n) for n in range(3)]})
        assert repeated.json() == {"appended": 0, "unchanged": 3, "message_count": TOTAL}
        gap = await api.post(messages, json={"messages": [message(TOTAL + 1)]})
        assert gap.status_code == 409
        assert gap.json() == {"detail": f"The next message's index is {TOTAL}, not {TOTAL + 1}."}
        finished = await api.patch(f"{sessions}{SESSION_ID}/", json={"status": "completed"})
        assert finished.json()["status"] == "completed"

    stored, session = await run_in_worker(stored_session)
    assert [(row.index, row.content) for row in stored] == [(n, message(n)["content"]) for n in range(TOTAL)]
    assert (session.message_count, session.status) == (TOTAL, "completed")


async def test_an_mcp_key_cannot_write_and_an_ingestion_key_cannot_read(server, keys):
    ingest, mcp = keys
    async with httpx2.AsyncClient(timeout=30) as http:
        write = await http.post(
            f"{server}/api/v1/workspaces/acme/sessions/",
            json={"kind": "dev", "title": "x"},
            headers={"Authorization": f"Bearer {mcp}"},
        )
        assert write.status_code == 401
        assert write.json()["detail"].startswith("That is an MCP key: it reads sessions over /mcp.")
        read = await http.post(
            f"{server}/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={
                "Authorization": f"Bearer {ingest}",
                "accept": "application/json, text/event-stream",
                "mcp-protocol-version": "2025-11-25",
            },
        )
        assert read.status_code == 401
        assert "That is an ingestion key" in read.json()["error_description"]
    assert not await run_in_worker(Session.objects.exists)


def stored_session() -> tuple[list[Message], Session]:
    with every_workspace():
        return list(Message.objects.filter(session__public_id=SESSION_ID).order_by("index")), Session.objects.get(
            public_id=SESSION_ID
        )
