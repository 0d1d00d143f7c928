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
from sessions_app.errors import InvalidArgument

DESCRIPTION = """\
A session's chat between the user and the AI, oldest first, in pages (pass next_cursor as `cursor`).
`start_index` starts at a message, e.g. a search hit's message_index less a few. A message too long for
one result is cut and the next page continues it.

Use it to summarise a session or find the reasons behind a change.

Example: get_chat_history(session="hBt7Qm2xLp9VwK4sRz8dNa", start_index=40, limit=20)"""


class ChatHistoryResult(PagedResult):
    session: SessionRefView
    total_messages: int
    messages: list[MessageView]


async def get_chat_history(
    session: SessionArgument,
    ctx: Context,
    cursor: CursorArgument = None,
    start_index: Annotated[
        int | None, Field(description="The message to start at (its index); leave out for the first.", ge=0)
    ] = None,
    limit: Annotated[int, Field(description="Messages per page.", ge=1, le=selectors.MAX_MESSAGES_PAGE)] = 50,
) -> Annotated[CallToolResult, ChatHistoryResult]:
    return await run_tool(ctx, SPEC, session=session, cursor=cursor, start_index=start_index, limit=limit)


def chat_history(
    principal: Principal, *, session: str, cursor: str | None, start_index: int | None = None, limit: int
) -> dict[str, Any]:
    """A page of the chat from `start_index` (or where `cursor` says), as many messages as fit the budget;
    a message too long for a whole result is cut and the next page continues it (the cursor holds the
    message and the character to go on from)."""
    if cursor and start_index is not None:
        raise InvalidArgument("Pass cursor or start_index, not both: a cursor already says where to go on.")
    if cursor:
        start_index, start_char = decode_cursor(cursor, "messages", (int, int))
    else:
        start_index, start_char = start_index or 0, 0
    found, page = selectors.message_page(
        workspace=principal.workspace, session_ref=session, start_index=start_index, limit=limit
    )
    if not page.items and start_index and start_index >= found.message_count:
        raise InvalidArgument(
            f"start_index {start_index} is past the chat's last message, {found.message_count - 1}"
            f" (it has {found.message_count}); indexes start at 0."
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
