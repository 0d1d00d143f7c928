"""get_chat_history: a session's chat, oldest to newest, in pages that fit the result budget; whole, or as
an outline (a line a message) to skim a long chat; of every role, or only the person's prompts."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from django.conf import settings
from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.cursors import decode_cursor, encode_cursor
from mcp_gateway.protocol.tools.budget import BYTES_PER_TOKEN, cut_to_fit, json_len, result_tokens
from mcp_gateway.protocol.tools.calls import run_tool
from mcp_gateway.protocol.tools.results import (
    MessageView,
    PagedResult,
    SessionRefView,
    live_note,
    message_view,
    session_ref_view,
)
from mcp_gateway.protocol.tools.spec import CursorArgument, SessionArgument, ToolSpec, read_only
from sessions_app import selectors
from sessions_app.errors import InvalidArgument
from sessions_app.models import MessageRole, Session
from sessions_app.pagination import Page

Detail = Literal["full", "outline"]
# An outline line shows a message's first OPENING_CHARS characters, or a person's message whole up to
# WHOLE_PROMPT_CHARS (their prompts are what a summary is about, and most are short).
OPENING_CHARS = 140
WHOLE_PROMPT_CHARS = 280
OUTLINE_DEFAULT_LIMIT = selectors.MAX_MESSAGES_PAGE
FULL_DEFAULT_LIMIT = 50
# Room kept for the page's own fields (next_cursor, a continuation), in tokens.
ENVELOPE_RESERVE_TOKENS = 250
READ_WHOLE = (
    "Each line: #index role author · time · length: its opening words (… where cut). Read one whole with"
    " start_index=index, limit=1."
)

DESCRIPTION = """\
A session's chat, oldest first, in pages (pass next_cursor as `cursor`). detail="outline": a line a
message (index, role, time, length, opening words) to skim a long chat, then read what matters.
role="user": only the user's messages. `start_index` starts at a message, e.g. a search hit's.

Use it to summarise a session or find the reasons behind a change.

