"""search_session: where words occur in one session's chat and files."""

import hashlib
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from mcp_gateway.auth.principal import Principal
from mcp_gateway.protocol.cursors import decode_cursor, encode_cursor
from mcp_gateway.protocol.file_uris import links_to_files
from mcp_gateway.protocol.tools.budget import fit_count, json_len, room_left
from mcp_gateway.protocol.tools.calls import run_tool
from mcp_gateway.protocol.tools.results import PagedResult, SessionRefView, session_ref_view
from mcp_gateway.protocol.tools.spec import CursorArgument, SessionArgument, ToolSpec, read_only
from sessions_app.errors import InvalidArgument
from sessions_app.models import MessageRole
from sessions_app.search import MAX_QUERY_LENGTH
from sessions_app.search.in_session import MAX_SEARCH_PAGE, SearchHit, session_search

DESCRIPTION = """\
Where every word of `query` occurs in one session (any case): chat messages, then file lines (a dev
session's files before and after), each with a snippet, in pages. A message hit's message_index is
get_chat_history's `start_index`; a file hit's path and line are get_file_content's `path` and
`start_line`.

Use it for "where did we decide…?" or "which file mentions…?" instead of reading everything.

Example: search_session(session="dV3kR8pZq1MwT6yJc5xHbE", query="drop Redis")"""


class SearchHitView(BaseModel):
    kind: Literal["message", "file"]
    snippet: str
    message_index: int | None = Field(
        default=None, description="Messages: the message's index in the chat (get_chat_history's start_index)."
    )
    role: MessageRole | None = None
    path: str | None = Field(default=None, description="Files: the file's path.")
    version: Literal["after", "before"] | None = Field(
        default=None, description="Files: after (current content) or before (replaced)."
    )
    line: int | None = Field(
        default=None, description="Files: the line number, from 1 (get_file_content's start_line)."
    )


class SearchResult(PagedResult):
    session: SessionRefView
    query: str
    hits: list[SearchHitView]


def _hit(hit: SearchHit) -> dict[str, Any]:
    fields = {name: getattr(hit, name) for name in SearchHitView.model_fields}
    return {name: value for name, value in fields.items() if value is not None}


def _query_tag(query: str) -> str:
    """Ties a cursor to its query: a cursor of another search is refused, not misread."""
    return hashlib.sha256(" ".join(query.split()).lower().encode()).hexdigest()[:12]


def _cursor(query: str, hit: SearchHit) -> str:
    return encode_cursor("search", _query_tag(query), *hit.position)


def _start(query: str, cursor: str | None) -> tuple | None:
    if not cursor:
        return None
    try:
        tag, phase, *rest = decode_cursor(cursor, "search", (str, int, int))
        start = (phase, *rest)
    except InvalidArgument:
        tag, phase, path, version, line = decode_cursor(cursor, "search", (str, int, str, int, int))
        start = (phase, path, version, line)
    if tag != _query_tag(query) or start[0] not in (0, 1) or (start[0] == 1 and len(start) != 4):
        raise InvalidArgument("That cursor belongs to another search; pass the same query it was issued for.")
    return start


async def search_session(
    session: SessionArgument,
    query: Annotated[
        str, Field(description="The words to find, e.g. drop Redis.", min_length=1, max_length=MAX_QUERY_LENGTH)
    ],
    ctx: Context,
    cursor: CursorArgument = None,
    limit: Annotated[int, Field(description="Hits per page.", ge=1, le=MAX_SEARCH_PAGE)] = 20,
) -> Annotated[CallToolResult, SearchResult]:
    return await run_tool(ctx, SPEC, session=session, query=query, cursor=cursor, limit=limit)


def session_hits(principal: Principal, *, session: str, query: str, cursor: str | None, limit: int) -> dict[str, Any]:
    """A page of hits for every word of `query`, as many as fit the budget; the cursor is tied to the query."""
    page = session_search(
        workspace=principal.workspace, session_ref=session, query=query, start=_start(query, cursor), limit=limit
    )
    result: dict[str, Any] = {
        "session": session_ref_view(page.session),
        "query": query,
        "hits": [],
    }
    hits = [_hit(hit) for hit in page.hits]
    room = room_left(result)
    shown = fit_count([json_len(hit) for hit in hits], room)
    result["hits"] = hits[:shown]
    following = page.hits[shown] if shown < len(page.hits) else page.following
    if following is not None:
        result["next_cursor"] = _cursor(query, following)
    return result


SPEC = ToolSpec(
    name="search_session",
    description=DESCRIPTION,
    handler=search_session,
    work=session_hits,
    links=lambda result: links_to_files(result["session"]["id"], result["hits"]),
    annotations=read_only("Search an Alloy session"),
)
