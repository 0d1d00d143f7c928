"""What a user would build instead of Alloy, for `make bench`'s row beside the floor: the `mcp` SDK's own
server with one tool, `get_chat_history`, reading through the Django ORM with `sync_to_async` as Django's
documentation shows it. The same call as Alloy's measured row, made the plain way: the MCP key from its
header looked up (its keyed hash presented to the wall, prefix and hash compared in constant time) on every
call, the database wall set in a transaction (so row-level security holds as in production), the session
and a page of its messages read with the ORM, returned as structured content. No cache, no pool of worker
threads, no pipelining, no rate limits, no activity log, no output budget.

    DJANGO_SETTINGS_MODULE=alloy.settings .venv/bin/uvicorn scripts.plain_server:app --port 8767
"""

import hmac

import django

django.setup()

from asgiref.sync import sync_to_async  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from mcp.server import MCPServer  # noqa: E402
from mcp.server.mcpserver import Context  # noqa: E402
from pydantic import BaseModel  # noqa: E402

from mcp_gateway.auth.key_format import hash_key, parse_key  # noqa: E402
from mcp_gateway.models import McpKey  # noqa: E402
from scripts.floor_server import stateless_app  # noqa: E402
from sessions_app.models import Message, Session  # noqa: E402

server = MCPServer(name="plain", log_level="WARNING")


class SessionRef(BaseModel):
    id: str
    title: str


class ChatMessage(BaseModel):
    index: int
    role: str
    author: str
    created_at: str | None
    content: str


class ChatPage(BaseModel):
    session: SessionRef
    messages: list[ChatMessage]


def read_chat(key: str, session_id: str, limit: int) -> ChatPage:
    parsed = parse_key(key)
    presented = hash_key(parsed.key)
    with transaction.atomic():
        with connection.cursor() as cursor:  # the wall shows the serving role the presented key alone
            cursor.execute("SELECT set_config('alloy.presented_key', %s, true)", [presented])
        row = McpKey.objects.unrevoked().select_related("workspace").get(prefix=parsed.lookup)
        if not hmac.compare_digest(presented, row.key_hash):
            raise ValueError("invalid key")
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('alloy.workspace_id', %s, true)", [str(row.workspace_id)])
        session = Session.objects.get(workspace=row.workspace, public_id=session_id)
        messages = Message.objects.filter(session=session).order_by("index")[:limit]
        return ChatPage(
            session=SessionRef(id=session.public_id, title=session.title),
            messages=[
                ChatMessage(
                    index=message.index,
                    role=message.role,
                    author=message.author,
                    created_at=message.created_at.isoformat() if message.created_at else None,
                    content=message.content,
                )
                for message in messages
            ],
        )


@server.tool(name="get_chat_history", description="A page of a session's chat, oldest first.")
async def get_chat_history(session: str, ctx: Context, limit: int = 20) -> ChatPage:
    return await sync_to_async(read_chat)((ctx.headers or {}).get("x-mcp-api-key", ""), session, limit)


app = stateless_app(server)
