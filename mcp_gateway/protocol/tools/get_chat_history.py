"""get_chat_history: a session's chat, oldest to newest, in pages that fit the result budget."""

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.cursors import decode_cursor, encode_cursor
from mcp_gateway.protocol.tools.budget import cut_to_fit, json_len, room_left
from mcp_gateway.protocol.tools.calls import run_tool
from mcp_gateway.protocol.tools.results import MessageView, PagedResult, SessionRefView, message_view, session_ref_view
from mcp_gateway.protocol.tools.spec import CursorArgument, SessionArgument, ToolSpec, read_only
from sessions_app import selectors

DESCRIPTION = """\
Read an Alloy session's chat between the user and the AI, oldest message first: what was asked, what
was decided and why. Long chats come in pages: pass next_cursor back as `cursor` to continue. A message
too long for one result is cut, says how much is left, and the next page continues it.

Use it to summarise a session, find the decisions behind a change, or see how a prototype evolved.

Example: get_chat_history(session="https://alloy.app/acme/p/hBt7Qm2xLp9VwK4sRz8dNa/edit", limit=50)"""


class ChatHistoryResult(PagedResult):
    session: SessionRefView
    total_messages: int
    messages: list[MessageView]


async def get_chat_history(
    session: SessionArgument,
    ctx: Context,
    cursor: CursorArgument = None,
    limit: Annotated[int, Field(description="Messages per page.", ge=1, le=selectors.MAX_MESSAGES_PAGE)] = 50,
) -> Annotated[CallToolResult, ChatHistoryResult]:
    return await run_tool(ctx, SPEC, session=session, cursor=cursor, limit=limit)


def chat_history(principal: Principal, *, session: str, cursor: str | None, limit: int) -> dict[str, Any]:
    """A page of the chat, as many messages as fit the budget; a message too long for a whole result is cut
    and the next page continues it (the cursor holds the message and the character to go on from)."""
    start_index, start_char = decode_cursor(cursor, "messages", (int, int)) if cursor else (0, 0)
    found, page = selectors.message_page(
        workspace=principal.workspace, session_ref=session, start_index=start_index, limit=limit
    )
    # Built as the dict it is sent as (ChatHistoryResult is its schema; the SDK checks it against it).
    result: dict[str, Any] = {"session": session_ref_view(found), "total_messages": found.message_count}
    room = room_left(result)
    result["messages"] = messages = []
    for message in page.items:
        offset = start_char if message.index == start_index else 0
        view = message_view(message, content=message.content[offset:], starts_at_char=offset)
        size = json_len(view) + 1
        if size <= room:
            messages.append(view)
            room -= size
            continue
        if not messages:  # one message larger than a whole result: show its start
            view["content"] = cut_to_fit(view["content"], room - json_len({**view, "content": ""}))
            shown_to = offset + len(view["content"])
            result["next_cursor"] = encode_cursor("messages", message.index, shown_to)
            view["truncated"] = {
                "remaining_chars": len(message.content) - shown_to,
                "fetch_rest_with": {"session": found.public_id, "cursor": result["next_cursor"]},
            }
            messages.append(view)
        else:
            result["next_cursor"] = encode_cursor("messages", message.index, 0)
        return result
    if page.following is not None:
        result["next_cursor"] = encode_cursor("messages", page.following.index, 0)
    return result


SPEC = ToolSpec(
    name="get_chat_history",
    description=DESCRIPTION,
    handler=get_chat_history,
    work=chat_history,
    annotations=read_only("Read Alloy session chat"),
    shows_session=True,
)