Example: get_chat_history(session="hBt7Qm2xLp9VwK4sRz8dNa", detail="outline")"""


class ChatHistoryResult(PagedResult):
    session: SessionRefView
    total_messages: int
    role: MessageRole | None = None
    authors: list[str] | None = None
    messages: list[MessageView] | None = None
    outline: list[str] | None = None
    read_whole: str | None = None
    live: str | None = Field(
        default=None, description="On the last page of a running session: more may come, and how to read it."
    )


async def get_chat_history(
    session: SessionArgument,
    ctx: Context,
    cursor: CursorArgument = None,
    start_index: Annotated[
        int | None, Field(description="The message to start at (its index); leave out for the first.", ge=0)
    ] = None,
    limit: Annotated[
        int | None,
        Field(
            description=f"Messages per page (default {FULL_DEFAULT_LIMIT}; outline {OUTLINE_DEFAULT_LIMIT}).",
            ge=1,
            le=selectors.MAX_MESSAGES_PAGE,
        ),
    ] = None,
    detail: Annotated[Detail, Field(description="full: messages whole. outline: a line a message.")] = "full",
    role: Annotated[MessageRole | None, Field(description="Only this role's messages, e.g. user.")] = None,
) -> Annotated[CallToolResult, ChatHistoryResult]:
    return await run_tool(
        ctx, SPEC, session=session, cursor=cursor, start_index=start_index, limit=limit, detail=detail, role=role
    )


def chat_history(
    principal: Principal,
    *,
    session: str,
    cursor: str | None,
    start_index: int | None = None,
    limit: int | None = None,
    detail: Detail = "full",
    role: str | None = None,
) -> dict[str, Any]:
    """A page of the chat from `start_index` (or where `cursor` says), as many messages as fit the budget.
    Whole, a message too long for a whole result is cut and the next page continues it (the cursor holds
    the message and the character to go on from); as an outline, a line a message. A cursor goes on as the
    page it came from did (its detail and role)."""
    if cursor and start_index is not None:
        raise InvalidArgument("Pass cursor or start_index, not both: a cursor already says where to go on.")
    if cursor:
        start_index, start_char, cursor_detail, cursor_role = decode_cursor(cursor, "messages", (int, int, str, str))
        if cursor_detail not in get_args(Detail) or cursor_role not in ("", *get_args(MessageRole)):
            raise InvalidArgument("That cursor is not one this tool issued; pass next_cursor unchanged.")
        detail, role = cursor_detail, cursor_role or None
    else:
        start_index, start_char = start_index or 0, 0
    outline = detail == "outline"
    found, page = selectors.message_page(
        workspace=principal.workspace,
        session_ref=session,
        start_index=start_index,
        limit=limit or (OUTLINE_DEFAULT_LIMIT if outline else FULL_DEFAULT_LIMIT),
        role=role,
        # A little past what a line shows, to cut at a word.
        opening_chars=WHOLE_PROMPT_CHARS + 40 if outline else None,
    )
    # The next message of a running session is where its last page said to go on: nothing new yet is no error.
    awaited = start_index == found.message_count and found.status == Session.Status.ACTIVE
    if not page.items and start_index and start_index >= found.message_count and not awaited:
        raise InvalidArgument(
            f"start_index {start_index} is past the chat's last message, {found.message_count - 1}"
            f" (it has {found.message_count}); indexes start at 0."
        )
    # Built as the dict it is sent as (ChatHistoryResult is its schema; the SDK checks it against it).
    result: dict[str, Any] = {"session": session_ref_view(found), "total_messages": found.message_count}
    if role is not None:  # said once: the page's messages leave out their role, author and time
        result["role"] = role
        result["authors"] = sorted({message.author for message in page.items})

    def cursor_at(index: int, char: int = 0) -> str:
        return encode_cursor("messages", index, char, detail, role or "")

    # Room for the note a running session's last page ends with, kept from the start: a page may be the last.
    reserved = _tokens(note) if (note := live_note(found.status, found.message_count)) else 0
    if outline:
        result["read_whole"] = READ_WHOLE
        result["outline"] = lines = []
        room = _room(result) - reserved
        day = None
        for message in page.items:
            line = _outline_line(message, by_role=role is not None, same_day=day == _day(message.created_at))
            cost = _tokens(line) + 1
            if cost > room:
                result["next_cursor"] = cursor_at(message.index)
                return result
            lines.append(line)
            room -= cost
            day = _day(message.created_at)
        _go_on(result, page, cursor_at, note)
        return result

    result["messages"] = messages = []
    room = _room(result) - reserved
    for message in page.items:
        offset = start_char if message.index == start_index else 0
        view = message_view(message, content=message.content[offset:], starts_at_char=offset, brief=role is not None)
        cost = _tokens(view) + 1
        if cost <= room:
            messages.append(view)
            room -= cost
            continue
        if not messages:  # one message larger than a whole result: show its start
            room_bytes = int(room * BYTES_PER_TOKEN) - json_len({**view, "content": ""})  # as if all code
            view["content"] = cut_to_fit(view["content"], room_bytes)
            shown_to = offset + len(view["content"])
            result["next_cursor"] = cursor_at(message.index, shown_to)
            view["truncated"] = {
                "remaining_chars": len(message.content) - shown_to,
                "fetch_rest_with": {"session": found.public_id, "cursor": result["next_cursor"]},
            }
            messages.append(view)
        else:
            result["next_cursor"] = cursor_at(message.index)
        return result
    _go_on(result, page, cursor_at, note)
    return result


def _go_on(
    result: dict[str, Any], page: Page[selectors.ChatMessage], cursor_at: Callable[[int], str], note: str | None
) -> None:
    """Where the next page starts; on the last page of a running session, that more may come (a cursor is a
    message index, so one minted before an append goes on from there: nothing skipped or read twice)."""
    if page.following is not None:
        result["next_cursor"] = cursor_at(page.following.index)
    elif note is not None:
        result["live"] = note


def _tokens(value: Any) -> int:
    return result_tokens(value, prose=True)


def _room(result: dict[str, Any]) -> int:
    return settings.ALLOY_MCP_MAX_RESULT_TOKENS - _tokens(result) - ENVELOPE_RESERVE_TOKENS


def _day(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d") if moment is not None else None


def _outline_line(message: selectors.ChatMessage, *, by_role: bool, same_day: bool) -> str:
    """`#12 user Dana · 2026-11-03 10:22 · 1,204 chars: the opening words…`: the date only where it changes,
    the role and author only when the page is not of one role."""
    head = f"#{message.index}" if by_role else f"#{message.index} {message.role} {message.author}".rstrip()
    if message.created_at is not None:
        head += " · " + message.created_at.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")
    text = " ".join(message.content.split())  # one line: runs of whitespace, newlines too, as one space
    whole = message.length <= (WHOLE_PROMPT_CHARS if message.role == "user" else OPENING_CHARS)
    if not whole:
        cut = text[:OPENING_CHARS]
        text = (cut.rsplit(" ", 1)[0] if " " in cut[OPENING_CHARS // 2 :] else cut) + "…"
    return f"{head} · {message.length:,} chars: {text}"


SPEC = ToolSpec(
    name="get_chat_history",
    description=DESCRIPTION,
    handler=get_chat_history,
    work=chat_history,
    annotations=read_only("Read Alloy session chat"),
    shows_session=True,
    prose=True,
)
